/// The risk-rule columns of a strategy (design §2). A nil limit is not enforced.
public struct RiskLimits: Sendable, Hashable {
    public var maxPositionSizeUSD: Fixed6?
    public var maxTotalExposureUSD: Fixed6?
    public var dailyBudgetUSD: Fixed6?
    public var maxDailyLossUSD: Fixed6?
    /// Percent (20 means 20 %).
    public var circuitBreakerLossPct: Fixed6?

    public init(
        maxPositionSizeUSD: Fixed6? = nil, maxTotalExposureUSD: Fixed6? = nil, dailyBudgetUSD: Fixed6? = nil,
        maxDailyLossUSD: Fixed6? = nil, circuitBreakerLossPct: Fixed6? = nil
    ) {
        self.maxPositionSizeUSD = maxPositionSizeUSD
        self.maxTotalExposureUSD = maxTotalExposureUSD
        self.dailyBudgetUSD = dailyBudgetUSD
        self.maxDailyLossUSD = maxDailyLossUSD
        self.circuitBreakerLossPct = circuitBreakerLossPct
    }
}

/// The cash and risk-state columns the checks read. Deliberately no `equity`: the seed's bug was a
/// check against equity; the rules here are against available cash and locked capital only.
public struct RiskState: Sendable, Hashable {
    public var availableCash: Fixed6
    public var lockedCapital: Fixed6
    public var dailySpentUSD: Fixed6
    /// Positive number: dollars lost today.
    public var dailyLossUSD: Fixed6
    /// Percent below peak equity.
    public var currentDrawdownPct: Fixed6
    public var circuitBreakerActive: Bool
    public var tradingState: TradingState
    /// Why the breaker tripped (`DAILY_LOSS: …`, `DRAWDOWN: …`), quoted in the skip.
    public var circuitBreakerReason: String? = nil

    public init(
        availableCash: Fixed6, lockedCapital: Fixed6 = .zero, dailySpentUSD: Fixed6 = .zero,
        dailyLossUSD: Fixed6 = .zero, currentDrawdownPct: Fixed6 = .zero, circuitBreakerActive: Bool = false,
        tradingState: TradingState = .active, circuitBreakerReason: String? = nil
    ) {
        self.availableCash = availableCash
        self.lockedCapital = lockedCapital
        self.dailySpentUSD = dailySpentUSD
        self.dailyLossUSD = dailyLossUSD
        self.currentDrawdownPct = currentDrawdownPct
        self.circuitBreakerActive = circuitBreakerActive
        self.tradingState = tradingState
        self.circuitBreakerReason = circuitBreakerReason
    }
}

/// Risk checks for a BUY of `orderUsd`, in the design's order (§4): available cash, position size,
/// total exposure, daily budget, daily loss, drawdown breaker, trading state. The first failing
/// rule decides the skip reason, so one signal always gets one, reproducible reason.
public enum RiskChecks {
    /// - Parameter existingPositionUsd: cost basis still open in the same token for this strategy
    ///   (sizing already capped the order alone at `max_position_size_usd`; this rule stops a
    ///   position from growing past it through repeated signals).
    public static func evaluate(
        orderUSD: Fixed6, existingPositionUSD: Fixed6 = .zero, limits: RiskLimits, state: RiskState
    ) -> Skip? {
        if orderUSD > state.availableCash {
            return Skip(.insufficientCash, "order \(orderUSD) > available cash \(state.availableCash)")
        }
        if let maxPos = limits.maxPositionSizeUSD, exceeds(existingPositionUSD, plus: orderUSD, maxPos) {
            return Skip(
                .positionLimit, "position \(existingPositionUSD) + order \(orderUSD) > max position \(maxPos)")
        }
        if let maxExp = limits.maxTotalExposureUSD, exceeds(state.lockedCapital, plus: orderUSD, maxExp) {
            return Skip(
                .exposureLimit, "locked \(state.lockedCapital) + order \(orderUSD) > max exposure \(maxExp)")
        }
        if let budget = limits.dailyBudgetUSD, exceeds(state.dailySpentUSD, plus: orderUSD, budget) {
            return Skip(.dailyBudget, "spent today \(state.dailySpentUSD) + order \(orderUSD) > budget \(budget)")
        }
        if let maxLoss = limits.maxDailyLossUSD, state.dailyLossUSD >= maxLoss {
            return Skip(.dailyLossLimit, "lost today \(state.dailyLossUSD) ≥ limit \(maxLoss)")
        }
        if state.circuitBreakerActive {
            return Skip(
                .circuitBreaker, "circuit breaker active: \(state.circuitBreakerReason ?? "no reason recorded")")
        }
        if let pct = limits.circuitBreakerLossPct, state.currentDrawdownPct >= pct {
            return Skip(.circuitBreaker, "drawdown \(state.currentDrawdownPct)% ≥ breaker \(pct)%")
        }
        switch state.tradingState {
        case .active: return nil
        case .halted: return Skip(.halted, "strategy is HALTED")
        case .reduceOnly: return Skip(.reduceOnly, "strategy is REDUCE_ONLY: no new entries")
        }
    }

    /// `a + b > limit`, exact in 128 bits: a sum of two large balances (input-derived, e.g. a
    /// hand-edited `daily_spent_usd`) must compare, not trap.
    static func exceeds(_ a: Fixed6, plus b: Fixed6, _ limit: Fixed6) -> Bool {
        Int128(a.micros) + Int128(b.micros) > Int128(limit.micros)
    }
}
