import Foundation

// The store port `execute` reads through (design §1: adapters implement protocols LTCore
// declares): LTPostgres' `ExecuteStore`. Cash moves go through the ledger (`Ledger`), the exchange
// through `TradingVenue` (Venue/TradingVenue.swift), implemented by LTPolymarket's `ClobVenue`.

// MARK: - Store port

/// The strategy columns `execute` reads.
public struct ExecuteStrategy: Sendable, Hashable {
    public var id: String
    public var ftWalletID: String
    public var wallet: String
    public var mode: StrategyMode
    public var sizing: SizingConfig
    public var limits: RiskLimits
    public var state: RiskState
    public var maxSignalAgeSeconds: Int?
    public var maxSlippageBps: Int?
    public var fakThresholdUSD: Fixed6?

    public init(
        id: String, ftWalletID: String, wallet: String, mode: StrategyMode, sizing: SizingConfig,
        limits: RiskLimits, state: RiskState, maxSignalAgeSeconds: Int?, maxSlippageBps: Int?,
        fakThresholdUSD: Fixed6?
    ) {
        self.id = id
        self.ftWalletID = ftWalletID
        self.wallet = wallet
        self.mode = mode
        self.sizing = sizing
        self.limits = limits
        self.state = state
        self.maxSignalAgeSeconds = maxSignalAgeSeconds
        self.maxSlippageBps = maxSlippageBps
        self.fakThresholdUSD = fakThresholdUSD
    }
}

/// Everything an `lt_orders` row of an execute decision carries. Fields unknown at the stage of the
/// decision stay nil.
public struct ExecuteDecisionRow: Sendable {
    public var strategyID: String
    public var signalKey: String
    public var row: FTSignalRow
    public var signal: BuySignal?
    public var tokenID: String?
    public var negRisk: Bool?
    public var tickSize: Fixed6?
    public var orderType: OrderType?
    public var limitPrice: Fixed6?
    public var requestedUSD: Fixed6?
    public var requestedShares: Fixed6?
    public var orderHash: String?
    /// The trading wallet (live orders).
    public var wallet: String?
    /// The taker fee locked with the order.
    public var expectedFeeUSD: Fixed6 = .zero
    public var isShadow: Bool
    public var traceID: String
    public var runID: String
    public var skip: Skip?
    /// `lt force`: no FT counterpart (no ft_order_id), left out of LT-vs-FT comparisons.
    public var forced = false

    public init(strategyID: String, row: FTSignalRow, isShadow: Bool, traceID: String, runID: String) {
        self.strategyID = strategyID
        self.signalKey = row.orderID
        self.row = row
        self.isShadow = isShadow
        self.traceID = traceID
        self.runID = runID
    }
}

extension ExecuteDecisionRow {
    /// The `lt_orders` row of this decision in `status`: what the signal said (where it parses, even
    /// for a malformed signal) and what was decided. Fill columns stay zero; callers set them.
    public func order(status: OrderStatus, at: Date) -> LTOrder {
        let r = row
        let s = signal
        let price = s?.price ?? r.entryPrice.flatMap { try? Fixed6(parsing: $0, rounding: .halfEven) }
        let size = s?.sizeUSD ?? r.size.flatMap { try? Fixed6(parsing: $0, rounding: .down) }
        let side: Side = r.side?.trimmingCharacters(in: .whitespaces).uppercased() == "SELL" ? .sell : .buy
        // Every text that reaches an index is bounded (issue 9): an over-long value is stored cut
        // (its SKIPPED row says so), never a failed insert that would stop the run.
        func cut(_ v: String?, _ f: SignalValidation.Field) -> String? {
            v.map { SignalValidation.truncated($0, to: f) }
        }
        var o = LTOrder(
            strategyID: strategyID, signalKey: SignalValidation.truncated(signalKey, to: .orderID),
            ftOrderID: forced ? nil : cut(r.orderID, .orderID), ftWalletID: cut(r.walletID, .walletID),
            traderWallet: cut(s?.traderWallet ?? r.traderWallet, .traderWallet), signalPrice: price,
            signalSizeUSD: size, signalTime: r.orderTime,
            conditionID: cut(s?.conditionID ?? r.conditionID, .conditionID),
            tokenID: cut(tokenID, .tokenID), tokenLabel: cut(s?.tokenLabel ?? r.tokenLabel, .tokenLabel),
            marketTitle: cut(r.marketTitle, .marketTitle), marketSlug: cut(r.marketSlug, .marketSlug), negRisk: negRisk,
            tickSize: tickSize, side: side, orderType: orderType, limitPrice: limitPrice, requestedUSD: requestedUSD,
            requestedShares: requestedShares, orderHash: orderHash, isShadow: isShadow, status: status,
            skipReason: skip?.reason.rawValue, traceID: traceID, runID: runID, error: skip?.detail)
        o.wallet = wallet
        o.expectedFeeUSD = expectedFeeUSD
        o.forced = forced
        o.createdAt = at
        o.updatedAt = at
        return o
    }
}

/// A strategy whose row cannot be used as it is: a column that does not decode (a value beyond
/// `Fixed6`'s range, malformed `multiplier_tiers`) or a rule of `StrategyConfigValidation` broken.
public struct MisconfiguredStrategy: Sendable, Hashable, Codable {
    public var strategyID: String
    public var reason: String

    public init(strategyID: String, reason: String) {
        self.strategyID = strategyID
        self.reason = reason
    }
}

/// The SQL side of `execute` besides the ledger (LTPostgres' `ExecuteStore`).
public protocol ExecuteStoring: AnyObject {
    /// Active strategies whose configuration decodes and passes `StrategyConfigValidation`, and the
    /// ones that do not, each with its reason (reported by id and skipped; the others run).
    func activeStrategies() throws -> (strategies: [ExecuteStrategy], misconfigured: [MisconfiguredStrategy])
    /// INTENT rows of these strategies left by runs that are provably dead (their liveness lock is
    /// free, design §4) → UNKNOWN: their post may have happened, so they are reconciled by order
    /// hash and never re-signed or re-posted. A live run's rows are never touched. Returns how many.
    func abandonIntents(strategyIDs: [String], exceptRun runID: String, at: Date) throws -> Int
    /// Which of these strategies have at least one new signal (the anti-join below, for all of them
    /// in one query), so a run with nothing new costs one round trip, not one per strategy.
    func strategiesWithNewSignals(strategyIDs: [String], since: Date) throws -> Set<String>
    /// The follower's probe (`lt execute --follow`): for every active strategy with undecided
    /// signals since `since`, how many — one round trip whatever the number of strategies.
    func undecidedSignalCounts(since: Date) throws -> [String: Int]
    /// FT rows of the strategy's wallet with `order_time >= since` and no decided `lt_orders` row
    /// (none, or a NOT_PLACED one to decide again), oldest first.
    func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow]
}
