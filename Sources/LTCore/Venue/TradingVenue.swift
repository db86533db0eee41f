import Foundation

// The exchange port every job talks through (design §1: adapters implement protocols LTCore
// declares). One port for orders of either side and either kind, and the reads reconciliation
// needs: orders by hash, trades, cancels, balances. LTPolymarket's `ClobVenue` implements it over
// the CLOB client and V2 signing; `TimedVenue` decorates it with timings. Calls block.

/// A market as the venue describes it: what token resolution needs.
public struct VenueMarket: Sendable, Hashable {
    public var conditionID: String
    public var tokens: [TokenResolution.MarketToken]
    /// False when the market is closed or not accepting orders.
    public var acceptingOrders: Bool
    public var negRisk: Bool
    public var title: String?
    public var slug: String?

    public init(
        conditionID: String, tokens: [TokenResolution.MarketToken], acceptingOrders: Bool, negRisk: Bool,
        title: String? = nil, slug: String? = nil
    ) {
        self.conditionID = conditionID
        self.tokens = tokens
        self.acceptingOrders = acceptingOrders
        self.negRisk = negRisk
        self.title = title
        self.slug = slug
    }
}

/// A token's book with the market rules the venue sends alongside it.
public struct VenueBook: Sendable, Hashable {
    public var tokenID: String
    /// Any order (the policies sort best-first).
    public var asks: [BookLevel]
    /// Any order.
    public var bids: [BookLevel]
    public var tickSize: Fixed6
    public var minOrderSize: Fixed6
    public var negRisk: Bool

    public init(
        tokenID: String, asks: [BookLevel], bids: [BookLevel] = [], tickSize: Fixed6, minOrderSize: Fixed6,
        negRisk: Bool
    ) {
        self.tokenID = tokenID
        self.asks = asks
        self.bids = bids
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
        self.negRisk = negRisk
    }
}

/// What to sign. A marketable order (FOK/FAK): a BUY spends `amount` dollars, a SELL sells `amount`
/// shares, at `limitPrice` or better. A limit order (GTC/GTD): `amount` shares at `limitPrice`.
public struct OrderRequest: Sendable, Hashable {
    /// The trading wallet's name in `LT_WALLETS_FILE` (never the key itself).
    public var wallet: String
    public var side: Side
    public var tokenID: String
    public var negRisk: Bool
    public var tickSize: Fixed6
    public var limitPrice: Fixed6
    public var amount: Fixed6
    public var orderType: OrderType

    public init(
        wallet: String, side: Side, tokenID: String, negRisk: Bool, tickSize: Fixed6, limitPrice: Fixed6,
        amount: Fixed6, orderType: OrderType
    ) {
        self.wallet = wallet
        self.side = side
        self.tokenID = tokenID
        self.negRisk = negRisk
        self.tickSize = tickSize
        self.limitPrice = limitPrice
        self.amount = amount
        self.orderType = orderType
    }

    /// Market orders (FOK/FAK) fill by amount against the book; limit orders rest.
    public var isMarketOrder: Bool { orderType == .fok || orderType == .fak }
}

/// A signed order ready to post. `orderHash` is the CLOB order id, computed locally before posting
/// (it goes into the INTENT row); `payload` is the adapter's opaque wire form. Its description
/// never shows the payload (it carries the signature and the API key owner).
public struct SignedVenueOrder: Sendable, CustomStringConvertible {
    public let request: OrderRequest
    public let orderHash: String
    /// The signed maker amount: dollars for a BUY, shares for a SELL.
    public let makerAmount: Fixed6
    /// The signed taker amount: shares for a BUY, dollars for a SELL.
    public let takerAmount: Fixed6
    public let payload: String

    public init(request: OrderRequest, orderHash: String, makerAmount: Fixed6, takerAmount: Fixed6, payload: String) {
        self.request = request
        self.orderHash = orderHash
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.payload = payload
    }

    /// Shares the order trades: the taker amount of a BUY, the maker amount of a SELL.
    public var shares: Fixed6 { request.side == .buy ? takerAmount : makerAmount }

    public var description: String { "SignedVenueOrder(\(request.side.rawValue) \(orderHash))" }
}

/// What the venue's answer to a POST proves (mirrors LTPolymarket's classification).
public enum VenuePostResult: Sendable, Hashable {
    /// Taken. `matched`: filled now — `making` given, `taking` received (BUY: dollars and shares;
    /// SELL: shares and dollars), provisional until the trades say so. Not matched: resting or
    /// delayed.
    case accepted(orderID: String, matched: Bool, making: Fixed6?, taking: Fixed6?, tradeIDs: [String])
    /// Killed with nothing filled (FOK not fillable, FAK no match).
    case unfilled(reason: String)
    /// Refused (validation, balance, auth): not placed.
    case rejected(reason: String)
    /// Provably never reached the matching engine (connection refused before sending, 429, 425,
    /// cancel-only): the lock is released and the signal is decided again later.
    case notPlaced(reason: String)
    /// Might or might not exist (timeout, 5xx, dropped connection): UNKNOWN, cash stays locked.
    case unknown(reason: String)
}

