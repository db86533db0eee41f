import Foundation
import LTCore

/// The reads of `lt check-exits` (design §4, issue 12) and the writes that move no cash (leader
/// baselines, marked equity). Its cash moves go through the ledger (`LedgerStore`).
public final class ExitStore: ExitStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    public func exitStrategies() throws -> [ExitStrategy] {
        try db.query(
            """
            SELECT strategy_id, wallet, mode, trading_state, mirror_exits, exit_threshold_pct, stop_loss_pct,
                   take_profit_pct, max_hold_hours, max_slippage_bps, cooldown_hours
              FROM lt_strategies WHERE is_active ORDER BY strategy_id
            """
        ) { r throws(RowDecodingError) in
            ExitStrategy(
                id: try r.decode("strategy_id"), wallet: try r.decode("wallet"), mode: try r.decode("mode"),
                tradingState: try r.decode("trading_state"), mirrorExits: try r.decode("mirror_exits"),
                exitThresholdPct: try r.decode("exit_threshold_pct"),
                stopLossPct: try r.decode("stop_loss_pct", as: Fixed6?.self),
                takeProfitPct: try r.decode("take_profit_pct", as: Fixed6?.self),
                maxHoldHours: try r.decode("max_hold_hours", as: Int?.self),
                maxSlippageBps: try r.decode("max_slippage_bps", as: Int?.self),
                cooldownHours: try r.decode("cooldown_hours"))
        }
    }

    /// Open BUY rows. The WHERE states `lt_orders_open_positions_idx`'s predicate
    /// (`outcome = 'OPEN' AND shares_remaining > 0`, keyed by strategy_id), so the partial index
    /// serves it and the cost follows open positions, not history.
    public static func openLotsSQL(strategyIDs: [String]) -> SQL {
        """
        SELECT lt_order_id, strategy_id, trader_wallet, condition_id, token_label, is_shadow, token_id, neg_risk,
               tick_size, market_title, wallet, shares_remaining, cost_basis_remaining, filled_at, settlement,
               trader_position_baseline
          FROM lt_orders
         WHERE strategy_id = ANY(\(strategyIDs)::text[]) AND outcome = 'OPEN' AND shares_remaining > 0
           AND side = 'BUY' AND condition_id IS NOT NULL AND token_label IS NOT NULL
         ORDER BY filled_at NULLS LAST, lt_order_id
        """
    }

    public func openLots(strategyIDs: [String]) throws -> [OpenLot] {
        if strategyIDs.isEmpty { return [] }
        return try db.query(Self.openLotsSQL(strategyIDs: strategyIDs)) { r throws(RowDecodingError) in
            OpenLot(
                ltOrderID: try r.decode("lt_order_id"), key: try Self.key(r), tokenID: try r.text("token_id"),
                negRisk: try r.decode("neg_risk", as: Bool?.self),
                tickSize: try r.decode("tick_size", as: Fixed6?.self),
                marketTitle: try r.text("market_title"), wallet: try r.text("wallet"),
                sharesRemaining: try r.decode("shares_remaining"),
                costBasisRemaining: try r.decode("cost_basis_remaining"),
                filledAt: try r.decode("filled_at", as: Date?.self),
                settlement: try r.decode("settlement", as: Settlement?.self),
                baseline: try r.decode("trader_position_baseline", as: Fixed6?.self))
        }
    }

    static func key(_ r: Row) throws(RowDecodingError) -> ExitPositionKey {
        ExitPositionKey(
            strategyID: try r.decode("strategy_id"), traderWallet: try r.text("trader_wallet"),
            conditionID: try r.decode("condition_id"), tokenLabel: try r.decode("token_label"),
            isShadow: try r.decode("is_shadow"))
    }

    /// SELL rows in the conditions of open positions: `lt_orders_token_idx` (condition_id, …)
    /// bounds it to those conditions.
    public func exitRows(strategyIDs: [String], conditionIDs: [String]) throws -> [ExitRow] {
        if strategyIDs.isEmpty || conditionIDs.isEmpty { return [] }
        return try db.query(
            """
            SELECT lt_order_id, strategy_id, trader_wallet, condition_id, token_label, is_shadow, status,
                   COALESCE(requested_shares, 0) AS requested_shares, executed_shares, exit_reason, skip_reason
              FROM lt_orders
             WHERE condition_id = ANY(\(conditionIDs)::text[]) AND token_id IS NOT NULL
               AND strategy_id = ANY(\(strategyIDs)::text[]) AND side = 'SELL' AND token_label IS NOT NULL
             ORDER BY lt_order_id
            """
        ) { r throws(RowDecodingError) in
            ExitRow(
                ltOrderID: try r.decode("lt_order_id"), key: try Self.key(r),
                past: ExitRules.PastExit(
                    status: try r.decode("status"), requestedShares: try r.decode("requested_shares"),
                    executedShares: try r.decode("executed_shares"),
                    exitReason: try r.decode("exit_reason", as: ExitReason?.self), skipReason: try r.text("skip_reason")
                ))
        }
    }

    public func abandonIntents(strategyIDs: [String], exceptRun runID: String, at: Date) throws -> Int {
        // The same rule as execute's (run liveness, design §4), for BUY and SELL rows alike.
        try ExecuteStore(database: db).abandonIntents(strategyIDs: strategyIDs, exceptRun: runID, at: at)
    }

    public func setBaseline(strategyID: String, ltOrderIDs: [Int64], value: Fixed6, at: Date) throws {
        if ltOrderIDs.isEmpty { return }
        try db.execute(
            """
            UPDATE lt_orders SET trader_position_baseline = \(value), updated_at = \(at)
             WHERE strategy_id = \(strategyID) AND lt_order_id = ANY(\(ltOrderIDs)::bigint[]) AND side = 'BUY'
            """)
    }

    public func markToMarket(strategyID: String, unrealizedPnL: Fixed6, at: Date) throws {
        try db.transaction { () throws in
            try db.lockStrategy(strategyID)
            try db.execute(
                """
                WITH e AS (
                  SELECT strategy_id,
                         available_cash + locked_capital + cooldown_capital + \(unrealizedPnL) AS equity,
                         GREATEST(peak_equity, available_cash + locked_capital + cooldown_capital + \(unrealizedPnL))
                           AS peak
                    FROM lt_strategies WHERE strategy_id = \(strategyID))
                UPDATE lt_strategies s
                   SET peak_equity = e.peak,
                       current_drawdown_pct = CASE WHEN e.peak > 0
                         THEN GREATEST(0, round((e.peak - e.equity) * 100 / e.peak, 6)) ELSE 0 END,
                       updated_at = \(at)
                  FROM e WHERE s.strategy_id = e.strategy_id
                """)
        }
    }
}
