import Foundation

/// One `lt_strategies` row: configuration, the three cash buckets, risk rules and risk state
/// (design §2). Optional properties are nullable columns.
public struct Strategy: Sendable, Hashable, Codable {
    public var strategyID: String
    public var userID: String?
    public var ftWalletID: String
    public var wallet: String
    public var isActive: Bool

    public var mode: StrategyMode
    public var tradingState: TradingState

    public var sizingMode: SizingMode
    public var sizeMultiplier: Fixed6
    public var fixedSizeUSD: Fixed6?
    /// Percent of available cash: 5 means 5 %.
    public var percentOfCash: Fixed6?
    /// Raw JSONB text: `[{"min":..,"max":..,"multiplier":..}]`.
    public var multiplierTiersJSON: String
    public var minOrderUSD: Fixed6
    public var maxSignalAgeSeconds: Int
    public var maxSlippageBps: Int
    public var fakThresholdUSD: Fixed6
    public var cooldownHours: Int

    public var mirrorExits: Bool
    public var exitThresholdPct: Fixed6
    public var stopLossPct: Fixed6?
    public var takeProfitPct: Fixed6?
    public var maxHoldHours: Int?

    public var initialCapital: Fixed6
    public var availableCash: Fixed6
    public var lockedCapital: Fixed6
    public var cooldownCapital: Fixed6
    public var realizedPnL: Fixed6

    public var maxPositionSizeUSD: Fixed6?
    public var maxTotalExposureUSD: Fixed6?
    public var dailyBudgetUSD: Fixed6?
    public var maxDailyLossUSD: Fixed6?
    public var circuitBreakerLossPct: Fixed6?

    public var dailySpentUSD: Fixed6
    public var dailyLossUSD: Fixed6
    public var consecutiveLosses: Int
    public var peakEquity: Fixed6
    public var currentDrawdownPct: Fixed6
    public var circuitBreakerActive: Bool
    /// Starts with a `CircuitBreakerReason` raw value; daily-reset clears `DAILY_LOSS` only.
    public var circuitBreakerReason: String?
    public var lastResetDate: UTCDay?

    public var createdAt: Date
    public var updatedAt: Date

    /// available + locked + cooldown: equals initial capital + realized P&L (a CHECK constraint).
    public var equity: Fixed6 { availableCash + lockedCapital + cooldownCapital }

    /// Decodes a row that selected `StatusStore.strategyColumns` (LTPostgres holds the SQL).
    public init(row r: Row) throws(RowDecodingError) {
        strategyID = try r.decode("strategy_id")
        userID = try r.decode("user_id", as: String?.self)
        ftWalletID = try r.decode("ft_wallet_id")
        wallet = try r.decode("wallet")
        isActive = try r.decode("is_active")
        mode = try r.decode("mode")
        tradingState = try r.decode("trading_state")
        sizingMode = try r.decode("sizing_mode")
        sizeMultiplier = try r.decode("size_multiplier")
        fixedSizeUSD = try r.decode("fixed_size_usd", as: Fixed6?.self)
        percentOfCash = try r.decode("percent_of_cash", as: Fixed6?.self)
        multiplierTiersJSON = try r.decode("multiplier_tiers")
        minOrderUSD = try r.decode("min_order_usd")
        maxSignalAgeSeconds = try r.decode("max_signal_age_seconds")
        maxSlippageBps = try r.decode("max_slippage_bps")
        fakThresholdUSD = try r.decode("fak_threshold_usd")
        cooldownHours = try r.decode("cooldown_hours")
        mirrorExits = try r.decode("mirror_exits")
        exitThresholdPct = try r.decode("exit_threshold_pct")
        stopLossPct = try r.decode("stop_loss_pct", as: Fixed6?.self)
        takeProfitPct = try r.decode("take_profit_pct", as: Fixed6?.self)
        maxHoldHours = try r.decode("max_hold_hours", as: Int?.self)
        initialCapital = try r.decode("initial_capital")
        availableCash = try r.decode("available_cash")
        lockedCapital = try r.decode("locked_capital")
        cooldownCapital = try r.decode("cooldown_capital")
        realizedPnL = try r.decode("realized_pnl")
        maxPositionSizeUSD = try r.decode("max_position_size_usd", as: Fixed6?.self)
        maxTotalExposureUSD = try r.decode("max_total_exposure_usd", as: Fixed6?.self)
        dailyBudgetUSD = try r.decode("daily_budget_usd", as: Fixed6?.self)
        maxDailyLossUSD = try r.decode("max_daily_loss_usd", as: Fixed6?.self)
        circuitBreakerLossPct = try r.decode("circuit_breaker_loss_pct", as: Fixed6?.self)
        dailySpentUSD = try r.decode("daily_spent_usd")
        dailyLossUSD = try r.decode("daily_loss_usd")
        consecutiveLosses = try r.decode("consecutive_losses")
        peakEquity = try r.decode("peak_equity")
        currentDrawdownPct = try r.decode("current_drawdown_pct")
        circuitBreakerActive = try r.decode("circuit_breaker_active")
        circuitBreakerReason = try r.decode("circuit_breaker_reason", as: String?.self)
        lastResetDate = try r.decode("last_reset_date", as: UTCDay?.self)
        createdAt = try r.decode("created_at")
        updatedAt = try r.decode("updated_at")
    }
}

/// Why a strategy's circuit breaker tripped: the first word of `circuit_breaker_reason` (details may
/// follow after a colon, e.g. `DAILY_LOSS: 52.10 >= 50`). daily-reset clears `DAILY_LOSS`; the
/// drawdown breaker stays until an operator resumes the strategy.
public enum CircuitBreakerReason: String, Sendable, Hashable, Codable, CaseIterable, SQLStringEnum {
    case dailyLoss = "DAILY_LOSS"
    case drawdown = "DRAWDOWN"
    case manual = "MANUAL"
}
