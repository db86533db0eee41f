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

    public static func run(_ ctx: JobContext) throws -> Summary {
        Summary(dailyReset: try DailyReset.run(ctx), cooldownsReleased: try CooldownRelease.run(ctx))
    }
}

/// Cooldown matured (design §3): `available += amount`, `cooldown -= amount`, the queue rows marked
/// released — one transaction per strategy under its lock, so the capital invariant and
/// `cooldown_capital = sum(unreleased rows)` hold at every commit.
public enum CooldownRelease {
    public struct Summary: Codable, Sendable, Equatable {
        /// strategy id → amount released this run.
        public var released: [String: Fixed6] = [:]
        public var total: Fixed6 { released.values.reduce(.zero, +) }
    }

    public static func run(_ ctx: JobContext) throws -> Summary {
        let db = ctx.database
        let now = ctx.now()
        let due = try db.query(
            """
            SELECT DISTINCT strategy_id FROM lt_cooldown_queue
            WHERE released_at IS NULL AND available_at <= \(now) ORDER BY strategy_id
            """
        ) { row throws(RowDecodingError) in try row.decode("strategy_id", as: String.self) }
        var summary = Summary()
        for id in due {
            let amount = try db.transaction { () throws -> Fixed6? in
                try db.lockStrategy(id)
                return try db.queryFirst(
                    """
                    WITH released AS (
                      UPDATE lt_cooldown_queue SET released_at = \(now)
                      WHERE strategy_id = \(id) AND released_at IS NULL AND available_at <= \(now)
                      RETURNING amount
                    ), total AS (SELECT coalesce(sum(amount), 0) AS amount FROM released)
                    UPDATE lt_strategies s SET available_cash = s.available_cash + t.amount,
                      cooldown_capital = s.cooldown_capital - t.amount, updated_at = now()
                    FROM total t WHERE s.strategy_id = \(id) AND t.amount > 0
                    RETURNING t.amount
                    """)?.decode("amount", as: Fixed6.self)
            }
            guard let amount, amount.isPositive else { continue }
            summary.released[id] = amount
            ctx.logger.info(
                "cooldown released", metadata: ["strategy_id": .string(id), "amount": .string(amount.exactText)])
        }
        return summary
    }
}
