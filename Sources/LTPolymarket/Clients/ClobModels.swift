import Foundation
import LTCore

/// Book levels are LTCore's `BookLevel` (what the book-walking policies take); it decodes the
/// venue's `{"price": "0.5", "size": "100"}` (strings or numbers) through `Fixed6`.
/// `GET /book` / `POST /books`. The venue sends bids ascending and asks descending (best LAST);
/// `bids`/`asks` keep that wire order, and the `…BestFirst` views are sorted by price so callers
/// never depend on the venue's ordering.
public struct OrderBook: Sendable, Hashable, Decodable {
    /// Condition id.
    public var market: String
    /// Token id.
    public var assetID: String
    /// Epoch milliseconds, as sent.
    public var timestamp: String?
    public var hash: String?
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var minOrderSize: Fixed6?
    public var tickSize: Fixed6?
    public var negRisk: Bool
    public var lastTradePrice: Fixed6?

    public init(
        market: String, assetID: String, timestamp: String? = nil, hash: String? = nil, bids: [BookLevel],
        asks: [BookLevel], minOrderSize: Fixed6? = nil, tickSize: Fixed6? = nil, negRisk: Bool = false,
        lastTradePrice: Fixed6? = nil
    ) {
        self.market = market
        self.assetID = assetID
        self.timestamp = timestamp
        self.hash = hash
        self.bids = bids
        self.asks = asks
        self.minOrderSize = minOrderSize
        self.tickSize = tickSize
        self.negRisk = negRisk
        self.lastTradePrice = lastTradePrice
    }

    /// Bids, highest price first.
    public var bidsBestFirst: [BookLevel] { bids.sorted { $0.price > $1.price } }
    /// Asks, lowest price first.
    public var asksBestFirst: [BookLevel] { asks.sorted { $0.price < $1.price } }
    public var bestBid: BookLevel? { bids.max { $0.price < $1.price } }
    public var bestAsk: BookLevel? { asks.min { $0.price < $1.price } }

    enum CodingKeys: String, CodingKey {
        case market, asset_id, timestamp, hash, bids, asks, min_order_size, tick_size, neg_risk, last_trade_price
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        market = try c.looseString(.market) ?? ""
        assetID = try c.requiredString(.asset_id, of: "book")
        timestamp = try c.looseString(.timestamp)
        hash = try c.looseString(.hash)
        bids = try c.decodeIfPresent([BookLevel].self, forKey: .bids) ?? []
        asks = try c.decodeIfPresent([BookLevel].self, forKey: .asks) ?? []
        minOrderSize = try c.decimalIfPresent(.min_order_size)
        tickSize = try c.decimalIfPresent(.tick_size)
        negRisk = try c.looseBool(.neg_risk)
        lastTradePrice = try c.decimalIfPresent(.last_trade_price)
    }
}

/// One outcome token of a CLOB market.
public struct ClobToken: Sendable, Hashable, Decodable {
    public var tokenID: String
    public var outcome: String
    public var price: Fixed6?
    /// True only for the winning outcome of a resolved market.
    public var winner: Bool

    public init(tokenID: String, outcome: String, price: Fixed6? = nil, winner: Bool = false) {
        self.tokenID = tokenID
        self.outcome = outcome
        self.price = price
        self.winner = winner
    }

    enum CodingKeys: String, CodingKey { case token_id, outcome, price, winner }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokenID = try c.looseString(.token_id) ?? ""
        outcome = try c.looseString(.outcome) ?? ""
        price = try c.decimalIfPresent(.price)
        winner = try c.looseBool(.winner)
    }
}

/// `GET /markets/{condition_id}` (the fields `lt` uses).
public struct ClobMarket: Sendable, Hashable, Decodable {
    public var conditionID: String
    public var questionID: String?
    public var question: String?
    public var marketSlug: String?
    public var tokens: [ClobToken]
    public var active: Bool
    public var closed: Bool
    public var archived: Bool
    public var acceptingOrders: Bool
    public var enableOrderBook: Bool
    public var minimumOrderSize: Fixed6?
    public var minimumTickSize: Fixed6?
    public var negRisk: Bool
    public var endDateISO: String?

