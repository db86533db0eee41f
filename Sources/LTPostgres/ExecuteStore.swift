import Foundation
import LTCore

/// The SQL of `lt execute` (design §4). Every method is one statement or one transaction; every
/// change to a strategy's cash runs under that strategy's advisory transaction lock and together
/// with the `lt_orders` change that causes it (design §3).
public final class ExecuteStore: ExecuteStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    static let strategyColumns: SQL = """
        strategy_id, ft_wallet_id, wallet, mode, trading_state, sizing_mode, size_multiplier, fixed_size_usd,
        percent_of_cash, multiplier_tiers::text AS multiplier_tiers, min_order_usd, max_signal_age_seconds,
        max_slippage_bps, fak_threshold_usd, available_cash, locked_capital, daily_spent_usd, daily_loss_usd,
        current_drawdown_pct, circuit_breaker_active, max_position_size_usd, max_total_exposure_usd,
        daily_budget_usd, max_daily_loss_usd, circuit_breaker_loss_pct
        """

    public func activeStrategies() throws -> [ExecuteStrategy] {
        try db.query(
            "SELECT \(Self.strategyColumns) FROM lt_strategies WHERE is_active ORDER BY strategy_id",
            Self.decodeStrategy)
    }

    static func decodeStrategy(_ r: Row) throws(RowDecodingError) -> ExecuteStrategy {
        let tiersText = try r.text("multiplier_tiers") ?? "[]"
        let tiers: [MultiplierTier]
        do {
            tiers = try JSONDecoder().decode([MultiplierTier].self, from: Data(tiersText.utf8))
        } catch {
            throw RowDecodingError(column: "multiplier_tiers", message: "not [{min,max,multiplier}]")
        }
        return ExecuteStrategy(
            id: try r.decode("strategy_id"), ftWalletId: try r.decode("ft_wallet_id"), wallet: try r.decode("wallet"),
            mode: try r.decode("mode"),
            sizing: SizingConfig(
                mode: try r.decode("sizing_mode"), sizeMultiplier: try r.decode("size_multiplier"),
                multiplierTiers: tiers, fixedSizeUsd: try r.decode("fixed_size_usd", as: Fixed6?.self),
                percentOfCash: try r.decode("percent_of_cash", as: Fixed6?.self),
                minOrderUsd: try r.decode("min_order_usd", as: Fixed6?.self),
                maxPositionSizeUsd: try r.decode("max_position_size_usd", as: Fixed6?.self)),
            limits: RiskLimits(
                maxPositionSizeUsd: try r.decode("max_position_size_usd", as: Fixed6?.self),
                maxTotalExposureUsd: try r.decode("max_total_exposure_usd", as: Fixed6?.self),
                dailyBudgetUsd: try r.decode("daily_budget_usd", as: Fixed6?.self),
                maxDailyLossUsd: try r.decode("max_daily_loss_usd", as: Fixed6?.self),
                circuitBreakerLossPct: try r.decode("circuit_breaker_loss_pct", as: Fixed6?.self)),
            state: try decodeRiskState(r),
            maxSignalAgeSeconds: try r.decode("max_signal_age_seconds", as: Int?.self),
            maxSlippageBps: try r.decode("max_slippage_bps", as: Int?.self),
            fakThresholdUsd: try r.decode("fak_threshold_usd", as: Fixed6?.self))
    }

    static func decodeRiskState(_ r: Row) throws(RowDecodingError) -> RiskState {
        RiskState(
            availableCash: try r.decode("available_cash"), lockedCapital: try r.decode("locked_capital"),
            dailySpentUsd: try r.decode("daily_spent_usd"), dailyLossUsd: try r.decode("daily_loss_usd"),
            currentDrawdownPct: try r.decode("current_drawdown_pct"),
            circuitBreakerActive: try r.decode("circuit_breaker_active"), tradingState: try r.decode("trading_state"))
    }

    public func abandonIntents(strategyIds: [String], exceptRun runId: String, at: Date) throws -> Int {
        if strategyIds.isEmpty { return 0 }
        return try db.execute(
            """
            UPDATE lt_orders
               SET status = 'UNKNOWN', updated_at = \(at),
                   error = 'left as INTENT by run ' || COALESCE(run_id, '?')
                           || ': post outcome unproven; reconcile by order_hash, never re-post'
             WHERE status = 'INTENT' AND strategy_id = ANY(\(strategyIds)::text[])
               AND run_id IS DISTINCT FROM \(runId)
            """)
    }

    /// The anti-join of `newSignalsSQL` for many strategies at once, answering only whether each has
    /// anything new: the same two index probes per strategy, in one statement.
    public static func strategiesWithNewSignalsSQL(strategyIds: [String], since: Date) -> SQL {
        // LATERAL … LIMIT 1 keeps it a per-strategy probe of the (wallet_id, order_time) index that
        // stops at the first undecided signal; a plain EXISTS let the planner hash-join a sequential
        // scan of ft_orders, whose cost grows with history.
        """
        SELECT s.strategy_id
          FROM lt_strategies s
          CROSS JOIN LATERAL (
                SELECT 1 FROM ft_orders f
                 WHERE f.wallet_id = s.ft_wallet_id AND f.order_time >= \(since)
                   AND NOT EXISTS (SELECT 1 FROM lt_orders o
                                    WHERE o.strategy_id = s.strategy_id AND o.signal_key = f.order_id)
                 LIMIT 1) AS fresh
         WHERE s.strategy_id = ANY(\(strategyIds)::text[])
        """
    }

    public func strategiesWithNewSignals(strategyIds: [String], since: Date) throws -> Set<String> {
        if strategyIds.isEmpty { return [] }
        let ids = try db.query(Self.strategiesWithNewSignalsSQL(strategyIds: strategyIds, since: since)) {
            r throws(RowDecodingError) in try r.decode("strategy_id", as: String.self)
        }
        return Set(ids)
    }

    /// The anti-join. `ft_orders_wallet_time_idx` bounds the scan to the window; the probe uses
    /// UNIQUE(strategy_id, signal_key). Its cost grows with the window's rows, never with history.
    public static func newSignalsSQL(walletId: String, strategyId: String, since: Date, limit: Int) -> SQL {
        """
        SELECT f.order_id, f.wallet_id, f.order_time, f.side, f.condition_id, f.token_label, f.token_id,
               f.entry_price::text AS entry_price, f.size::text AS size, f.trader_wallet, f.market_title,
               f.market_slug
          FROM ft_orders f
         WHERE f.wallet_id = \(walletId) AND f.order_time >= \(since)
           AND NOT EXISTS (SELECT 1 FROM lt_orders o
                            WHERE o.strategy_id = \(strategyId) AND o.signal_key = f.order_id)
         ORDER BY f.order_time, f.order_id
         LIMIT \(limit)
        """
    }

    public func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow] {
        try db.query(
            Self.newSignalsSQL(walletId: strategy.ftWalletId, strategyId: strategy.id, since: since, limit: limit)
        ) { r throws(RowDecodingError) in
            FTSignalRow(
                orderId: try r.decode("order_id"), walletId: try r.text("wallet_id"),
                orderTime: try r.decode("order_time", as: Date?.self), side: try r.text("side"),
                conditionId: try r.text("condition_id"), tokenLabel: try r.text("token_label"),
                tokenId: try r.text("token_id"), entryPrice: try r.text("entry_price"), size: try r.text("size"),
                traderWallet: try r.text("trader_wallet"), marketTitle: try r.text("market_title"),
                marketSlug: try r.text("market_slug"))
        }
    }

    public func cachedTokens(conditionIds: [String]) throws -> [CachedToken] {
        if conditionIds.isEmpty { return [] }
        return try db.query(
            """
            SELECT DISTINCT condition_id, token_label, token_id FROM lt_orders
             WHERE condition_id = ANY(\(conditionIds)::text[]) AND token_id IS NOT NULL AND token_label IS NOT NULL
            """
        ) { r throws(RowDecodingError) in
            CachedToken(
                conditionId: try r.decode("condition_id"), label: try r.decode("token_label"),
                tokenId: try r.decode("token_id"))
        }
    }

    /// What the strategy already holds or has pending in one outcome: pending orders at their
    /// requested USD, open positions at their remaining cost basis. Resolved and closed positions
    /// are not held. The WHERE clause repeats the predicate of `lt_orders_held_buys_idx` (sql/002)
    /// so that the partial index serves it and the cost follows open positions, not history.
    public func positionUsd(strategyId: String, conditionId: String, label: String) throws -> Fixed6 {
        let row = try db.queryFirst(Self.positionUsdSQL(strategyId: strategyId, conditionId: conditionId, label: label))
        guard let text = try row?.text("usd") else { return .zero }
        return try Fixed6(parsing: text)
    }

    public static func positionUsdSQL(strategyId: String, conditionId: String, label: String) -> SQL {
        """
        SELECT COALESCE(SUM(CASE WHEN status IN ('INTENT', 'SUBMITTED', 'UNKNOWN') THEN requested_usd
                                 ELSE cost_basis_remaining END), 0)::numeric(20,6)::text AS usd
          FROM lt_orders
         WHERE strategy_id = \(strategyId) AND condition_id = \(conditionId)
           AND lower(token_label) = lower(\(label)) AND side = 'BUY'
           AND status IN ('INTENT', 'SUBMITTED', 'UNKNOWN', 'FILLED', 'PARTIAL')
           AND (outcome IS NULL OR outcome = 'OPEN')
        """
    }

    public func recordSkip(_ row: ExecuteDecisionRow, at: Date) throws -> Bool {
        try !db.query(insertSQL(row, status: .skipped, fill: nil, at: at)).isEmpty
    }

    /// The INSERT of a decision row; `ON CONFLICT DO NOTHING RETURNING` tells whether this run won.
    func insertSQL(_ d: ExecuteDecisionRow, status: OrderStatus, fill: FillRecord?, at: Date) -> SQL {
        let r = d.row
        let s = d.signal
        // A malformed row still records what it said, where it parses.
        let price = s?.price ?? r.entryPrice.flatMap { try? Fixed6(parsing: $0, rounding: .halfEven) }
        let size = s?.sizeUsd ?? r.size.flatMap { try? Fixed6(parsing: $0, rounding: .down) }
        let side = r.side?.trimmingCharacters(in: .whitespaces).uppercased() == "SELL" ? "SELL" : "BUY"
        let executed = fill?.executedUsd ?? .zero
        let shares = fill?.executedShares ?? .zero
        let open: String? = executed > .zero ? PositionOutcome.open.rawValue : nil
        let filledAt: Date? = executed > .zero ? fill?.at : nil
        return """
            INSERT INTO lt_orders (
                strategy_id, signal_key, ft_order_id, ft_wallet_id, trader_wallet, signal_price, signal_size_usd,
                signal_time, condition_id, token_id, token_label, market_title, market_slug, neg_risk, tick_size,
                side, order_type, limit_price, requested_usd, requested_shares, order_hash, is_shadow, status,
                skip_reason, executed_price, executed_usd, executed_shares, shares_remaining, cost_basis_remaining,
                outcome, trace_id, run_id, execution_latency_ms, error, created_at, submitted_at, filled_at,
                updated_at)
            VALUES (
                \(d.strategyId), \(d.signalKey), \(r.orderId), \(r.walletId), \(s?.traderWallet ?? r.traderWallet),
                \(price), \(size), \(r.orderTime), \(s?.conditionId ?? r.conditionId), \(d.tokenId),
                \(s?.tokenLabel ?? r.tokenLabel), \(r.marketTitle), \(r.marketSlug), \(d.negRisk), \(d.tickSize),
                \(side), \(d.orderType), \(d.limitPrice), \(d.requestedUsd), \(d.requestedShares), \(d.orderHash),
                \(d.isShadow), \(status), \(d.skip?.reason.rawValue), \(fill?.executedPrice), \(executed), \(shares),
                \(shares), \(executed), \(open), \(d.traceId), \(d.runId), \(fill?.latencyMs),
                \(d.skip?.detail ?? fill?.error), \(at), \(fill == nil ? nil : at), \(filledAt), \(at))
            ON CONFLICT (strategy_id, signal_key) DO NOTHING
            RETURNING lt_order_id
            """
    }

    static let bucketColumns: SQL = """
        available_cash, locked_capital, cooldown_capital, realized_pnl, initial_capital, daily_spent_usd,
        daily_loss_usd, current_drawdown_pct, circuit_breaker_active, trading_state
        """

    public func commitDecision(
        _ row: ExecuteDecisionRow, shadowFill: FillRecord?, at: Date, recheck: (RiskState) -> Skip?
    ) throws -> IntentOutcome {
        try db.transaction { () throws -> IntentOutcome in
            try db.lockStrategy(row.strategyId)
            guard
                let r = try db.queryFirst(
                    "SELECT \(Self.bucketColumns) FROM lt_strategies WHERE strategy_id = \(row.strategyId)")
            else { throw DatabaseError(.query, "strategy \(row.strategyId) vanished") }
            let fresh: RiskState
            let buckets: CashBuckets
            do {
                fresh = try Self.decodeRiskState(r)
                buckets = try CashBuckets(
                    available: try r.decode("available_cash"), locked: try r.decode("locked_capital"),
                    cooldown: try r.decode("cooldown_capital"), realizedPnl: try r.decode("realized_pnl"),
                    initial: try r.decode("initial_capital"))
            } catch {
                throw DatabaseError(.decoding, "lt_strategies \(row.strategyId): \(error)")
            }
            var skipRow = row
            if let skip = recheck(fresh) {
                skipRow.skip = skip
                let inserted = try db.query(insertSQL(skipRow, status: .skipped, fill: nil, at: at))
                return inserted.isEmpty ? .alreadyDecided : .skipped(skip)
            }
            let requested = row.requestedUsd ?? .zero
            // The cash change, checked by the pure capital rules before the CHECK constraint sees it.
            let events: [CapitalEvent]
            let status: OrderStatus
            if let fill = shadowFill {
                events = [.lockForBuy(requested), .fill(requested: requested, executed: fill.executedUsd)]
                status = fill.status
            } else {
                events = [.lockForBuy(requested)]
                status = .intent
            }
            var next = buckets
            do {
                for e in events { next = try next.applying(e) }
            } catch {
                skipRow.skip = Skip(.insufficientCash, "capital rules refuse the lock: \(error)")
                let inserted = try db.query(insertSQL(skipRow, status: .skipped, fill: nil, at: at))
                return inserted.isEmpty ? .alreadyDecided : .skipped(skipRow.skip!)
            }
            let inserted = try db.query(insertSQL(row, status: status, fill: shadowFill, at: at))
            guard let idRow = inserted.first else { return .alreadyDecided }
            let id: Int64
            do { id = try idRow.decode("lt_order_id") } catch { throw DatabaseError(.decoding, "\(error)") }
            // Deltas, not absolute values: other jobs' changes under the same lock compose.
            let spent = next.locked - buckets.locked
            try db.execute(
                """
                UPDATE lt_strategies
                   SET available_cash = available_cash + \(next.available - buckets.available),
                       locked_capital = locked_capital + \(spent),
                       daily_spent_usd = daily_spent_usd + \(spent), updated_at = \(at)
                 WHERE strategy_id = \(row.strategyId)
                """)
            return shadowFill == nil ? .intent(ltOrderId: id) : .recorded(ltOrderId: id)
        }
    }

    public func recordAnswer(
        ltOrderId: Int64, strategyId: String, runId: String, requestedUsd: Fixed6, orderId: String?,
        fill: FillRecord
    ) throws -> Bool {
        try db.transaction { () throws -> Bool in
            try db.lockStrategy(strategyId)
            let executed = fill.executedUsd
            let open: String? = executed > .zero ? PositionOutcome.open.rawValue : nil
            let filledAt: Date? = executed > .zero ? fill.at : nil
            let changed = try db.execute(
                """
                UPDATE lt_orders
                   SET status = \(fill.status), executed_usd = \(executed), executed_shares = \(fill.executedShares),
                       executed_price = \(fill.executedPrice), shares_remaining = \(fill.executedShares),
                       cost_basis_remaining = \(executed), outcome = \(open), error = \(fill.error),
                       execution_latency_ms = \(fill.latencyMs), submitted_at = \(fill.at), filled_at = \(filledAt),
                       updated_at = \(fill.at)
                 WHERE lt_order_id = \(ltOrderId) AND run_id = \(runId) AND status IN ('INTENT', 'UNKNOWN')
                """)
            guard changed == 1 else { return false }
            // UNKNOWN and resting (SUBMITTED) orders keep their whole lock until reconciled.
            guard fill.status != .unknown, fill.status != .submitted else { return true }
            let unused = CapitalEvent.fill(requested: requestedUsd, executed: Swift.min(executed, requestedUsd)).delta
            if unused.available > .zero {
                try db.execute(
                    """
                    UPDATE lt_strategies
                       SET available_cash = available_cash + \(unused.available),
                           locked_capital = locked_capital + \(unused.locked),
                           daily_spent_usd = GREATEST(0, daily_spent_usd - \(unused.available)),
                           updated_at = \(fill.at)
                     WHERE strategy_id = \(strategyId)
                    """)
            }
            return true
        }
    }
}
