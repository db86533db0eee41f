import Foundation

// The ports `execute` talks through (design §1: adapters implement protocols LTCore declares).
// The exchange side is implemented in the `lt` executable over LTPolymarket's ClobClient and order
// signing; the database side by LTPostgres' `ExecuteStore`. Both block: jobs are synchronous.

/// A market as the venue describes it: what token resolution needs.
public struct VenueMarket: Sendable, Hashable {
    public var conditionId: String
    public var tokens: [TokenResolution.MarketToken]
    /// False when the market is closed or not accepting orders.
    public var acceptingOrders: Bool
    public var negRisk: Bool
    public var title: String?
    public var slug: String?

    public init(
        conditionId: String, tokens: [TokenResolution.MarketToken], acceptingOrders: Bool, negRisk: Bool,
        title: String? = nil, slug: String? = nil
    ) {
        self.conditionId = conditionId
        self.tokens = tokens
        self.acceptingOrders = acceptingOrders
        self.negRisk = negRisk
        self.title = title
        self.slug = slug
    }
}

/// A token's book with the market rules the venue sends alongside it.
public struct VenueBook: Sendable, Hashable {
    public var tokenId: String
    /// Any order (the policies sort best-first).
    public var asks: [BookLevel]
    public var tickSize: Fixed6
    public var minOrderSize: Fixed6
    public var negRisk: Bool

    public init(tokenId: String, asks: [BookLevel], tickSize: Fixed6, minOrderSize: Fixed6, negRisk: Bool) {
        self.tokenId = tokenId
        self.asks = asks
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
        self.negRisk = negRisk
    }
}

/// What to sign: a marketable BUY of `amountUsd` dollars of `tokenId`, paying at most `limitPrice`.
public struct BuyOrderRequest: Sendable, Hashable {
    /// The trading wallet's name in `LT_WALLETS_FILE` (never the key itself).
    public var wallet: String
    public var tokenId: String
    public var negRisk: Bool
    public var tickSize: Fixed6
    public var limitPrice: Fixed6
    public var amountUsd: Fixed6
    public var orderType: OrderType

    public init(
        wallet: String, tokenId: String, negRisk: Bool, tickSize: Fixed6, limitPrice: Fixed6, amountUsd: Fixed6,
        orderType: OrderType
    ) {
        self.wallet = wallet
        self.tokenId = tokenId
        self.negRisk = negRisk
        self.tickSize = tickSize
        self.limitPrice = limitPrice
        self.amountUsd = amountUsd
        self.orderType = orderType
    }
}

/// A signed order ready to post. `orderHash` is the CLOB order id, computed locally before posting
/// (it goes into the INTENT row); `payload` is the adapter's opaque wire form. Its description
/// never shows the payload (it carries the signature and the API key owner).
public struct SignedBuy: Sendable, CustomStringConvertible {
    public let orderHash: String
    /// Shares the order asks for (its taker amount), for `requested_shares`.
    public let requestedShares: Fixed6
    public let payload: String

    public init(orderHash: String, requestedShares: Fixed6, payload: String) {
        self.orderHash = orderHash
        self.requestedShares = requestedShares
        self.payload = payload
    }

    public var description: String { "SignedBuy(\(orderHash))" }
}

/// What the venue's answer to a POST proves (mirrors LTPolymarket's classification).
public enum VenuePostResult: Sendable, Hashable {
    /// Taken. `matched`: filled now for `makingUsd` dollars / `takingShares` shares (FAK: possibly
    /// part of the request, the rest killed). Not matched: resting or delayed.
    case accepted(orderId: String, matched: Bool, makingUsd: Fixed6?, takingShares: Fixed6?)
    /// Killed with nothing filled (FOK not fillable, FAK no match).
    case unfilled(reason: String)
    /// Refused (validation, balance, auth): not placed.
    case rejected(reason: String)
    /// Provably not placed but might succeed later (429, 425, cancel-only). The signed order is not
    /// re-posted: the decision is final (FAILED) and the cash is released.
    case notPlaced(reason: String)
    /// Might or might not exist (timeout, 5xx, dropped connection): UNKNOWN, cash stays locked.
    case unknown(reason: String)
}

