import LTCore
import LTHTTP

// Conversions from the clients' venue models to the ports LTCore's jobs declare
// (ExecutePorts.swift), so an adapter over ClobClient is a few lines of wiring.

extension PostOrderOutcome {
    /// The job-level meaning of this answer.
    public var venuePostResult: VenuePostResult {
        switch self {
        case .accepted(let a):
            return .accepted(
                orderID: a.orderID, matched: a.status == .matched, making: a.makingAmount, taking: a.takingAmount,
                tradeIDs: a.tradeIDs)
        case .unfilled(_, let reason): return .unfilled(reason: reason)
        case .rejected(let reason, _): return .rejected(reason: reason)
        case .retryable(let reason, _): return .notPlaced(reason: reason)
        case .unknown(let reason): return .unknown(reason: reason)
        }
    }
}

extension HTTPError {
    /// For reads: a body that does not parse is `malformed`; everything else means the venue is not
    /// answering usefully right now (`unavailable`).
    public var venueError: VenueError {
        switch self {
        case .malformedBody: return VenueError(.malformed, description)
        case .transport, .status: return VenueError(.unavailable, description)
        }
    }
}

extension ClobMarket {
    /// Accepting orders only when open, active, not archived, with an order book.
    public var venueMarket: VenueMarket {
        VenueMarket(
            conditionID: conditionID,
            tokens: tokens.map { TokenResolution.MarketToken(tokenID: $0.tokenID, outcome: $0.outcome) },
            acceptingOrders: acceptingOrders && active && !closed && !archived && enableOrderBook,
            negRisk: negRisk, title: question, slug: marketSlug)
    }
}

extension OrderBook {
    /// The book with its market rules; nil when the venue left out the tick or the minimum size
    /// (deciding without them could send an order the venue must reject).
    public var venueBook: VenueBook? {
        guard let tickSize, let minOrderSize, tickSize.isPositive else { return nil }
        return VenueBook(
            tokenID: assetID, asks: asks, bids: bids, tickSize: tickSize, minOrderSize: minOrderSize,
            negRisk: negRisk)
    }
}

extension OpenOrder {
    public var venueOrder: VenueOrder {
        VenueOrder(id: id, status: normalizedStatus, sizeMatched: sizeMatched, tradeIDs: associateTrades)
    }
}

extension Trade {
    /// The part of this trade that filled order `orderID` (as taker or as a maker), or nil when the
    /// order is not in it. A maker fill trades at its own order's price.
    public func venueTrade(forOrder orderID: String) -> VenueTrade? {
        let settlement = Settlement(venueStatus: status)
        let bps = feeRateBps.flatMap { Int($0) }
        // The trade carries a fee rate, not an amount: the fee is computed from it (TradeFee).
        if takerOrderID.caseInsensitiveCompare(orderID) == .orderedSame {
            return VenueTrade(
                id: id, price: price, shares: size, fee: TradeFee.fee(shares: size, rateBps: feeRateBps),
                feeRateBps: bps, settlement: settlement, transactionHash: transactionHash)
        }
        let makers = makerOrders.filter { $0.orderID.caseInsensitiveCompare(orderID) == .orderedSame }
        guard let first = makers.first else { return nil }
        let shares = makers.reduce(Fixed6.zero) { $0 + $1.matchedAmount }
        let fee = makers.reduce(Fixed6?.some(.zero)) { sum, m in
            guard let sum, let f = TradeFee.fee(shares: m.matchedAmount, rateBps: m.feeRateBps) else { return nil }
            return sum + f
        }
        return VenueTrade(
            id: id, price: first.price, shares: shares, fee: fee, feeRateBps: first.feeRateBps.flatMap { Int($0) },
            settlement: settlement, transactionHash: transactionHash)
    }
}
