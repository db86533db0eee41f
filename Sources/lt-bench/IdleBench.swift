import ArgumentParser
import Foundation

/// `lt-bench idle` (issue 15): what a cron tick with nothing to do costs — process start, connect,
/// one probe for new signals, exit — with N strategies and no new signals; `lt --version` beside it
/// as the process floor. Prints figures; asserts nothing.
struct IdleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "Idle tick: `lt execute` with no new signals (median/p95), and `lt --version`.",
        discussion: """
            Per strategy count: a fresh database with N live strategies and no signals, one warm-up run, \
            then --runs timed `lt execute --format json` runs (spawn to reap); then the last binary again \
            with --metrics-file, as crontab.example runs it.
            """)

    @Option(help: "Strategy counts, comma-separated: one case each.")
    var strategies = "100,1000"

    @Option(help: "Timed runs per figure.")
    var runs = 21

    @Option(help: "Directory with the lt and lt-paper-exchange binaries (default: lt-bench's own).")
    var binDir: String?

    @Option(
        help: ArgumentHelp(
            "Further lt binaries timed beside --bin-dir's, comma-separated, e.g. a --static-swift-stdlib build "
                + "(make bench: .build/static/release/lt); each row is labelled with its path.",
            valueName: "paths"))
    var compare: String?

    @Option(help: "Repository root, for scripts/pg-test-cluster.sh.")
    var repo = "."

    @Flag(help: "Keep the scratch directory (scenario, wallets file, lt logs) and print its path.")
    var keep = false

    var counts: [Int] {
        strategies.split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
    }

    func validate() throws {
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), runs > 0 else {
            throw ValidationError("--strategies must be positive integers, comma-separated; --runs positive")
        }
    }

    func run() throws {
        let rig = try BenchRig(name: "idle", binDir: binDir, repo: repo, keep: keep)
        defer { rig.close() }
        var rows: [[String]] = []
        func row(_ name: String, _ sample: () throws -> Double) throws {
            _ = try sample()  // warm-up: page cache, the server's catalog caches
            var xs: [Double] = []
            for _ in 0..<runs { xs.append(try sample()) }
            let p = Percentiles(xs)
            rows.append([
                name, String(format: "%.1f", p.p(50)), String(format: "%.1f", p.p(95)),
                String(format: "%.1f", p.sorted.first ?? .nan), String(format: "%.1f", p.worst),
            ])
            print(rows.last!.joined(separator: "  "))
            fflush(nil)
        }
        // The binaries compared, back to back on the same databases (static vs dynamic Swift stdlib).
        let others = (compare ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        for path in others where !FileManager.default.isExecutableFile(atPath: path) {
            throw BenchError("\(path) not found")
        }
        let binaries = [("", rig.runner)] + others.map { (" [\($0)]", LTRunner(binary: $0, scratch: rig.scratch)) }
        for (_, runner) in binaries {
            let size = (try? FileManager.default.attributesOfItem(atPath: runner.binary)[.size] as? Int) ?? 0
            print(String(format: "%@: %.1f MB", runner.binary, Double(size) / 1e6))
        }
        let plainEnv = ProcessInfo.processInfo.environment
        for (label, runner) in binaries {
            try row("lt --version" + label) { try runner.run(["--version"], env: plainEnv).milliseconds }
        }
        for n in counts {
            try rig.withCase("idle_\(n)", strategies: n, markets: 1) { env, _, _ in
                for (label, runner) in binaries {
                    try row("lt execute, \(n) strategies" + label) {
                        let e = try runner.execute(env: env)
                        guard e.status == 0 else { throw BenchError("lt execute exited \(e.status)") }
                        return e.wall
                    }
                }
                // As crontab.example runs it: the metrics file too (samples per strategy, written and
                // synced every tick), with the last binary (the static one under `make bench`): what
                // it adds is lt's work, not start-up.
                let metrics = rig.scratch + "/idle_\(n).prom"
                let (label, runner) = binaries[binaries.count - 1]
                try row("lt execute --metrics-file, \(n) strategies" + label) {
                    let e = try runner.execute(env: env, extra: ["--metrics-file", metrics])
                    guard e.status == 0 else { throw BenchError("lt execute exited \(e.status)") }
                    return e.wall
                }
            }
        }
        print("")
        printTable(["run", "p50 ms", "p95 ms", "min ms", "max ms"], rows)
        print("\(runs) timed runs each after one warm-up; spawn to reap, no new signals")
    }
}
