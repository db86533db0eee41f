import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt execute`: wires the execute job (LTCore) to Postgres, the CLOB and the wallets file.
/// docs/jobs.md "execute" describes the steps.
struct ExecuteCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "FT signals to sized, risk-checked, signed CLOB orders (exactly once).",
        discussion: """
            Live orders need the strategy's mode = 'live' AND LT_LIVE_TRADING=1; otherwise strategies run \
            as shadow (real book, simulated fill, nothing signed or posted). Needs DATABASE_URL and \
            LT_CLOB_URL; LT_WALLETS_FILE for live strategies.
            """
    ).cronJob()

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    @Option(help: "How far back to look for new signals, in minutes.")
    var lookbackMinutes: Int = 60

    @Option(help: "At most this many new signals per strategy per run.")
    var batchLimit: Int = 500

    @Option(
        help: ArgumentHelp(
            "After the first pass, keep the job lock and decide new signals as they arrive until this long "
                + "after the run started, e.g. 60s on a 1-minute cron (docs/operations.md \"Latency\").",
            valueName: "duration"))
    var follow: DurationArgument?

    @Option(
        help: ArgumentHelp(
            "While following without the ft_orders trigger, look for new signals this often.",
            valueName: "duration"))
    var pollInterval = DurationArgument(.milliseconds(250))

    @Option(
        help: ArgumentHelp(
            "Wait up to this long for the job lock another run holds (the previous follower finishing), "
                + "e.g. 5s; without it a run that finds the lock taken skips at once.",
            valueName: "duration"))
    var lockWait = DurationArgument(.zero)

    @Option(
        help: ArgumentHelp(
            "At most this many venue calls at once: orders posted across strategies (one strategy's posts "
                + "stay sequential) and the reads ahead of a pass's decisions."))
    var maxInFlight: Int = 16

    @Option(
        help: ArgumentHelp(
            "A pass reads markets, fee schedules and books for a wave of strategies at once, closed at this "
                + "many candidate signals: fewer round trips when larger, fresher books when smaller.",
            valueName: "signals"))
    var readAhead: Int = 200

    /// With the trigger installed, a follower still probes this often: rows that reach ft_orders
    /// without firing triggers (logical replication applies them as a replica) are found anyway.
    static let notifySafetyProbe = Duration.seconds(5)

    func validate() throws {
        guard lookbackMinutes > 0, batchLimit > 0 else {
            throw ValidationError("--lookback-minutes and --batch-limit must be positive")
        }
        if let follow, follow.duration <= .zero { throw ValidationError("--follow must be positive") }
        guard (1...64).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…64") }
        guard (1...10_000).contains(readAhead) else { throw ValidationError("--read-ahead must be 1…10000") }
        guard pollInterval.duration >= .milliseconds(10) else {
            throw ValidationError("--poll-interval must be at least 10ms")
        }
    }

    final class Outcome {
        var summary: ExecuteSummary?
    }

    func runJob() -> ExitStatus {
        // The follow deadline counts from the process start, so a run that waited for the lock or
        // had a long first pass still ends in time for the next cron start.
        let started = ContinuousClock.now
        let shard = sharding.value
        // One job lock per shard: n hosts share the job, and two runs of the same shard never overlap.
        let job = sharding.jobName("execute")
        let outcome = Outcome()
        // 0. The job lock is taken by Runner.run; then the housekeeping every job does first (an
        //    overdue daily reset, matured cooldowns), so a missed cron tick never blocks trading.
        // Strategies the configuration stops (78) or signals deferred for an unavailable venue (69)
        // decide the exit status — and so the JSON summary's status, which Runner derives from it.
        let decide: (any JobSummary) -> ExitStatus = { summary in
            Wiring.exitStatus(
                summary, configurationErrors: outcome.summary?.configurationErrors ?? 0,
                unavailable: outcome.summary?.deferred ?? 0)
        }
        return Runner.run(job: job, options: options, lockWait: lockWait.duration, decide: decide) { ctx, config, db in
            var runCtx = ctx
            // A follower lasts: `--now` gives where its clock starts, and it advances from there.
            if follow != nil, options.now != nil { runCtx.clock = AdvancingClock(from: ctx.now()) }
            let ctx = runCtx
            let timings = StageTimings()  // db / HTTP / signing totals for the JSON summary (lt-bench)
            let ledger = TimedLedger(LedgerStore(database: db), timings: timings)
            let housekeeping = { _ = try Housekeeping.run(ctx, ledger: ledger) }
            try housekeeping()
            let venue = try Wiring.clobVenue(config)
            let run = ExecuteJob(
                store: TimedExecuteStore(ExecuteStore(database: db), timings: timings), ledger: ledger,
                venue: TimedVenue(venue, timings: timings),
                options: ExecuteOptions(
                    liveTradingEnabled: config.liveTrading, shard: shard, lookbackSeconds: lookbackMinutes * 60,
                    batchLimit: batchLimit, maxInFlight: maxInFlight, readAheadSignals: readAhead),
                runID: ctx.runID, now: { ctx.now() }, logger: ctx.logger,
                crashPoint: Wiring.crashPoint(config))
            _ = try run.run()
            if let follow {
                // LISTEN when the opt-in trigger is there (woken the moment a signal commits), else poll.
                let wakeup: any SignalWakeup =
                    try SignalNotifications.triggerInstalled(db) ? NotifyWakeup(listeningOn: db) : PollWakeup()
                try run.follow(
                    until: started + follow.duration,
                    interval: wakeup.mode == .notify
                        ? max(Self.notifySafetyProbe, pollInterval.duration) : pollInterval.duration,
                    wakeup: wakeup, housekeeping: housekeeping)
            }
            outcome.summary = run.summary
            return TimedJobSummary(run.summary, timings: timings.report)
        }
    }
}