    public init(
        conditionID: String, questionID: String? = nil, question: String? = nil, marketSlug: String? = nil,
        tokens: [ClobToken], active: Bool = true, closed: Bool = false, archived: Bool = false,
        acceptingOrders: Bool = true, enableOrderBook: Bool = true, minimumOrderSize: Fixed6? = nil,
        minimumTickSize: Fixed6? = nil, negRisk: Bool = false, endDateISO: String? = nil
    ) {
        self.conditionID = conditionID
        self.questionID = questionID
        self.question = question
        self.marketSlug = marketSlug
        self.tokens = tokens
        self.active = active
        self.closed = closed
        self.archived = archived
        self.acceptingOrders = acceptingOrders
        self.enableOrderBook = enableOrderBook
        self.minimumOrderSize = minimumOrderSize
        self.minimumTickSize = minimumTickSize
        self.negRisk = negRisk
        self.endDateISO = endDateISO
    }

    /// The token whose outcome label matches `label` (case-insensitive, e.g. "Yes").
    public func token(outcome label: String) -> ClobToken? {
        tokens.first { $0.outcome.caseInsensitiveCompare(label) == .orderedSame }
    }

    /// The winning token, when the market is closed and exactly one token is marked winner.
    public var winningToken: ClobToken? {
        let winners = tokens.filter(\.winner)
        return closed && winners.count == 1 ? winners[0] : nil
    }

    enum CodingKeys: String, CodingKey {
        case condition_id, question_id, question, market_slug, tokens, active, closed, archived
        case accepting_orders, enable_order_book, minimum_order_size, minimum_tick_size, neg_risk, end_date_iso
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        conditionID = try c.requiredString(.condition_id, of: "market")
        questionID = try c.looseString(.question_id)
        question = try c.looseString(.question)
        marketSlug = try c.looseString(.market_slug)
        tokens = try c.decodeIfPresent([ClobToken].self, forKey: .tokens) ?? []
        active = try c.looseBool(.active, default: true)
        closed = try c.looseBool(.closed)
        archived = try c.looseBool(.archived)
        acceptingOrders = try c.looseBool(.accepting_orders, default: true)
        enableOrderBook = try c.looseBool(.enable_order_book, default: true)
        minimumOrderSize = try c.decimalIfPresent(.minimum_order_size)
        minimumTickSize = try c.decimalIfPresent(.minimum_tick_size)
        negRisk = try c.looseBool(.neg_risk)
        endDateISO = try c.looseString(.end_date_iso)
    }
}

/// `GET /data/order/{id}`: an order as the venue sees it.
public struct OpenOrder: Sendable, Hashable, Decodable {
    public var id: String
    /// Free text as sent (e.g. LIVE, MATCHED, CANCELED…); see `isResting`/`isCanceled`.
    public var status: String
    public var owner: String?
    public var makerAddress: String?
    public var market: String?
    public var assetID: String?
    public var side: Side?
    public var originalSize: Fixed6
    public var sizeMatched: Fixed6
    public var price: Fixed6?
    public var outcome: String?
    public var orderType: String?
    public var associateTrades: [String]
    public var createdAt: String?
    public var expiration: String?

    public init(
        id: String, status: String, owner: String? = nil, makerAddress: String? = nil, market: String? = nil,
        assetID: String? = nil, side: Side? = nil, originalSize: Fixed6, sizeMatched: Fixed6, price: Fixed6? = nil,
        outcome: String? = nil, orderType: String? = nil, associateTrades: [String] = [], createdAt: String? = nil,
        expiration: String? = nil
    ) {
        self.id = id
        self.status = status
        self.owner = owner
        self.makerAddress = makerAddress
        self.market = market
        self.assetID = assetID
        self.side = side
        self.originalSize = originalSize
        self.sizeMatched = sizeMatched
        self.price = price
        self.outcome = outcome
        self.orderType = orderType
        self.associateTrades = associateTrades
        self.createdAt = createdAt
        self.expiration = expiration
    }

