import Foundation
import LTCore

/// The reads of `lt status`: every strategy with its open positions, unreleased cooldown queue and
/// last activity, and today's orders by status.
public final class StatusStore: StatusStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    /// Every column of `lt_strategies`, as `Strategy(row:)` decodes them.
    static let strategyColumns = SQL(
        unsafeRaw: """
            strategy_id, user_id, ft_wallet_id, wallet, is_active, mode, trading_state, sizing_mode,
            size_multiplier, fixed_size_usd, percent_of_cash, multiplier_tiers::text AS multiplier_tiers,
            min_order_usd, max_signal_age_seconds, max_slippage_bps, fak_threshold_usd, cooldown_hours,
            mirror_exits, exit_threshold_pct, stop_loss_pct, take_profit_pct, max_hold_hours,
            initial_capital, available_cash, locked_capital, cooldown_capital, realized_pnl,
            max_position_size_usd, max_total_exposure_usd, daily_budget_usd, max_daily_loss_usd,
            circuit_breaker_loss_pct, daily_spent_usd, daily_loss_usd, consecutive_losses, peak_equity,
            current_drawdown_pct, circuit_breaker_active, circuit_breaker_reason, last_reset_date,
            created_at, updated_at
            """)

    public func strategies() throws -> (rows: [StatusRow], misconfigured: [MisconfiguredStrategy]) {
        let raw = try db.query(
            """
            SELECT \(Self.strategyColumns),
              (SELECT count(*) FROM lt_orders o
                WHERE o.strategy_id = s.strategy_id AND o.outcome = 'OPEN' AND o.shares_remaining > 0) AS open_positions,
              (SELECT coalesce(sum(q.amount), 0) FROM lt_cooldown_queue q
                WHERE q.strategy_id = s.strategy_id AND q.released_at IS NULL) AS cooldown_queued,
              greatest(s.updated_at, (SELECT max(o.updated_at) FROM lt_orders o
                WHERE o.strategy_id = s.strategy_id)) AS last_activity
            FROM lt_strategies s ORDER BY s.strategy_id
            """)
        var rows: [StatusRow] = []
        var misconfigured: [MisconfiguredStrategy] = []
        // Row by row: one strategy with a value lt cannot hold is reported, the others shown.
        for row in raw {
            do {
                rows.append(
                    StatusRow(
                        strategy: try Strategy(row: row), openPositions: try row.decode("open_positions", as: Int.self),
                        cooldownQueued: try row.decode("cooldown_queued", as: Fixed6.self),
                        lastActivity: try row.decode("last_activity", as: Date.self)))
            } catch {
                let id = ((try? row.text("strategy_id")) ?? nil) ?? "?"
                misconfigured.append(MisconfiguredStrategy(strategyID: id, reason: error.description))
            }
        }
        return (rows, misconfigured)
    }

    public func ordersByStatus(createdOn day: UTCDay) throws -> [String: [String: Int]] {
        let sql = Self.ordersByStatusSQL(createdOn: day)
        return try Self.ordersByStatus(try db.query(sql), of: sql)
    }

    /// The day's orders per strategy and status (also read in the metrics' one round trip).
    static func ordersByStatusSQL(createdOn day: UTCDay) -> SQL {
        """
        SELECT strategy_id, status, count(*) AS n FROM lt_orders
        WHERE created_at >= \(day.start) AND created_at < \(day.adding(days: 1).start)
        GROUP BY strategy_id, status
        """
    }

    static func ordersByStatus(_ rows: [Row], of sql: SQL) throws(DatabaseError) -> [String: [String: Int]] {
        let counts = try rows.decoded(of: sql) { row throws(RowDecodingError) in
            (
                try row.decode("strategy_id", as: String.self), try row.decode("status", as: String.self),
                try row.decode("n", as: Int.self)
            )
        }
        var byStrategy: [String: [String: Int]] = [:]
        for (id, status, n) in counts { byStrategy[id, default: [:]][status] = n }
        return byStrategy
    }

    /// LT vs FT per strategy over all history (an operator command, not a cron job).
    public func ftComparison() throws -> [String: FTGap] {
        var out: [String: FTGap] = [:]
        for r in try Self.ftComparisonRows(db, window: nil, strategyID: nil) {
            out[r.strategyID, default: FTGap()] = out[r.strategyID, default: FTGap()] + FTGap.of(r.row)
        }
        return out
    }

    /// The rows of the LT-vs-FT comparison (issue 11), shared by `lt status` (all history) and
    /// `lt report` (a window): settled BUY rows with FT's P&L as recorded at settlement or, when FT
    /// resolved later, as FT has it now; and skipped signals FT resolved. Forced rows (`lt force`)
    /// have no FT counterpart and are never compared. With a window, a settled row counts when it
    /// was resolved in it, a skipped one when it was decided in it.
    static func ftComparisonRows(_ db: any Database, window: ReportWindow?, strategyID: String?) throws
        -> [ReportFTRow]
    {
        var filter: SQL = ""
        if let w = window {
            filter = """
                 AND CASE WHEN o.status = 'SKIPPED' THEN o.created_at >= \(w.since) AND o.created_at < \(w.until)
                          ELSE o.resolved_at >= \(w.since) AND o.resolved_at < \(w.until) END
                """
        }
        if let strategyID { filter = "\(filter) AND o.strategy_id = \(strategyID)" }
        return try db.query(
            """
            SELECT o.strategy_id, o.trader_wallet, o.status, o.signal_price, o.signal_size_usd, o.requested_usd,
                   o.executed_usd, o.executed_shares, o.fees_usd, o.payout_per_share, o.pnl,
                   COALESCE(o.ft_pnl, CASE WHEN f.pnl IS NOT NULL AND upper(coalesce(f.outcome, 'OPEN')) <> 'OPEN'
                                           THEN f.pnl::numeric(20,6) END) AS ft_pnl
              FROM lt_orders o LEFT JOIN ft_orders f ON f.order_id = o.ft_order_id
             WHERE o.side = 'BUY' AND NOT o.forced AND (o.outcome IN ('WON', 'LOST') OR o.status = 'SKIPPED')\(filter)
            """
        ) { r throws(RowDecodingError) in
            ReportFTRow(
                strategyID: try r.decode("strategy_id"), leader: try r.text("trader_wallet"),
                row: FTComparisonRow(
                    skipped: try r.decode("status", as: OrderStatus.self) == .skipped,
                    signalPrice: try r.decode("signal_price", as: Fixed6?.self),
                    signalSizeUSD: try r.decode("signal_size_usd", as: Fixed6?.self),
                    requestedUSD: try r.decode("requested_usd", as: Fixed6?.self),
                    executedUSD: try r.decode("executed_usd"), executedShares: try r.decode("executed_shares"),
                    feesUSD: try r.decode("fees_usd"),
                    payoutPerShare: try r.decode("payout_per_share", as: Fixed6?.self),
                    pnl: try r.decode("pnl", as: Fixed6?.self), ftPnL: try r.decode("ft_pnl", as: Fixed6?.self)))
        }
    }
}
