import Foundation
import LTCore
import Testing

/// `--metrics-file`: the real `lt` writes the Prometheus text format for node_exporter's textfile
/// collector (docs/operations.md "Metrics"), against a private database and the paper exchange.
@Suite(.serialized) struct MetricsFileTests {
    static func read(_ path: String) throws -> PrometheusText {
        try PrometheusText(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
    }

    /// Files in `dir` other than the metrics files themselves (temporary files left behind).
    static func leftovers(_ dir: URL, keeping: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !keeping.contains($0) }
    }

    @Test func executeWritesFiguresThatMatchItsSummary() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", price: "0.50", size: "15")  // filled: $15 for 30 shares
        try h.addSignal("ft-2", price: "1.5", size: "15")  // INVALID_PRICE
        try h.addSignal("ft-3", ageSeconds: 1200, price: "0.50", size: "15")  // STALE_SIGNAL (> 300 s)
        let metricsDir = h.dir.appendingPathComponent("textfile")
        try FileManager.default.createDirectory(at: metricsDir, withIntermediateDirectories: true)
        let path = metricsDir.appendingPathComponent("lt-execute.prom").path
        let before = Date().timeIntervalSince1970.rounded(.down)
        let r = try h.execute(["--format", "json", "--metrics-file", path])
        #expect(r.status == 0, "\(r.output)")
        let result = try #require(try jsonObject(r.stdout)["result"] as? [String: Any])
        let m = try Self.read(path)
        let job = ["lt_job": "execute"]

