import Foundation
import LTCore

/// The reads of `lt resolve` (design §4). Its cash and risk-state writes go through the ledger.
public final class ResolveStore: LTCore.ResolveStore {
    let db: any Database

    public init(database: any Database) { db = database }

    /// Every open BUY position with its strategy's cooldown and FT's P&L when FT has resolved the
    /// signal (never for a forced row: it has no FT counterpart). The WHERE clause states the predicate of `lt_orders_open_positions_idx` (sql/001),
    /// so the partial index serves it and the cost follows open positions, not history; the FT
    /// order is one primary-key probe per row.
    public func openPositions() throws -> [OpenPosition] {
        try db.query(
            """
            SELECT o.lt_order_id, o.strategy_id, o.condition_id, o.token_id, o.token_label, o.status, o.settlement,
                   o.is_shadow, o.shares_remaining, o.cost_basis_remaining, s.cooldown_hours,
                   CASE WHEN NOT o.forced AND f.pnl IS NOT NULL AND upper(coalesce(f.outcome, 'OPEN')) <> 'OPEN'
                        THEN f.pnl::numeric(20,6) END AS ft_pnl
              FROM lt_orders o
              JOIN lt_strategies s ON s.strategy_id = o.strategy_id
              LEFT JOIN ft_orders f ON f.order_id = o.ft_order_id
             WHERE o.outcome = 'OPEN' AND o.shares_remaining > 0 AND o.side = 'BUY' AND o.condition_id IS NOT NULL
             ORDER BY o.condition_id, o.strategy_id, o.lt_order_id
            """
        ) { r throws(RowDecodingError) in
            OpenPosition(
                ltOrderID: try r.decode("lt_order_id"), strategyID: try r.decode("strategy_id"),
                conditionID: try r.decode("condition_id"), tokenID: try r.text("token_id"),
                label: try r.text("token_label") ?? "", status: try r.decode("status"),
                settlement: try r.decode("settlement", as: Settlement?.self), isShadow: try r.decode("is_shadow"),
                sharesRemaining: try r.decode("shares_remaining"),
                costBasisRemaining: try r.decode("cost_basis_remaining"),
                cooldownHours: try r.decode("cooldown_hours"), ftPnL: try r.decode("ft_pnl", as: Fixed6?.self))
        }
    }
}