/// An order as the venue reports it (`GET /data/order/{hash}`): its status; the fills of record
/// come from trades.
public struct VenueOrder: Sendable, Hashable {
    public var id: String
    /// Upper-cased, without an `ORDER_STATUS_` prefix: LIVE, MATCHED, DELAYED, CANCELED…
    public var status: String
    public var sizeMatched: Fixed6
    public var tradeIDs: [String]

    public init(id: String, status: String, sizeMatched: Fixed6, tradeIDs: [String]) {
        self.id = id
        self.status = status
        self.sizeMatched = sizeMatched
        self.tradeIDs = tradeIDs
    }
}

/// One trade, with the part of it that filled a given order.
public struct VenueTrade: Sendable, Hashable {
    public var id: String
    /// The trade's price and the shares that filled our order in it.
    public var price: Fixed6
    public var shares: Fixed6
    /// The fee charged to our order in this trade when the venue reports it.
    public var fee: Fixed6?
    public var feeRateBps: Int?
    public var settlement: Settlement?
    public var transactionHash: String?

    public init(
        id: String, price: Fixed6, shares: Fixed6, fee: Fixed6? = nil, feeRateBps: Int? = nil,
        settlement: Settlement?, transactionHash: String? = nil
    ) {
        self.id = id
        self.price = price
        self.shares = shares
        self.fee = fee
        self.feeRateBps = feeRateBps
        self.settlement = settlement
        self.transactionHash = transactionHash
    }
}

/// Failure to talk to the venue. Reads that hit it defer their work to the next run.
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

/// The exchange as every job needs it.
public protocol TradingVenue: AnyObject {
    /// nil when the venue does not know the condition.
    func market(conditionID: String) throws(VenueError) -> VenueMarket?
    /// The market's taker fee schedule (`/clob-markets/{condition_id}` `fd`).
    func feeSchedule(conditionID: String) throws(VenueError) -> FeeSchedule
    /// Books for many tokens in one call; tokens without a book are absent from the answer.
    func books(tokenIDs: [String]) throws(VenueError) -> [String: VenueBook]
    /// Many markets read ahead of the decisions that need them (`execute` reads a whole pass's at
    /// once): each market and its fee schedule (cached for the run like `feeSchedule`), with at most
    /// `concurrency` calls in flight. Each condition gets its own answer
    /// or error; a failed fee read is left to `feeSchedule`.
    func markets(conditionIDs: [String], concurrency: Int) -> [String: Result<VenueMarket?, VenueError>]
    /// `books(tokenIDs:)` for many tokens, with at most `concurrency` calls in flight.
    func books(tokenIDs: [String], concurrency: Int) throws(VenueError) -> [String: VenueBook]
    /// Builds and signs an order (live only). No I/O besides reading the wallet (and deriving its
    /// API credentials once).
    func sign(_ request: OrderRequest) throws(VenueError) -> SignedVenueOrder
    /// Posts once. Never retried by the adapter when the answer proves nothing.
    func post(_ order: SignedVenueOrder) -> VenuePostResult
    /// The same single post, packed to run on another thread (`execute`'s parallel posts): what it
    /// needs is captured now, on the job's thread, and it shares no connection with the venue.
    func detachedPost(_ order: SignedVenueOrder) -> @Sendable () -> VenuePostResult
    /// The order by its hash with `wallet`'s credentials; nil when the venue does not know it.
    func order(hash: String, wallet: String) throws(VenueError) -> VenueOrder?
    /// The trades that filled the order `hash` (as taker or maker).
    func trades(orderHash hash: String, market conditionID: String?, wallet: String) throws(VenueError)
        -> [VenueTrade]
    /// Every trade of `wallet` matched after `after` (nil: all), one paging read for the whole
    /// wallet, matched against `orderHashes`: the parts that filled each of them (as taker or
    /// maker), keyed by the lower-cased hash. Sync reads once per wallet, never once per order.
    func trades(wallet: String, orderHashes: Set<String>, after: Date?) throws(VenueError) -> [String: [VenueTrade]]
    /// Cancels a resting order; true when the venue says it was cancelled.
    func cancel(orderHash hash: String, wallet: String) throws(VenueError) -> Bool
    /// Collateral (no token) or a conditional token's balance of `wallet`'s funds.
    func balance(wallet: String, tokenID: String?) throws(VenueError) -> Fixed6
}

extension TradingVenue {
    /// One call after another: for a venue with no way to overlap them.
    public func markets(conditionIDs: [String], concurrency: Int) -> [String: Result<VenueMarket?, VenueError>] {
        var out: [String: Result<VenueMarket?, VenueError>] = [:]
        for cid in Set(conditionIDs) {
            out[cid] = Result { () throws(VenueError) in try market(conditionID: cid) }
            if case .success(let m?) = out[cid], m.acceptingOrders { _ = try? feeSchedule(conditionID: cid) }
        }
        return out
    }

    public func books(tokenIDs: [String], concurrency: Int) throws(VenueError) -> [String: VenueBook] {
        try books(tokenIDs: tokenIDs)
    }
}
