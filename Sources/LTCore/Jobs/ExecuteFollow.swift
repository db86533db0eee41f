import Foundation
import Logging

// `lt execute --follow DURATION` (docs/operations.md "Latency"): after its normal pass the run keeps
// the job lock and decides new signals as they arrive until its deadline, then exits like any run.
// Everything that makes a run safe is unchanged: one job lock, the same per-signal pipeline and
// ledger, run liveness; the follower only removes the wait for the next cron tick.

/// How a follower sleeps between looks for new signals.
public enum FollowWakeMode: String, Sendable, Hashable, Encodable {
    /// A timer (`--poll-interval`).
    case poll
    /// `LISTEN` on the channel the optional `ft_orders` trigger notifies (`lt migrate --notify-trigger`).
    case notify
}

/// The follower's sleep (LTPostgres' `NotifyWakeup` over LISTEN, or `PollWakeup`).
public protocol SignalWakeup: AnyObject {
    var mode: FollowWakeMode { get }
    /// Blocks at most `timeout`; returns early, answering true, when told that something arrived.
    func wait(upTo timeout: Duration) throws -> Bool
}

/// Poll mode: sleep the interval; the probe after it finds what arrived.
public final class PollWakeup: SignalWakeup {
    public init() {}
    public var mode: FollowWakeMode { .poll }
    public func wait(upTo timeout: Duration) throws -> Bool {
        let c = timeout.components
        Thread.sleep(forTimeInterval: Double(c.seconds) + Double(c.attoseconds) / 1e18)
        return false
    }
}

/// Which strategies a follower decides after a probe (pure).
public enum FollowPlan {
    /// - Parameters:
    ///   - undecided: the probe, per strategy: how many signals in the window have no decision.
    ///   - settled: what the last pass left undecided per strategy (signals deferred because the
    ///     venue could not be read, or a wallet that cannot sign). Retrying them on every probe would
    ///     hammer a venue that is down; the next run retries them, as a cron run always did.
    /// - Returns: the strategies with more undecided signals than they were left with (something
    ///   new arrived), and the settled counts lowered to what the probe saw (signals decided by
    ///   another run, or gone out of the window, no longer hide new ones).
    public static func due(undecided: [String: Int], settled: [String: Int]) -> (
        due: Set<String>, settled: [String: Int]
    ) {
        var due: Set<String> = []
        var kept: [String: Int] = [:]
        for (strategy, count) in undecided {
            let left = settled[strategy] ?? 0
            if count > left { due.insert(strategy) }
            if left > 0 { kept[strategy] = min(left, count) }
        }
        return (due, kept)
    }
}

/// What following did, beside the decisions (which the execute summary counts as usual).
public struct FollowSummary: Sendable, Hashable, Encodable {
    public var wake: FollowWakeMode
    /// Probes for new signals after the first pass.
    public var probes = 0
    /// Notifications received (notify mode).
    public var notifications = 0
    /// Decision passes after the first, each over the strategies with something new.
    public var passes = 0
    /// Housekeeping runs because the UTC day turned while following (the daily reset).
    public var dayChanges = 0

    public init(wake: FollowWakeMode) { self.wake = wake }
}

extension ExecuteJob {
    /// Follows until `deadline` (monotonic): sleeps on `wakeup` at most `interval` at a time, probes
    /// (one round trip for every strategy), and decides what is new with the same pipeline as the
    /// first pass. A decision under way at the deadline completes; the next run starts at once.
    /// When the UTC day turns, `housekeeping` runs first (the daily reset), as a run starting then
    /// would. Database errors propagate: a lost connection ends the run with 69.
    public func follow(
        until deadline: ContinuousClock.Instant, interval: Duration, wakeup: any SignalWakeup,
        housekeeping: () throws -> Void
    ) throws {
        var f = FollowSummary(wake: wakeup.mode)
        defer { summary.follow = f }
        var day = UTCDay(now())
        // What the first pass left undecided, by its own count (see `leftUndecided`).
        var settled = leftUndecided
        logger.info(
            "following",
            metadata: [
                "stage": "follow", "wake": .string(wakeup.mode.rawValue),
                "interval_ms": "\(Int(interval / .milliseconds(1)))",
            ])
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { break }
            if try wakeup.wait(upTo: min(interval, left)) { f.notifications += 1 }
            if ContinuousClock.now >= deadline { break }
            let today = UTCDay(now())
            if today != day {
                try housekeeping()
                day = today
                f.dayChanges += 1
            }
            f.probes += 1
            let plan = FollowPlan.due(undecided: try undecidedInShard(), settled: settled)
            settled = plan.settled
            if plan.due.isEmpty { continue }
            for id in plan.due { leftUndecided[id] = nil }
            try pass(only: plan.due)
            f.passes += 1
            // The strategies just decided keep only what this pass left; a signal that arrived
            // meanwhile is still new at the next probe. The others keep what they had.
            for id in plan.due { settled[id] = leftUndecided[id] }
        }
        logger.info(
            "follow deadline reached",
            metadata: ["stage": "follow", "passes": "\(f.passes)", "probes": "\(f.probes)"])
    }

    func undecidedInShard() throws -> [String: Int] {
        let since = now().addingTimeInterval(-Double(options.lookbackSeconds))
        return try store.undecidedSignalCounts(since: since).filter {
            options.shard?.contains(strategyID: $0.key) ?? true
        }
    }
}
