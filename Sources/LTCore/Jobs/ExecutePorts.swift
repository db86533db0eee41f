import Foundation

// The store port `execute` reads through (design §1: adapters implement protocols LTCore
// declares): LTPostgres' `ExecuteStore`. Cash moves go through the ledger (`Ledger`), the exchange
// through `TradingVenue` (Venue/TradingVenue.swift), implemented by LTPolymarket's `ClobVenue`.

// MARK: - Store port

/// The strategy columns `execute` reads.
public struct ExecuteStrategy: Sendable, Hashable {
    public var id: String
    public var ftWalletId: String
    public var wallet: String
    public var mode: StrategyMode
    public var sizing: SizingConfig
    public var limits: RiskLimits
    public var state: RiskState
    public var maxSignalAgeSeconds: Int?
    public var maxSlippageBps: Int?
    public var fakThresholdUsd: Fixed6?

    public init(
        id: String, ftWalletId: String, wallet: String, mode: StrategyMode, sizing: SizingConfig,
        limits: RiskLimits, state: RiskState, maxSignalAgeSeconds: Int?, maxSlippageBps: Int?,
        fakThresholdUsd: Fixed6?
    ) {
        self.id = id
        self.ftWalletId = ftWalletId
        self.wallet = wallet
        self.mode = mode
        self.sizing = sizing
        self.limits = limits
        self.state = state
        self.maxSignalAgeSeconds = maxSignalAgeSeconds
        self.maxSlippageBps = maxSlippageBps
        self.fakThresholdUsd = fakThresholdUsd
    }
}

/// A token already seen in `lt_orders` (the database is the token cache, design §4).
public struct CachedToken: Sendable, Hashable {
    public var conditionId: String
    public var label: String
    public var tokenId: String
    public init(conditionId: String, label: String, tokenId: String) {
        self.conditionId = conditionId
        self.label = label
        self.tokenId = tokenId
    }
}

/// Everything an `lt_orders` row of an execute decision carries. Fields unknown at the stage of the
/// decision stay nil.
public struct ExecuteDecisionRow: Sendable {
    public var strategyId: String
    public var signalKey: String
    public var row: FTSignalRow
    public var signal: BuySignal?
    public var tokenId: String?
    public var negRisk: Bool?
    public var tickSize: Fixed6?
    public var orderType: OrderType?
    public var limitPrice: Fixed6?
    public var requestedUsd: Fixed6?
    public var requestedShares: Fixed6?
    public var orderHash: String?
    /// The trading wallet (live orders).
    public var wallet: String?
    /// The taker fee locked with the order.
    public var expectedFeeUSD: Fixed6 = .zero
    public var isShadow: Bool
    public var traceId: String
    public var runId: String
    public var skip: Skip?

    public init(strategyId: String, row: FTSignalRow, isShadow: Bool, traceId: String, runId: String) {
        self.strategyId = strategyId
        self.signalKey = row.orderId
        self.row = row
        self.isShadow = isShadow
        self.traceId = traceId
        self.runId = runId
    }
}

extension ExecuteDecisionRow {
    /// The `lt_orders` row of this decision in `status`: what the signal said (where it parses, even
    /// for a malformed signal) and what was decided. Fill columns stay zero; callers set them.
    public func order(status: OrderStatus, at: Date) -> LTOrder {
        let r = row
        let s = signal
        let price = s?.price ?? r.entryPrice.flatMap { try? Fixed6(parsing: $0, rounding: .halfEven) }
        let size = s?.sizeUsd ?? r.size.flatMap { try? Fixed6(parsing: $0, rounding: .down) }
        let side: Side = r.side?.trimmingCharacters(in: .whitespaces).uppercased() == "SELL" ? .sell : .buy
        // Every text that reaches an index is bounded (issue 9): an over-long value is stored cut
        // (its SKIPPED row says so), never a failed insert that would stop the run.
        func cut(_ v: String?, _ f: SignalValidation.Field) -> String? {
            v.map { SignalValidation.truncated($0, to: f) }
        }
        var o = LTOrder(
            strategyID: strategyId, signalKey: SignalValidation.truncated(signalKey, to: .orderId),
            ftOrderID: cut(r.orderId, .orderId), ftWalletID: cut(r.walletId, .walletId),
            traderWallet: cut(s?.traderWallet ?? r.traderWallet, .traderWallet), signalPrice: price,
            signalSizeUSD: size, signalTime: r.orderTime,
            conditionID: cut(s?.conditionId ?? r.conditionId, .conditionId),
            tokenID: cut(tokenId, .tokenId), tokenLabel: cut(s?.tokenLabel ?? r.tokenLabel, .tokenLabel),
            marketTitle: cut(r.marketTitle, .marketTitle), marketSlug: cut(r.marketSlug, .marketSlug), negRisk: negRisk,
            tickSize: tickSize, side: side, orderType: orderType, limitPrice: limitPrice, requestedUSD: requestedUsd,
            requestedShares: requestedShares, orderHash: orderHash, isShadow: isShadow, status: status,
            skipReason: skip?.reason.rawValue, traceID: traceId, runID: runId, error: skip?.detail)
        o.wallet = wallet
        o.expectedFeeUSD = expectedFeeUSD
        o.createdAt = at
        o.updatedAt = at
        return o
    }
}

/// The SQL side of `execute` besides the ledger (LTPostgres' `ExecuteStore`).
public protocol ExecuteStoring: AnyObject {
    func activeStrategies() throws -> [ExecuteStrategy]
    /// INTENT rows of these strategies left by runs that are provably dead (their liveness lock is
    /// free, design §4) → UNKNOWN: their post may have happened, so they are reconciled by order
    /// hash and never re-signed or re-posted. A live run's rows are never touched. Returns how many.
    func abandonIntents(strategyIds: [String], exceptRun runId: String, at: Date) throws -> Int
    /// Which of these strategies have at least one new signal (the anti-join below, for all of them
    /// in one query), so a run with nothing new costs one round trip, not one per strategy.
    func strategiesWithNewSignals(strategyIds: [String], since: Date) throws -> Set<String>
    /// FT rows of the strategy's wallet with `order_time >= since` and no decided `lt_orders` row
    /// (none, or a NOT_PLACED one to decide again), oldest first.
    func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow]
    func cachedTokens(conditionIds: [String]) throws -> [CachedToken]
}