/// Failure to talk to the venue for reads (market, books). Signals that hit it get no row: they
/// stay new and the next run decides them.
public struct VenueError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unavailable, malformed, configuration }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

/// The exchange as `execute` needs it.
public protocol ExecutionVenue: AnyObject {
    /// nil when the venue does not know the condition.
    func market(conditionId: String) throws(VenueError) -> VenueMarket?
    /// Books for many tokens in one call; tokens without a book are absent from the answer.
    func books(tokenIds: [String]) throws(VenueError) -> [String: VenueBook]
    /// Builds and signs the order (live strategies only). No I/O besides reading the wallet.
    func signBuy(_ request: BuyOrderRequest) throws(VenueError) -> SignedBuy
    /// Posts once. Never retried by the adapter when the answer proves nothing.
    func post(_ order: SignedBuy, orderType: OrderType, wallet: String) -> VenuePostResult
}

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

/// The fill to book on a row (live answer or shadow walk).
public struct FillRecord: Sendable, Hashable {
    public var status: OrderStatus
    public var executedUsd: Fixed6
    public var executedShares: Fixed6
    /// Volume-weighted; nil when nothing filled.
    public var executedPrice: Fixed6?
    public var error: String?
    public var latencyMs: Int64?
    public var at: Date

    public init(
        status: OrderStatus, executedUsd: Fixed6 = .zero, executedShares: Fixed6 = .zero, executedPrice: Fixed6? = nil,
        error: String? = nil, latencyMs: Int64? = nil, at: Date
    ) {
        self.status = status
        self.executedUsd = executedUsd
        self.executedShares = executedShares
        self.executedPrice = executedPrice
        self.error = error
        self.latencyMs = latencyMs
        self.at = at
    }
}

public enum IntentOutcome: Sendable {
    /// INTENT row written and cash locked: post it.
    case intent(ltOrderId: Int64)
    /// Shadow: the row was written with its simulated fill and the cash booked.
    case recorded(ltOrderId: Int64)
    /// Under the strategy lock the fresh numbers failed a rule: a SKIPPED row was written instead.
    case skipped(Skip)
    /// Another run decided this signal first (UNIQUE(strategy_id, signal_key)).
    case alreadyDecided
}

/// The SQL side of `execute` (LTPostgres' `ExecuteStore`). Every method is one transaction.
public protocol ExecuteStoring: AnyObject {
    func activeStrategies() throws -> [ExecuteStrategy]
    /// INTENT rows of these strategies left by other runs → UNKNOWN (their post may have happened;
    /// never re-signed or re-posted). Returns how many.
    func abandonIntents(strategyIds: [String], exceptRun runId: String, at: Date) throws -> Int
    /// Which of these strategies have at least one new signal (the anti-join below, for all of them
    /// in one query), so a run with nothing new costs one round trip, not one per strategy.
    func strategiesWithNewSignals(strategyIds: [String], since: Date) throws -> Set<String>
    /// FT rows of the strategy's wallet with `order_time >= since` and no `lt_orders` row yet, oldest first.
    func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow]
    func cachedTokens(conditionIds: [String]) throws -> [CachedToken]
    /// Open or pending BUY cost in the same outcome (for the position-size rule).
    func positionUsd(strategyId: String, conditionId: String, label: String) throws -> Fixed6
    /// Inserts a SKIPPED row; false when the signal was already decided.
    func recordSkip(_ row: ExecuteDecisionRow, at: Date) throws -> Bool
    /// One transaction under the per-strategy lock: re-read the strategy's cash and risk state,
    /// `recheck` it, then insert the row and move the cash. Live: INTENT + lock `requestedUsd`.
    /// Shadow (`shadowFill` given): the final row + lock only what filled.
    func commitDecision(
        _ row: ExecuteDecisionRow, shadowFill: FillRecord?, at: Date, recheck: (RiskState) -> Skip?
    ) throws -> IntentOutcome
    /// Records the venue's answer on an INTENT (or UNKNOWN, same run) row and releases unused cash,
    /// under the per-strategy lock. Returns false if the row was not in a state this run may change.
    func recordAnswer(
        ltOrderId: Int64, strategyId: String, runId: String, requestedUsd: Fixed6, orderId: String?,
        fill: FillRecord
    ) throws -> Bool
}