        // The run.
        #expect(m.value("lt_job_last_run_result", job.merging(["result": "success"]) { $1 }) == 1)
        #expect(m.value("lt_job_last_run_result", job.merging(["result": "failure"]) { $1 }) == 0)
        #expect(m.value("lt_job_last_run_exit_status", job) == 0)
        let finished = try #require(m.value("lt_job_last_run_timestamp_seconds", job))
        #expect(finished >= before && finished <= Date().timeIntervalSince1970)
        #expect(m.value("lt_job_last_success_timestamp_seconds", job) == finished)
        #expect((m.value("lt_job_last_run_duration_seconds", job) ?? -1) > 0)
        // Signals by outcome and skip reasons: the summary's own figures.
        func signals(_ outcome: String) -> Double? {
            m.value("lt_execute_signals", job.merging(["outcome": outcome]) { $1 })
        }
        #expect(signals("filled") == Double(result["filled"] as? Int ?? -1) && signals("filled") == 1)
        #expect(signals("skipped") == Double(result["skipped"] as? Int ?? -1) && signals("skipped") == 2)
        #expect(signals("unknown") == 0 && signals("failed") == 0)
        let byReason = try #require(result["skipped_by_reason"] as? [String: Int])
        for reason in SkipReason.allCases {
            #expect(
                m.value("lt_execute_skipped_signals", job.merging(["reason": reason.rawValue]) { $1 })
                    == Double(byReason[reason.rawValue] ?? 0), "\(reason)")
        }
        #expect(byReason == ["INVALID_PRICE": 1, "STALE_SIGNAL": 1])
        #expect(m.value("lt_job_items", job.merging(["item": "signals_seen"]) { $1 }) == 3)
        // The books after the run, in dollars: $15 (+ its expected fee, none here) locked.
        let cash = try h.cash("s1")
        func bucket(_ b: String) -> Double? {
            m.value("lt_strategy_cash_usd", job.merging(["strategy_id": "s1", "bucket": b]) { $1 })
        }
        #expect(bucket("available") == Double(cash.available.micros) / 1e6 && bucket("available") == 985)
        #expect(bucket("locked") == 15 && bucket("cooldown") == 0)
        #expect(m.value("lt_strategy_breaker_active", job.merging(["strategy_id": "s1"]) { $1 }) == 0)
        #expect(m.value("lt_orders_created_today", job.merging(["strategy_id": "s1", "status": "FILLED"]) { $1 }) == 1)
        #expect(
            m.value("lt_orders_created_today", job.merging(["strategy_id": "s1", "status": "SKIPPED"]) { $1 }) == 2)
        #expect(m.value("lt_orders_unknown", job) == 0)
        #expect(m.value("lt_orders_unknown_oldest_age_seconds", job) == 0)
        #expect(m.types.values.allSatisfy { $0 == "gauge" })
        // Every family written is a documented one.
        let written = Set(m.samples.keys.map { String($0.prefix { $0 != "{" }) })
        #expect(written.isSubset(of: Set(MetricFamily.allCases.map(\.rawValue))))
        #expect(try Self.leftovers(metricsDir, keeping: ["lt-execute.prom"]).isEmpty)
        // node_exporter reads it as any other process would: world-readable, not executable.
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        try PromTool.checkMetrics(path)
    }

    @Test func aFailedRunSaysFailureAndKeepsTheLastSuccess() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let path = h.dir.appendingPathComponent("lt-execute.prom").path
        #expect(try h.execute(["--metrics-file", path]).status == 0)
        let success = try #require(
            try Self.read(path).value("lt_job_last_success_timestamp_seconds", ["lt_job": "execute"]))
        sleep(1)  // the next run's timestamps must differ from the first's

        // The exchange is unreachable: execute defers the new signal and exits 69.
        try h.addSignal("ft-1")
        let deferred = try h.execute(["--metrics-file", path], env: ["LT_CLOB_URL": "http://127.0.0.1:9"])
        #expect(deferred.status == 69, "\(deferred.output)")
        var m = try Self.read(path)
        #expect(m.value("lt_job_last_run_result", ["lt_job": "execute", "result": "failure"]) == 1)
        #expect(m.value("lt_job_last_run_result", ["lt_job": "execute", "result": "success"]) == 0)
        #expect(m.value("lt_job_last_run_exit_status", ["lt_job": "execute"]) == 69)
        #expect(m.value("lt_job_last_success_timestamp_seconds", ["lt_job": "execute"]) == success)
        #expect((m.value("lt_job_last_run_timestamp_seconds", ["lt_job": "execute"]) ?? 0) > success)

        // The database is unreachable: nothing but the run's own figures, and still the last success.
        let noDB = try h.execute(["--metrics-file", path], env: ["DATABASE_URL": "postgresql://lt@127.0.0.1:9/lt"])
        #expect(noDB.status == 69, "\(noDB.output)")
        m = try Self.read(path)
        #expect(m.value("lt_job_last_run_result", ["lt_job": "execute", "result": "failure"]) == 1)
        #expect(m.value("lt_job_last_success_timestamp_seconds", ["lt_job": "execute"]) == success)
        #expect(
            m.value("lt_strategy_cash_usd", ["lt_job": "execute", "strategy_id": "s1", "bucket": "available"]) == nil)
        #expect(
            try Self.leftovers(h.dir, keeping: ["lt-execute.prom", "key.hex", "wallets.json", "scenario.json"]).isEmpty)

        // A metrics file that cannot be written is logged; the run's exit status is its own.
        let bad = try h.lt(["status", "--metrics-file", h.dir.appendingPathComponent("missing/x.prom").path])
        #expect(bad.status == 0, "\(bad.output)")
        #expect(bad.stderr.contains("metrics file not written"))
    }

    /// A reader polling the path while runs rewrite it sees either the old file or the new one,
    /// always whole (it parses and ends with the last family the renderer writes).
    @Test func aReaderNeverSeesHalfAFile() throws {
        let h = try ExecuteHarness()
        for i in 0..<20 { try h.addStrategy("s\(i)") }
        let path = h.dir.appendingPathComponent("lt-status.prom").path
        #expect(try h.lt(["status", "--metrics-file", path]).status == 0)
        let expectedSamples = try Self.read(path).samples.count
        let stop = ManagedFlag()
        let reads = Counter()
        let problems = Problems()
        let reader = Thread {
            while !stop.isSet {
                guard let data = FileManager.default.contents(atPath: path) else {
                    problems.add("the file was missing")
                    continue
                }
                reads.increment()
                do {
                    let m = try PrometheusText(String(decoding: data, as: UTF8.self))
                    if m.samples.count != expectedSamples { problems.add("\(m.samples.count) samples") }
                } catch {
                    problems.add("\(error)")
                }
            }
        }
        reader.start()
        for _ in 0..<8 {
            // Deterministic half of the check: the run replaces the file (a new inode), so a reader
            // that opened the old one still reads it whole; a writer that truncated and rewrote the
            // file in place would change what that reader sees.
            let old = try #require(FileHandle(forReadingAtPath: path))
            let oldText = old.readDataToEndOfFile()
            let oldInode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64
            #expect(try h.lt(["status", "--metrics-file", path]).status == 0)
            try old.seek(toOffset: 0)
            #expect(old.readDataToEndOfFile() == oldText, "the file was rewritten in place")
            try old.close()
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64 != oldInode)
        }
        stop.set()
        while !reader.isFinished { usleep(1000) }
        #expect(problems.all.isEmpty, "\(problems.all.prefix(3))")
        #expect(reads.value > 8)
        #expect(
            try Self.leftovers(h.dir, keeping: ["lt-status.prom", "key.hex", "wallets.json", "scenario.json"]).isEmpty)
    }

    /// doctor writes the books-vs-wallet drift the LTBooksDrift alert reads: the wallet holds
    /// 10000 and the live strategy's books 1000 available, so the books are 9000 under it.
    @Test func doctorWritesTheDriftPerWallet() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let path = h.dir.appendingPathComponent("lt-doctor.prom").path
        let r = try h.lt(["doctor", "--format", "json", "--metrics-file", path])
        let checks = try #require(try jsonObject(r.stdout)["result"] as? [String: Any])["checks"] as? [[String: Any]]
        let failed = checks?.filter { $0["ok"] as? Bool == false }.count ?? -1
        let m = try Self.read(path)
        #expect(m.value("lt_books_drift_usd", ["lt_job": "doctor", "wallet": "main"]) == -9000, "\(r.output)")
        #expect(m.value("lt_doctor_checks_failed", ["lt_job": "doctor"]) == Double(failed))
        #expect(m.value("lt_job_last_run_exit_status", ["lt_job": "doctor"]) == Double(r.status))
    }

    /// node_exporter merges every file of its directory: two jobs' files never repeat a series.
    @Test func filesOfDifferentJobsNeverCollide() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let a = h.dir.appendingPathComponent("a.prom").path
        let b = h.dir.appendingPathComponent("b.prom").path
        #expect(try h.execute(["--metrics-file", a]).status == 0)
        #expect(try h.lt(["daily-reset", "--metrics-file", b]).status == 0)
        let ka = Set(try Self.read(a).samples.keys)
        let kb = Set(try Self.read(b).samples.keys)
        #expect(ka.isDisjoint(with: kb))
        #expect(kb.contains("lt_job_items{item=\"already_current\",lt_job=\"daily-reset\"}"))
    }
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.withLock { n } }
    func increment() { lock.withLock { n += 1 } }
}

final class Problems: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var all: [String] { lock.withLock { list } }
    func add(_ p: String) { lock.withLock { list.append(p) } }
}

/// promtool (Debian's `prometheus` package, installed by scripts/install-deps.sh).
enum PromTool {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func path() throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(dir)/promtool"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failed(description: "promtool not found: run scripts/install-deps.sh (Debian package prometheus)")
    }

    /// Runs promtool with `arguments`, feeding `stdin`; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try path())
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failed(description: "promtool \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// `promtool check metrics`: the exposition format and Prometheus' naming conventions.
    static func checkMetrics(_ file: String) throws {
        try run(["check", "metrics"], stdin: try Data(contentsOf: URL(fileURLWithPath: file)))
    }
}
