import Foundation
import LTCore

/// The reads of `lt execute` (design §4) and its reconciliation of abandoned INTENT rows. Its cash
/// moves go through the ledger (`LedgerStore`).
public final class ExecuteStore: ExecuteStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    static let strategyColumns: SQL = """
        strategy_id, ft_wallet_id, wallet, mode, trading_state, sizing_mode, size_multiplier, fixed_size_usd,
        percent_of_cash, multiplier_tiers::text AS multiplier_tiers, min_order_usd, max_signal_age_seconds,
        max_slippage_bps, fak_threshold_usd, available_cash, locked_capital, daily_spent_usd, daily_loss_usd,
        current_drawdown_pct, circuit_breaker_active, circuit_breaker_reason, max_position_size_usd, max_total_exposure_usd,
        daily_budget_usd, max_daily_loss_usd, circuit_breaker_loss_pct
        """

    public func activeStrategies() throws -> (strategies: [ExecuteStrategy], misconfigured: [MisconfiguredStrategy]) {
        let rows = try db.query(
            "SELECT \(Self.strategyColumns) FROM lt_strategies WHERE is_active ORDER BY strategy_id")
        var strategies: [ExecuteStrategy] = []
        var misconfigured: [MisconfiguredStrategy] = []
        // One row at a time: a strategy whose row an operator broke is reported and skipped, and
        // the others run (issue 9 §1).
        for row in rows {
            let id = ((try? row.text("strategy_id")) ?? nil) ?? "?"
            do {
                let s = try Self.decodeStrategy(row)
                let problems = StrategyConfigValidation.check(sizing: s.sizing, limits: s.limits)
                if problems.isEmpty {
                    strategies.append(s)
                } else {
                    misconfigured.append(
                        MisconfiguredStrategy(
                            strategyID: id, reason: problems.map(\.description).joined(separator: "; ")))
                }
            } catch {
                misconfigured.append(MisconfiguredStrategy(strategyID: id, reason: error.description))
            }
        }
        return (strategies, misconfigured)
    }

    static func decodeStrategy(_ r: Row) throws(RowDecodingError) -> ExecuteStrategy {
        let tiers: [MultiplierTier]
        switch StrategyConfigValidation.tiers(json: try r.text("multiplier_tiers") ?? "[]") {
        case .success(let t): tiers = t
        case .failure(let p): throw RowDecodingError(column: "multiplier_tiers", message: p.description)
        }
        return ExecuteStrategy(
            id: try r.decode("strategy_id"), ftWalletID: try r.decode("ft_wallet_id"), wallet: try r.decode("wallet"),
            mode: try r.decode("mode"),
            sizing: SizingConfig(
                mode: try r.decode("sizing_mode"), sizeMultiplier: try r.decode("size_multiplier"),
                multiplierTiers: tiers, fixedSizeUSD: try r.decode("fixed_size_usd", as: Fixed6?.self),
                percentOfCash: try r.decode("percent_of_cash", as: Fixed6?.self),
                minOrderUSD: try r.decode("min_order_usd", as: Fixed6?.self),
                maxPositionSizeUSD: try r.decode("max_position_size_usd", as: Fixed6?.self)),
            limits: RiskLimits(
                maxPositionSizeUSD: try r.decode("max_position_size_usd", as: Fixed6?.self),
                maxTotalExposureUSD: try r.decode("max_total_exposure_usd", as: Fixed6?.self),
                dailyBudgetUSD: try r.decode("daily_budget_usd", as: Fixed6?.self),
                maxDailyLossUSD: try r.decode("max_daily_loss_usd", as: Fixed6?.self),
                circuitBreakerLossPct: try r.decode("circuit_breaker_loss_pct", as: Fixed6?.self)),
            state: try LedgerStore.decodeRiskState(r),
            maxSignalAgeSeconds: try r.decode("max_signal_age_seconds", as: Int?.self),
            maxSlippageBps: try r.decode("max_slippage_bps", as: Int?.self),
            fakThresholdUSD: try r.decode("fak_threshold_usd", as: Fixed6?.self))
    }

    public func abandonIntents(strategyIDs: [String], exceptRun runID: String, at: Date) throws -> Int {
        if strategyIDs.isEmpty { return 0 }
        let runs = try db.query(
            """
            SELECT DISTINCT run_id FROM lt_orders
             WHERE status = 'INTENT' AND strategy_id = ANY(\(strategyIDs)::text[]) AND run_id IS DISTINCT FROM \(runID)
            """
        ) { r throws(RowDecodingError) in try r.decode("run_id", as: String?.self) }
        var abandoned = 0
        // Only a run whose liveness lock is free is dead; a live run may be waiting for its POST's
        // answer right now (design §4 "run liveness"). A row without a run id predates run ids.
        for run in runs {
            if let run, try db.isRunAlive(run) { continue }
            precondition(OrderTransitions.allows(from: .intent, to: .unknown))
            abandoned += try db.execute(
                """
                UPDATE lt_orders
                   SET status = 'UNKNOWN', updated_at = \(at),
                       error = 'left as INTENT by run ' || COALESCE(run_id, '?')
                               || ' (dead: its liveness lock is free): post outcome unproven; '
                               || 'reconcile by order_hash, never re-post'
                 WHERE status = 'INTENT' AND strategy_id = ANY(\(strategyIDs)::text[])
                   AND run_id IS NOT DISTINCT FROM \(run)
                """)
        }
        return abandoned
    }

    /// The anti-join's condition for FT row `f` and strategy `s` (a NOT_PLACED row counts as
    /// undecided: its order never reached the venue).
    static let undecided: SQL = """
        NOT EXISTS (SELECT 1 FROM lt_orders o
                     WHERE o.strategy_id = s.strategy_id AND o.signal_key = f.order_id
                       AND o.status <> 'NOT_PLACED')
        """

    /// The anti-join of `newSignalsSQL` for many strategies at once, answering only whether each has
    /// anything new: the same two index probes per strategy, in one statement.
    public static func strategiesWithNewSignalsSQL(strategyIDs: [String], since: Date) -> SQL {
        // LATERAL … LIMIT 1 keeps it a per-strategy probe of the (wallet_id, order_time) index that
        // stops at the first undecided signal; a plain EXISTS let the planner hash-join a sequential
        // scan of ft_orders, whose cost grows with history.
        """
        SELECT s.strategy_id
          FROM lt_strategies s
          CROSS JOIN LATERAL (
                SELECT 1 FROM ft_orders f
                 WHERE f.wallet_id = s.ft_wallet_id AND f.order_time >= \(since) AND \(undecided)
                 LIMIT 1) AS fresh
         WHERE s.strategy_id = ANY(\(strategyIDs)::text[])
        """
    }

    /// The follower's probe: the same per-strategy index probe over every active strategy, counting
    /// the window's undecided signals (a strategy whose count grew has something new).
    public static func undecidedSignalCountsSQL(since: Date) -> SQL {
        """
        SELECT s.strategy_id, fresh.n
          FROM lt_strategies s
          CROSS JOIN LATERAL (
                SELECT count(*) AS n FROM ft_orders f
                 WHERE f.wallet_id = s.ft_wallet_id AND f.order_time >= \(since) AND \(undecided)) AS fresh
         WHERE s.is_active AND fresh.n > 0
        """
    }

    public func undecidedSignalCounts(since: Date) throws -> [String: Int] {
        let rows = try db.query(Self.undecidedSignalCountsSQL(since: since)) { r throws(RowDecodingError) in
            (try r.decode("strategy_id", as: String.self), try r.decode("n", as: Int.self))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    public func strategiesWithNewSignals(strategyIDs: [String], since: Date) throws -> Set<String> {
        if strategyIDs.isEmpty { return [] }
        let ids = try db.query(Self.strategiesWithNewSignalsSQL(strategyIDs: strategyIDs, since: since)) {
            r throws(RowDecodingError) in try r.decode("strategy_id", as: String.self)
        }
        return Set(ids)
    }

    /// The anti-join (a NOT_PLACED row counts as undecided: its order never reached the venue).
    /// `ft_orders_wallet_time_idx` bounds the scan to the window; the probe uses
    /// UNIQUE(strategy_id, signal_key). Its cost grows with the window's rows, never with history.
    public static func newSignalsSQL(walletID: String, strategyID: String, since: Date, limit: Int) -> SQL {
        """
        SELECT f.order_id, f.wallet_id, f.order_time, f.side, f.condition_id, f.token_label, f.token_id,
               f.entry_price::text AS entry_price, f.size::text AS size, f.trader_wallet, f.market_title,
               f.market_slug
          FROM ft_orders f
         WHERE f.wallet_id = \(walletID) AND f.order_time >= \(since)
           AND NOT EXISTS (SELECT 1 FROM lt_orders o
                            WHERE o.strategy_id = \(strategyID) AND o.signal_key = f.order_id
                              AND o.status <> 'NOT_PLACED')
         ORDER BY f.order_time, f.order_id
         LIMIT \(limit)
        """
    }

    public func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow] {
        try db.query(
            Self.newSignalsSQL(walletID: strategy.ftWalletID, strategyID: strategy.id, since: since, limit: limit)
        ) { r throws(RowDecodingError) in
            // FT owns the column: a timestamp lt cannot represent (`infinity`, year 10000+) is the
            // signal's problem (a SKIPPED row), never a decoding error that stops the strategy.
            let time = try r.text("order_time")
            let instant = time.flatMap { try? Date(sqlText: $0) }
            return FTSignalRow(
                orderID: try r.decode("order_id"), walletID: try r.text("wallet_id"),
                orderTime: instant, unusableOrderTime: time, side: try r.text("side"),
                conditionID: try r.text("condition_id"), tokenLabel: try r.text("token_label"),
                tokenID: try r.text("token_id"), entryPrice: try r.text("entry_price"), size: try r.text("size"),
                traderWallet: try r.text("trader_wallet"), marketTitle: try r.text("market_title"),
                marketSlug: try r.text("market_slug"))
        }
    }
}
