import Foundation
import Logging

/// What every job does before its own work (design §4): complete an overdue daily reset and move
/// matured cooldown proceeds to available cash, so a missed cron tick never blocks trading.
/// Idempotent and safe to run from several jobs at once (per-strategy locks, guarded updates).
public enum Housekeeping {
    public struct Summary: Codable, Sendable, Equatable {
        public var dailyReset: DailyReset.Summary
        public var cooldownsReleased: CooldownRelease.Summary
    }

    public static func run(_ ctx: JobContext, ledger: any Ledger) throws -> Summary {
        Summary(
            dailyReset: try DailyReset.run(ctx, ledger: ledger),
            cooldownsReleased: try CooldownRelease.run(ctx, ledger: ledger))
    }
}

/// Cooldown matured (design §3): `available += amount`, `cooldown -= amount`, the queue rows marked
/// released — through the ledger, one transaction per strategy under its lock, so the capital
/// invariant and `cooldown_capital = sum(unreleased rows)` hold at every commit. A WON payout waits
/// for its redemption to be confirmed as well as for its time.
public enum CooldownRelease {
    public struct Summary: Codable, Sendable, Equatable {
        /// strategy id → amount released this run.
        public var released: [String: Fixed6] = [:]
        public var total: Fixed6 { released.values.reduce(.zero, +) }
    }

    /// - Parameter strategyID: only this strategy (`lt force cooldown --strategy`); nil: every one.
    public static func run(_ ctx: JobContext, ledger: any Ledger, strategyID: String? = nil) throws -> Summary {
        let now = ctx.now()
        var summary = Summary()
        for id in try ledger.strategiesWithMaturedCooldown(now: now) where strategyID == nil || id == strategyID {
            let amount = try ledger.releaseMaturedCooldown(strategyID: id, now: now)
            guard amount.isPositive else { continue }
            summary.released[id] = amount
            ctx.logger.info(
                "cooldown released", metadata: ["strategy_id": .string(id), "amount": .string(amount.exactText)])
        }
        return summary
    }
}
