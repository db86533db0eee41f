import Foundation
import LTCore

/// The reads of `lt report` (issue 14 §4): the window's decisions, realized P&L, the LT-vs-FT rows
/// (the same query as `lt status`) and the redemption backlog. Forced rows (`lt force`) are left
/// out of every figure but the backlog, and counted. An operator command: it reads history in the
/// window (no partial index serves `created_at`; a report is run by people, not every minute).
public final class ReportStore: ReportStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    public func read(_ window: ReportWindow, strategyID: String?) throws -> ReportData {
        let (since, until) = (window.since, window.until)
        let only: SQL = strategyID.map { "AND strategy_id = \($0)" } ?? ""
        let strategyIDs = try db.query(
            "SELECT strategy_id FROM lt_strategies WHERE true \(only) ORDER BY strategy_id"
        ) { r throws(RowDecodingError) in try r.decode("strategy_id", as: String.self) }
        let decisions = try db.query(
            """
            SELECT strategy_id, trader_wallet, side, status, skip_reason, signal_price, executed_price,
                   requested_usd, executed_usd, executed_shares, fees_usd, execution_latency_ms
              FROM lt_orders
             WHERE NOT forced AND created_at >= \(since) AND created_at < \(until) \(only)
             ORDER BY lt_order_id
            """
        ) { r throws(RowDecodingError) in
            ReportDecisionRow(
                strategyID: try r.decode("strategy_id"), leader: try r.text("trader_wallet"),
                side: try r.decode("side"),
                status: try r.decode("status"), skipReason: try r.text("skip_reason"),
                signalPrice: try r.decode("signal_price", as: Fixed6?.self),
                executedPrice: try r.decode("executed_price", as: Fixed6?.self),
                requestedUSD: try r.decode("requested_usd", as: Fixed6?.self),
                executedUSD: try r.decode("executed_usd"),
                executedShares: try r.decode("executed_shares"), feesUSD: try r.decode("fees_usd"),
                latencyMs: try r.decode("execution_latency_ms", as: Int64?.self))
        }
        // Realized in the window: a BUY when resolve settled it, a SELL when it filled (its pnl is
        // net proceeds less the cost basis it took from the BUY rows, which keep none of it).
        let pnl = try db.query(
            """
            SELECT strategy_id, trader_wallet, pnl FROM lt_orders
             WHERE NOT forced AND pnl IS NOT NULL \(only)
               AND CASE WHEN side = 'BUY' THEN resolved_at >= \(since) AND resolved_at < \(until)
                        ELSE filled_at >= \(since) AND filled_at < \(until) END
            """
        ) { r throws(RowDecodingError) in
            ReportPnLRow(
                strategyID: try r.decode("strategy_id"), leader: try r.text("trader_wallet"), pnl: try r.decode("pnl"))
        }
        // The backlog is now, not the window's, and counts forced rows too: a payout still in tokens
        // is money not yet spendable whoever decided the trade.
        let backlog = try db.query(
            """
            SELECT o.strategy_id, o.trader_wallet, o.resolved_at,
                   (SELECT coalesce(sum(q.amount), 0) FROM lt_cooldown_queue q WHERE q.lt_order_id = o.lt_order_id)
                     AS payout
              FROM lt_orders o
             WHERE o.outcome = 'WON' AND o.redemption_status IN ('PENDING', 'SUBMITTED', 'FAILED') \(only)
            """
        ) { r throws(RowDecodingError) in
            ReportBacklogRow(
                strategyID: try r.decode("strategy_id"), leader: try r.text("trader_wallet"),
                payoutUSD: try r.decode("payout"), resolvedAt: try r.decode("resolved_at", as: Date?.self))
        }
        let forcedCounts = try db.query(
            """
            SELECT strategy_id, count(*) AS n FROM lt_orders
             WHERE forced AND created_at >= \(since) AND created_at < \(until) \(only)
             GROUP BY strategy_id
            """
        ) { r throws(RowDecodingError) in
            (try r.decode("strategy_id", as: String.self), try r.decode("n", as: Int.self))
        }
        return ReportData(
            decisions: decisions, pnl: pnl,
            ft: try StatusStore.ftComparisonRows(db, window: window, strategyID: strategyID), backlog: backlog,
            forced: Dictionary(uniqueKeysWithValues: forcedCounts), strategyIDs: strategyIDs)
    }
}
