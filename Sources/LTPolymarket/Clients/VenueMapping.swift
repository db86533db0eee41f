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
                orderId: a.orderID, matched: a.status == .matched, makingUsd: a.makingAmount,
                takingShares: a.takingAmount)
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
            conditionId: conditionID,
            tokens: tokens.map { TokenResolution.MarketToken(tokenId: $0.tokenID, outcome: $0.outcome) },
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
            tokenId: assetID, asks: asks, tickSize: tickSize, minOrderSize: minOrderSize, negRisk: negRisk)
    }
}
