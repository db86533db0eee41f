import Foundation
import LTPostgres

// A private database per test, so tests run in parallel against the one throwaway cluster that
// `make test` starts (LT_TEST_DATABASE_URL: a conninfo admin URL). Kept small and self-contained
// so other test targets can copy it (test targets cannot import each other).

struct TestDatabaseUnavailable: Error, CustomStringConvertible {
    var description: String {
        "LT_TEST_DATABASE_URL is not set: database tests need the throwaway cluster; run them with `make test`"
    }
}

final class TestDatabase {
    let name: String
    /// conninfo for this test's database (give it to `lt` as DATABASE_URL).
    let url: String
    let adminURL: String

    /// Creates an empty database; `migrated` applies the schema, `devTables` adds ft_orders/ft_wallets.
    init(migrated: Bool = true, devTables: Bool = true) throws {
        guard let admin = ProcessInfo.processInfo.environment["LT_TEST_DATABASE_URL"], !admin.isEmpty else {
            throw TestDatabaseUnavailable()
        }
        adminURL = admin
        name = "lt_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        // Later conninfo keywords win, so appending dbname retargets the admin URL.
        url = admin + " dbname=\(name)"
        let adminConnection = try PostgresConnection(url: admin, applicationName: "lt-tests")
        try adminConnection.runScript("CREATE DATABASE \(name)")
        if migrated || devTables {
            let db = try connect()
            if migrated { _ = try Migrator.migrate(db) }
            if devTables { try Migrator.installDevTables(db) }
        }
    }

    func connect(applicationName: String = "lt-tests") throws -> PostgresConnection {
        try PostgresConnection(url: url, applicationName: applicationName)
    }

    deinit {
        // FORCE ends sessions a failed test left open.
        if let admin = try? PostgresConnection(url: adminURL, applicationName: "lt-tests") {
            try? admin.runScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
