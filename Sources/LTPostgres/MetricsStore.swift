import Foundation
import LTCore

/// The one read a run makes for its metrics file: the active strategies' cash and risk state, the
/// orders whose outcome is not final, today's orders by status and the redemption backlog. Every
/// query is served by a small partial index (or the created_at index for today), so its cost
/// follows what is open, not the history.
public final class MetricsStore {
    let db: any Database

    public init(database: any Database) { db = database }

    public func snapshot(today: UTCDay) throws -> BooksSnapshot {
        // Four independent reads in one round trip.
        let strategiesSQL: SQL = """
            SELECT strategy_id, available_cash, locked_capital, cooldown_capital, realized_pnl,
                   circuit_breaker_active, trading_state
              FROM lt_strategies WHERE is_active ORDER BY strategy_id
            """
        let openSQL: SQL = """
            SELECT strategy_id, status, count(*) AS n, min(created_at) AS oldest FROM lt_orders
             WHERE status IN ('INTENT', 'SUBMITTED', 'PARTIAL', 'UNKNOWN') GROUP BY strategy_id, status
            """
        let backlogSQL: SQL = """
            SELECT strategy_id, redemption_status, count(*) AS n FROM lt_orders
             WHERE redemption_status IN ('PENDING', 'SUBMITTED', 'FAILED') GROUP BY strategy_id, redemption_status
            """
        let todaySQL = StatusStore.ordersByStatusSQL(createdOn: today)
        let read = try db.queryBatch([strategiesSQL, openSQL, backlogSQL, todaySQL])
        let strategies = try read[0].decoded(of: strategiesSQL) { r throws(RowDecodingError) in
            BooksSnapshot.StrategyBooks(
                strategyID: try r.decode("strategy_id"), available: try r.decode("available_cash"),
                locked: try r.decode("locked_capital"), cooldown: try r.decode("cooldown_capital"),
                realizedPnL: try r.decode("realized_pnl"), breakerActive: try r.decode("circuit_breaker_active"),
                tradingState: try r.decode("trading_state"))
        }
        var notFinal: [String: [String: Int]] = [:]
        var oldestUnknown: Date?
        let open = try read[1].decoded(of: openSQL) { r throws(RowDecodingError) in
            (
                try r.decode("strategy_id", as: String.self), try r.decode("status", as: String.self),
                try r.decode("n", as: Int.self), try r.decode("oldest", as: Date.self)
            )
        }
        for (id, status, n, oldest) in open {
            notFinal[id, default: [:]][status] = n
            if status == OrderStatus.unknown.rawValue { oldestUnknown = min(oldestUnknown ?? oldest, oldest) }
        }
        var redemptions: [String: [String: Int]] = [:]
        let backlog = try read[2].decoded(of: backlogSQL) { r throws(RowDecodingError) in
            (
                try r.decode("strategy_id", as: String.self), try r.decode("redemption_status", as: String.self),
                try r.decode("n", as: Int.self)
            )
        }
        for (id, status, n) in backlog { redemptions[id, default: [:]][status] = n }
        return BooksSnapshot(
            strategies: strategies, notFinal: notFinal,
            createdToday: try StatusStore.ordersByStatus(read[3], of: todaySQL),
            oldestUnknownAt: oldestUnknown,
            redemptions: redemptions)
    }
}
