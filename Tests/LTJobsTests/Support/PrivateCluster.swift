import Foundation
import LTPostgres

/// A throwaway Postgres cluster owned by one test (scripts/pg-test-cluster.sh start / restart / stop), for
/// tests that take the server down: the `make test` cluster is shared by every suite running in parallel.
/// Call `stop()` in a `defer`; deinit stops it too, as a backstop.
final class PrivateCluster {
    let dir: String
    /// conninfo of the cluster's `postgres` database (give it to `lt` as DATABASE_URL).
    let url: String
    private var stopped = false

    static var script: String {
        // Tests/LTJobsTests/Support/PrivateCluster.swift -> the package root.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root = root.deletingLastPathComponent() }
        return root.appendingPathComponent("scripts/pg-test-cluster.sh").path
    }

    /// `durableDefault: false` keeps the script's `synchronous_commit = off` as the server default
    /// and makes the WAL writer flush only every 10 s, so that a crash loses every commit that did
    /// not ask for durability itself (the durability test, issue 8 item 5).
    init(durableDefault: Bool = true) throws {
        let r = try Self.run(["start"])
        let exports = Self.exports(r.stdout)
        guard r.status == 0, let dir = exports["LT_PG_DIR"], let url = exports["LT_TEST_DATABASE_URL"] else {
            throw HarnessUnavailable(
                description: "could not start a private Postgres cluster with \(Self.script) start "
                    + "(exit \(r.status); needs the Postgres server binaries and, as root, runuser): \(r.stderr)")
        }
        self.dir = dir
        self.url = url
        // The script turns synchronous_commit off for speed; a crash would then lose commits lt already
        // saw (an INTENT row gone after its order was posted). A database setting overrides the server
        // default for every later session, so the crash below is the one production can have.
        let db = try PostgresConnection(url: url, applicationName: "lt-tests")
        if durableDefault {
            try db.runScript("ALTER DATABASE postgres SET synchronous_commit = on")
        } else {
            try db.runScript("ALTER SYSTEM SET wal_writer_delay = '10s'")
            try db.runScript("ALTER DATABASE postgres SET synchronous_commit = off")
            try db.runScript("SELECT pg_reload_conf()")
        }
    }

    /// `pg_ctl restart -m immediate`: every session is cut, the server crash-recovers and comes back.
    func restart() throws {
        let r = try Self.run(["restart", dir])
        guard r.status == 0 else {
            throw HarnessUnavailable(description: "private cluster restart failed (exit \(r.status)): \(r.stderr)")
        }
    }

    /// Stops the server and deletes its directory (idempotent).
    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? Self.run(["stop", dir])
    }

    deinit { stop() }

    private static func exports(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            out[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return out
    }

    private static func run(_ args: [String]) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script] + args
        p.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // The script's output is a few lines: reading stdout then stderr cannot fill a pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessResult(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }
}
