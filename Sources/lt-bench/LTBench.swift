import ArgumentParser

/// Benchmarks, separate from the tests (design §7): they print figures and assert nothing.
/// Each area is a subcommand, so others can add theirs (e.g. `lt-bench execute`).
@main
struct LTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lt-bench",
        abstract: "Benchmarks for lt (figures are printed, never asserted).",
        subcommands: [
            SigningBench.self, ExecuteBench.self, SyncBench.self, BurstBench.self, IdleBench.self, FollowBench.self,
        ])
}
