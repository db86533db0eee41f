import ArgumentParser
import Foundation
import LTCore
import LTPostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `lt-bench follow` (issue 15): signal latency under cron. A generator inserts signals at random
/// moments over several simulated cron minutes while `lt execute` is started at every minute as
/// cron would start it — following the minute (polling, or woken by the ft_orders notify trigger)
/// or plain — and the figure is signal time → lt_orders.submitted_at. Prints; asserts nothing.
struct FollowBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Latency under cron: signal time → submitted_at, --follow (poll, notify) vs plain cron.",
        discussion: """
            The minute is simulated (--minute, default 10s) so the bench runs in reasonable time: a \
            follower runs `lt execute --follow MINUTE --lock-wait 5s`; plain cron mode runs `lt execute`. \
            --minutes + 1 runs are started, one per minute boundary (the last one picks up what the final \
            minute left to the next tick). Each mode gets a fresh database and exchange.
            """)

    @Option(help: "Length of a simulated cron minute (e.g. 10s, 60s).")
    var minute = "10s"

    @Option(help: "Simulated minutes during which signals arrive.")
    var minutes = 3

    @Option(help: "Signals per simulated minute (at uniformly random moments, each for a random strategy).")
    var signalsPerMinute = 10

    @Option(help: "Live strategies.")
    var strategies = 100

    @Option(help: "Latency the paper exchange adds to every call, in milliseconds.")
    var latency = 50

    @Option(help: "Modes, comma-separated: poll (--follow), notify (--follow with the trigger), cron (plain).")
    var modes = "poll,notify,cron"

    @Option(help: "Directory with the lt and lt-paper-exchange binaries (default: lt-bench's own).")
    var binDir: String?

    @Option(help: "Repository root, for scripts/pg-test-cluster.sh.")
    var repo = "."

    @Flag(help: "Keep the scratch directory (scenario, wallets file, lt logs) and print its path.")
    var keep = false

    var modeList: [String] { modes.split(separator: ",").map(String.init) }
    var minuteSeconds: Double { parseSeconds(minute) ?? 0 }

    func validate() throws {
        guard minuteSeconds >= 1, minuteSeconds <= 3600 else { throw ValidationError("--minute must be 1s…60m") }
        guard minutes > 0, signalsPerMinute > 0, strategies > 0, latency >= 0 else {
            throw ValidationError("--minutes, --signals-per-minute, --strategies must be positive")
        }
        guard !modeList.isEmpty, modeList.allSatisfy({ ["poll", "notify", "cron"].contains($0) }) else {
            throw ValidationError("--modes takes poll, notify, cron")
        }
    }

    func run() throws {
        let rig = try BenchRig(name: "follow", binDir: binDir, repo: repo, keep: keep)
        defer { rig.close() }
        let total = minutes * signalsPerMinute
        print(
            "simulated minute \(minute) (cron's is 60 s), \(minutes) minutes, \(total) signals over \(strategies) "
                + "strategies, \(latency) ms on every venue call")
        var rows: [[String]] = []
        for mode in modeList {
            let row = try rig.withCase(
                "follow_\(mode)", strategies: strategies, markets: total,
                migrateArguments: mode == "notify" ? ["--notify-trigger"] : []
            ) { env, db, exchangeURL in
                try rig.injectLatency(milliseconds: latency, exchangeURL: exchangeURL)
                return try runMode(mode, rig: rig, env: env, db: db, total: total)
            }
            rows.append(row)
        }
        print("")
        printTable(["mode", "posted", "p50 s", "p95 s", "p99 s", "worst s"], rows)
        print(
            "signal time (ft_orders.order_time, set at insert) → lt_orders.submitted_at, simulated minute \(minute); "
                + "targets with --follow: p50 ≤ 1 s, p99 ≤ 3 s")
    }

    func runMode(_ mode: String, rig: BenchRig, env: [String: String], db: PostgresConnection, total: Int) throws
        -> [String]
    {
        let m = minuteSeconds
        let arguments =
            mode == "cron"
            ? ["execute", "--format", "json"]
            : ["execute", "--format", "json", "--follow", "\(Int(m * 1000))ms", "--lock-wait", "5s"]
        // Events on one timeline (seconds from the start): signal inserts and cron ticks.
        var signals = (0..<total).map { _ in Double.random(in: 0..<(Double(minutes) * m)) }.sorted()
        var ticks = (0...minutes).map { Double($0) * m }
        var pids: [pid_t] = []
        var nextSignal = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        while !signals.isEmpty || !ticks.isEmpty {
            let next = min(signals.first ?? .infinity, ticks.first ?? .infinity)
            let wait = next - elapsed()
            if wait > 0 { usleep(useconds_t(wait * 1e6)) }
            if let t = ticks.first, t <= (signals.first ?? .infinity) {
                ticks.removeFirst()
                let n = pids.count
                pids.append(
                    try Spawn.start(
                        rig.lt, arguments, environment: env, stdout: rig.scratch + "/follow-\(mode)-\(n).out",
                        stderr: rig.scratch + "/follow-\(mode)-\(n).log"))
            } else {
                signals.removeFirst()
                try BenchRig.insertSignal(
                    db: db, id: "bench-f-\(nextSignal)", strategy: Int.random(in: 0..<strategies), market: nextSignal)
                nextSignal += 1
            }
        }
        var statuses: [Int32] = []
        for pid in pids { statuses.append(Spawn.wait(pid)) }
        let bad = statuses.filter { $0 != 0 && $0 != 1 }
        if !bad.isEmpty { print("  NOTE: \(mode): runs exited \(bad) (logs: --keep)") }
        let rows = try db.query(
            """
            SELECT extract(epoch FROM (l.submitted_at - f.order_time))::text AS seconds
              FROM ft_orders f JOIN lt_orders l ON l.ft_order_id = f.order_id
             WHERE f.order_id LIKE 'bench-f-%' AND l.submitted_at IS NOT NULL
            """)
        let xs = rows.compactMap { (try? $0.text("seconds")).flatMap { $0 }.flatMap(Double.init) }
        let p = Percentiles(xs)
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        let row = [mode, "\(xs.count)/\(total)", f(p.p(50)), f(p.p(95)), f(p.p(99)), f(p.worst)]
        print("\(mode): posted \(row[1]), p50 \(row[2]) s, p95 \(row[3]) s, p99 \(row[4]) s, worst \(row[5]) s")
        fflush(nil)
        return row
    }
}
