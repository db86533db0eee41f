import Foundation
import Logging

/// daily-reset (design §4): at the UTC day boundary zero each strategy's daily counters, clear a
/// daily-loss circuit breaker and set `last_reset_date`. The day comes from the context's clock,
/// in UTC. Idempotent: a strategy whose `last_reset_date` is already today is not touched, so a
/// second run — or a run at 23:59:59 of the day already reset — changes nothing. Each strategy is
/// reset in its own transaction under its per-strategy lock, so it never races a job that is
/// changing the same strategy's counters.
public enum DailyReset {
    public struct Summary: JobSummary, Codable, Sendable, Equatable {
        public var day: UTCDay
        /// Strategies reset by this run.
        public var reset: [String]
        /// Strategies whose daily-loss breaker this run cleared.
        public var breakersCleared: [String]
        /// Strategies that were already reset for `day`.
        public var alreadyCurrent: Int

        public var failedCount: Int { 0 }
        public var textLines: [String] {
            var lines = ["daily-reset for \(day): \(reset.count) reset, \(alreadyCurrent) already current"]
            if !reset.isEmpty { lines.append("  reset: " + reset.joined(separator: ", ")) }
            if !breakersCleared.isEmpty {
                lines.append("  daily-loss breaker cleared: " + breakersCleared.joined(separator: ", "))
            }
            return lines
        }
    }

    /// Resets every strategy whose last reset is before today (UTC, from `ctx.clock`). Other jobs call
    /// this first too (without the daily-reset job lock), so a missed cron tick never blocks trading.
    public static func run(_ ctx: JobContext, ledger: any Ledger) throws -> Summary {
        let day = ctx.today
        let (due, total) = try ledger.strategiesDueForReset(day: day)
        var summary = Summary(day: day, reset: [], breakersCleared: [], alreadyCurrent: total - due.count)
        for id in due {
            // nil: another run reset it since the list was read.
            guard let cleared = try ledger.resetDailyCounters(strategyID: id, day: day, at: ctx.now()) else {
                summary.alreadyCurrent += 1
                continue
            }
            summary.reset.append(id)
            if cleared { summary.breakersCleared.append(id) }
            ctx.logger.info(
                "daily counters reset",
                metadata: [
                    "strategy_id": .string(id), "day": .string(day.description),
                    "breaker_cleared": .stringConvertible(cleared),
                ])
        }
        return summary
    }
}

extension Row {
    /// An integer column, or nil when absent, NULL or not an integer (for counts).
    public func decodeInt(_ column: String) -> Int? { (try? decode(column, as: Int?.self)) ?? nil }
}
