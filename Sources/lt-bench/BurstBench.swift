import ArgumentParser
import Foundation
import LTCore
import LTPostgres

/// `lt-bench burst` (issue 15): a burst of signals, one per strategy, all in ft_orders before the
/// run, with a fixed latency injected on every venue call; how long one `lt execute` takes to post
/// them all, per `--max-in-flight`. Prints figures; asserts nothing.
struct BurstBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burst",
        abstract: "Burst: time from run start to the last order posted, per --max-in-flight.",
        discussion: """
            Per --max-in-flight value: a fresh database with N live strategies and N new signals (one \
            each, on N markets), a paper exchange answering every call after --latency, then one \
            `lt execute`. "last post" is the latest lt_orders.submitted_at minus the moment lt-bench \
            spawned the process (so it includes process start, connect and the reads before posting).
            """)

    @Option(help: "Strategies, each with one new signal.")
    var strategies = 100

    @Option(help: "Latency the paper exchange adds to every call, in milliseconds.")
    var latency = 150

    @Option(help: "--max-in-flight values, comma-separated: one run each.")
    var maxInFlight = "1,8,16"

    @Option(help: "Target for the last post, in seconds (printed beside the figure, never asserted).")
    var target = 2.5

    @Option(help: "Directory with the lt and lt-paper-exchange binaries (default: lt-bench's own).")
    var binDir: String?

    @Option(help: "Repository root, for scripts/pg-test-cluster.sh.")
    var repo = "."

    @Flag(help: "Keep the scratch directory (scenario, wallets file, lt logs) and print its path.")
    var keep = false

    var parallelism: [Int] { maxInFlight.split(separator: ",").compactMap { Int($0) } }

    func validate() throws {
        guard strategies > 0, strategies <= 500, latency >= 0 else {
            throw ValidationError("--strategies must be 1…500 and --latency non-negative")
        }
        guard !parallelism.isEmpty, parallelism.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--max-in-flight must be values 1…64, comma-separated")
        }
    }

    func run() throws {
        let rig = try BenchRig(name: "burst", binDir: binDir, repo: repo, keep: keep)
        defer { rig.close() }
        print("\(strategies) signals over \(strategies) strategies, \(latency) ms on every venue call")
        var rows: [[String]] = []
        for k in parallelism {
            let row = try rig.withCase("burst_\(k)", strategies: strategies, markets: 1) { env, db, exchangeURL in
                try rig.injectLatency(milliseconds: latency, exchangeURL: exchangeURL)
                try db.runScript(
                    ExecuteBenchScenario(strategies: strategies, signals: 1, history: 0).newSignalsSQL)
                let start = Date()
                let r = try rig.runner.run(
                    ["execute", "--format", "json", "--max-in-flight", "\(k)"], env: env, log: "burst-\(k).log")
                guard r.status == 0 || r.status == 1 else { throw BenchError("lt execute exited \(r.status)") }
                let rows = try db.query(
                    """
                    SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL)::text AS posted,
                           extract(epoch FROM max(submitted_at))::text AS last,
                           extract(epoch FROM min(submitted_at))::text AS first
                      FROM lt_orders
                    """)
                let posted = (try? rows.first?.text("posted")).flatMap { $0 } ?? "0"
                let last = (try? rows.first?.text("last")).flatMap { $0 }.flatMap(Double.init)
                let first = (try? rows.first?.text("first")).flatMap { $0 }.flatMap(Double.init)
                let lastS = last.map { $0 - start.timeIntervalSince1970 }
                let firstS = first.map { $0 - start.timeIntervalSince1970 }
                func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
                let verdict = lastS.map { $0 <= target ? "within" : "OVER" } ?? "-"
                print(
                    "max-in-flight \(k): posted \(posted)/\(strategies), first post \(f(firstS)) s, "
                        + "last post \(f(lastS)) s, process \(f(r.milliseconds / 1000)) s (\(verdict) \(target) s)")
                fflush(nil)
                return ["\(k)", "\(posted)/\(strategies)", f(firstS), f(lastS), f(r.milliseconds / 1000), verdict]
            }
            rows.append(row)
        }
        print("")
        printTable(["max-in-flight", "posted", "first post s", "last post s", "process s", "vs target"], rows)
        print("seconds from spawning `lt execute` to lt_orders.submitted_at; target: last post ≤ \(target) s")
    }
}

/// A right-aligned text table.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in String(repeating: " ", count: widths[i] - c.count) + c }
            .joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for r in rows { print(line(r)) }
}