    /// Status without a `ORDER_STATUS_` prefix, upper-cased.
    public var normalizedStatus: String {
        let s = status.uppercased()
        return s.hasPrefix("ORDER_STATUS_") ? String(s.dropFirst("ORDER_STATUS_".count)) : s
    }

    /// Still on the book (can fill further).
    public var isResting: Bool { normalizedStatus == "LIVE" }
    /// Any CANCELED… status: no further fills.
    public var isCanceled: Bool { normalizedStatus.hasPrefix("CANCELED") || normalizedStatus == "CANCELLED" }

    enum CodingKeys: String, CodingKey {
        case id, status, owner, maker_address, market, asset_id, side, original_size, size_matched, price
        case outcome, order_type, associate_trades, created_at, expiration
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.looseString(.id) ?? ""
        status = try c.looseString(.status) ?? ""
        owner = try c.looseString(.owner)
        makerAddress = try c.looseString(.maker_address)
        market = try c.looseString(.market)
        assetID = try c.looseString(.asset_id)
        side = try c.looseString(.side).flatMap { Side(rawValue: $0.uppercased()) }
        originalSize = try c.decimalIfPresent(.original_size) ?? .zero
        sizeMatched = try c.decimalIfPresent(.size_matched) ?? .zero
        price = try c.decimalIfPresent(.price)
        outcome = try c.looseString(.outcome)
        orderType = try c.looseString(.order_type)
        associateTrades = try c.decodeIfPresent([String].self, forKey: .associate_trades) ?? []
        createdAt = try c.looseString(.created_at)
        expiration = try c.looseString(.expiration)
    }
}

/// A maker order matched against in a trade.
public struct MakerOrderFill: Sendable, Hashable, Decodable {
    public var orderID: String
    public var assetID: String?
    public var makerAddress: String?
    public var owner: String?
    public var side: Side?
    public var price: Fixed6
    public var matchedAmount: Fixed6
    public var outcome: String?
    public var feeRateBps: String?

    enum CodingKeys: String, CodingKey {
        case order_id, asset_id, maker_address, owner, side, price, matched_amount, outcome, fee_rate_bps
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try c.looseString(.order_id) ?? ""
        assetID = try c.looseString(.asset_id)
        makerAddress = try c.looseString(.maker_address)
        owner = try c.looseString(.owner)
        side = try c.looseString(.side).flatMap { Side(rawValue: $0.uppercased()) }
        price = try c.decimal(.price)
        matchedAmount = try c.decimal(.matched_amount)
        outcome = try c.looseString(.outcome)
        feeRateBps = try c.looseString(.fee_rate_bps)
    }
}

/// `GET /data/trades` row.
public struct Trade: Sendable, Hashable, Decodable {
    public var id: String
    public var takerOrderID: String
    public var market: String?
    public var assetID: String?
    public var side: Side?
    public var size: Fixed6
    public var price: Fixed6
    public var feeRateBps: String?
    /// As sent (may carry a `TRADE_STATUS_` prefix); see `normalizedStatus`.
    public var status: String
    public var matchTime: String?
    public var lastUpdate: String?
    public var outcome: String?
    public var owner: String?
    public var makerAddress: String?
    public var transactionHash: String?
    /// "TAKER" or "MAKER": which side of this trade our order was on.
    public var traderSide: String?
    public var makerOrders: [MakerOrderFill]

    /// MATCHED, MINED, CONFIRMED, RETRYING, FAILED… without the `TRADE_STATUS_` prefix.
    public var normalizedStatus: String {
        let s = status.uppercased()
        return s.hasPrefix("TRADE_STATUS_") ? String(s.dropFirst("TRADE_STATUS_".count)) : s
    }

    /// CONFIRMED or FAILED: the trade's settlement will not change any more.
    public var isFinal: Bool { normalizedStatus == "CONFIRMED" || normalizedStatus == "FAILED" }

