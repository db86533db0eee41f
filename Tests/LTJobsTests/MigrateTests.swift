import Foundation
import LTCore
import LTPostgres
import Testing

@Suite("lt migrate")
struct MigrateTests {
    @Test("lt migrate twice: the second run applies nothing; --dev-tables adds the FT input tables")
    func twice() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let env = ["DATABASE_URL": t.url]
        let first = try LTProcess.run(["migrate", "--dev-tables", "--format", "json"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let r1 = try #require(try jsonObject(first.stdout)["result"] as? [String: Any])
        // A fresh database gets every migration, in order: 001_schema.sql, 002_…, one per version.
        let applied = try #require(r1["applied"] as? [String])
        #expect(applied.first == "001_schema.sql")
        #expect(applied.count == Migrator.embeddedFiles.filter { !$0.path.hasPrefix("sql/dev/") }.count)
        #expect(applied == applied.sorted())
        let second = try LTProcess.run(["migrate", "--dev-tables"], environment: env)
        #expect(second.status == 0)
        #expect(second.stdout.contains("nothing to do"))
        let db = try t.connect()
        let tables = try db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        ) { row throws(RowDecodingError) in try row.decode("table_name", as: String.self) }
        #expect(
            tables == [
                "ft_orders", "ft_wallets", "lt_alert_outbox", "lt_capital_movements", "lt_chain_approvals",
                "lt_cooldown_queue", "lt_orders", "lt_strategies",
            ])
        #expect(try Migrator.currentVersion(db) == Migrator.latestVersion)
    }
}