    /// The shares of this trade that filled order `orderID`: the whole size when it was the taker,
    /// the maker order's matched amount when it was a maker; nil when the order is not in it.
    public func matchedSize(forOrder orderID: String) -> Fixed6? {
        if takerOrderID.caseInsensitiveCompare(orderID) == .orderedSame { return size }
        let makers = makerOrders.filter { $0.orderID.caseInsensitiveCompare(orderID) == .orderedSame }
        return makers.isEmpty ? nil : makers.reduce(Fixed6.zero) { $0 + $1.matchedAmount }
    }

    enum CodingKeys: String, CodingKey {
        case id, taker_order_id, market, asset_id, side, size, price, fee_rate_bps, status, match_time
        case last_update, outcome, owner, maker_address, transaction_hash, trader_side, maker_orders
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.looseString(.id) ?? ""
        takerOrderID = try c.looseString(.taker_order_id) ?? ""
        market = try c.looseString(.market)
        assetID = try c.looseString(.asset_id)
        side = try c.looseString(.side).flatMap { Side(rawValue: $0.uppercased()) }
        size = try c.decimal(.size)
        price = try c.decimal(.price)
        feeRateBps = try c.looseString(.fee_rate_bps)
        status = try c.looseString(.status) ?? ""
        matchTime = try c.looseString(.match_time)
        lastUpdate = try c.looseString(.last_update)
        outcome = try c.looseString(.outcome)
        owner = try c.looseString(.owner)
        makerAddress = try c.looseString(.maker_address)
        transactionHash = try c.looseString(.transaction_hash)
        traderSide = try c.looseString(.trader_side)
        makerOrders = try c.decodeIfPresent([MakerOrderFill].self, forKey: .maker_orders) ?? []
    }
}

/// Filters for `GET /data/trades`; nil fields are not sent.
public struct TradeQuery: Sendable, Hashable {
    public var id: String?
    public var market: String?
    public var assetID: String?
    public var makerAddress: String?
    public var before: String?
    public var after: String?

    public init(
        id: String? = nil, market: String? = nil, assetID: String? = nil, makerAddress: String? = nil,
        before: String? = nil, after: String? = nil
    ) {
        self.id = id
        self.market = market
        self.assetID = assetID
        self.makerAddress = makerAddress
        self.before = before
        self.after = after
    }

    var queryItems: [(String, String)] {
        [
            ("id", id), ("market", market), ("asset_id", assetID), ("maker_address", makerAddress),
            ("before", before), ("after", after),
        ].compactMap { k, v in v.map { (k, $0) } }
    }
}

/// `DELETE /order` answer.
public struct CancelResult: Sendable, Hashable, Decodable {
    public var canceled: [String]
    /// Order id → the venue's reason.
    public var notCanceled: [String: String]

    enum CodingKeys: String, CodingKey { case canceled, not_canceled }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        canceled = try c.decodeIfPresent([String].self, forKey: .canceled) ?? []
        notCanceled = try c.decodeIfPresent([String: String].self, forKey: .not_canceled) ?? [:]
    }
}

/// `GET /clob-markets/{condition_id}` (compact): only what lt reads — the fee schedule `fd`
/// (`{"r": rate, "e": exponent, "to": taker only}`, polymarket-protocol.md §5.7).
public struct CompactMarket: Sendable, Hashable, Decodable {
    public var feeSchedule: FeeSchedule

    enum CodingKeys: String, CodingKey { case fd }
    enum FeeKeys: String, CodingKey { case r, e, to }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.fd), try !c.decodeNil(forKey: .fd) else {
            feeSchedule = .free
            return
        }
        let fd = try c.nestedContainer(keyedBy: FeeKeys.self, forKey: .fd)
        let rate = try fd.decimalIfPresent(.r) ?? .zero
        let exponentValue = try fd.decimalIfPresent(.e) ?? .zero
        guard !rate.isNegative, !exponentValue.isNegative, exponentValue.micros % 1_000_000 == 0,
            exponentValue <= Fixed6(8)
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: fd.codingPath, debugDescription: "fee schedule r \(rate), e \(exponentValue)"))
        }
        let takerOnly = fd.contains(.to) ? try fd.looseBool(.to) : true
        feeSchedule = FeeSchedule(rate: rate, exponent: Int(exponentValue.micros / 1_000_000), takerOnly: takerOnly)
    }
}
