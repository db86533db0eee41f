/// One price level of an order book.
public struct BookLevel: Sendable, Hashable, Codable {
    public var price: Fixed6
    public var size: Fixed6

    public init(price: Fixed6, size: Fixed6) {
        self.price = price
        self.size = size
    }
}

/// The result of walking a book: what a taker order would get. Exact in micro-units: each level's
/// cost is `shares × price` rounded up to a micro (the taker pays at least the exact product), and a
/// partly taken level takes the most whole micro-shares whose cost fits the remaining budget.
public struct BookFill: Sendable, Hashable {
    public var shares: Fixed6
    public var usd: Fixed6
    /// `usd / shares`, half-even to a micro; nil when nothing filled.
    public var vwap: Fixed6?

    public static let empty = BookFill(shares: .zero, usd: .zero, vwap: nil)
}

/// Book walking for BUYs (shadow fills and depth checks).
public enum BookWalk {
    /// Asks sorted best (lowest) first with empty or nonsensical levels dropped. The venue sends asks
    /// descending (best last, polymarket-protocol.md §6); sorting here makes the policy independent
    /// of the adapter's order.
    public static func normalizedAsks(_ asks: [BookLevel]) -> [BookLevel] {
        asks.filter { $0.price > .zero && $0.size > .zero }.sorted { $0.price < $1.price }
    }

    /// Walks `asks` best-first, taking levels priced at or below `limitPrice`, until `maxUsd` is spent:
    /// how the venue fills a marketable BUY (polymarket-protocol.md §5.8). It spends the order's
    /// collateral (its maker amount: all of it for FOK, what the book allows at ≤ the limit for FAK)
    /// and price improvement comes back as extra shares. A whole level costs `size × price` rounded
    /// up to a micro; the level where the money runs out buys `remaining ÷ price` shares rounded down
    /// to a micro-share and takes all of the remaining money.
    public static func buy(asks: [BookLevel], limitPrice: Fixed6, maxUSD: Fixed6) -> BookFill {
        var shares = Fixed6.zero
        var usd = Fixed6.zero
        for level in normalizedAsks(asks) {
            guard level.price <= limitPrice else { break }
            let remaining = maxUSD - usd
            guard remaining > .zero else { break }
            let levelCost = level.size.multiplied(by: level.price, rounding: .ceiling)
            if levelCost <= remaining {
                shares += level.size
                usd += levelCost
            } else {
                // Prices are < 1, so a positive remainder always buys at least a micro-share.
                let take = remaining.divided(by: level.price, rounding: .floor)
                guard take > .zero else { break }
                shares += take
                usd = maxUSD
                break
            }
        }
        guard shares > .zero else { return .empty }
        return BookFill(shares: shares, usd: usd, vwap: usd.divided(by: shares, rounding: .halfEven))
    }

    /// Shares offered at or below `limitPrice`.
    public static func depthShares(asks: [BookLevel], limitPrice: Fixed6) -> Fixed6 {
        normalizedAsks(asks).filter { $0.price <= limitPrice }.reduce(Fixed6.zero) { $0 + $1.size }
    }

    /// USD cost of all asks at or below `limitPrice`.
    public static func depthUSD(asks: [BookLevel], limitPrice: Fixed6) -> Fixed6 {
        var total = Fixed6.zero
        for level in normalizedAsks(asks) where level.price <= limitPrice {
            total += level.size.multiplied(by: level.price, rounding: .ceiling)
        }
        return total
    }
}

/// FOK or FAK (design §4): fill-or-kill up to `fak_threshold_usd` (default $100), where a partial
/// fill is not worth its fees and noise; fill-and-kill above, where all-or-nothing would miss too
/// often on thin books.
public enum OrderTypePolicy {
    public static let defaultFakThresholdUSD = Fixed6(100)

    public static func choose(amountUSD: Fixed6, fakThresholdUSD: Fixed6?) -> OrderType {
        amountUSD <= (fakThresholdUSD ?? defaultFakThresholdUSD) ? .fok : .fak
    }
}

/// The market's trading rules as the venue reports them with the book.
public struct VenueRules: Sendable, Hashable {
    public var tickSize: Fixed6
    /// Minimum order size in shares.
    public var minOrderSize: Fixed6

    public init(tickSize: Fixed6, minOrderSize: Fixed6) {
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
    }
}

/// A BUY that passed price protection and the venue rules: the numbers to sign.
public struct ProtectedBuy: Sendable, Hashable {
    /// On the tick grid, in [tick, 1 − tick]. The worst price the order accepts.
    public let limitPrice: Fixed6
    /// Whole cents: the collateral the market order offers (its maker amount), which the venue
    /// spends in full on a FOK fill.
    public let amountUSD: Fixed6
    /// Shares the order asks for, its taker amount: amount ÷ limit rounded down to the market
    /// order's taker decimals (at most 4, §5.8). A fill below the limit gets more shares than this.
    public let shares: Fixed6
    public let bestAsk: Fixed6
    /// USD available at or below the limit price.
    public let depthUSD: Fixed6
    /// What the amount buys walking the current book at ≤ the limit (the shadow fill; an estimate
    /// for live orders): the whole amount for a FOK, what the book allows for a FAK.
    public let expectedFill: BookFill
}

/// Price protection against the signal price, venue rules and depth (design §4).
public enum PriceProtection {
    /// The venue's minimum collateral for a market (FOK/FAK) BUY (polymarket-protocol.md §5.8). The
    /// book's `min_order_size` share minimum applies to limit orders only.
    public static let marketOrderMinimumUSD = Fixed6(1)

    /// Decimals the venue accepts in a market order's taker amount, whatever the tick (§5.8).
    public static let marketTakerMaxDecimals = 4

    /// Amount decimals for a tick (polymarket-protocol.md §5.1): the tick's price decimals + 2.
    public static func amountDecimals(tick: Fixed6) -> Int { Swift.min(6, tick.fractionalDigits + 2) }

    /// Decimals of a market order's taker amount: the tick's amount decimals, capped at 4 (§5.8).
    public static func marketTakerDecimals(tick: Fixed6) -> Int {
        Swift.min(marketTakerMaxDecimals, amountDecimals(tick: tick))
    }

    /// The shares a market BUY of `amountUsd` at `limitPrice` asks for (its taker amount).
    public static func shares(amountUSD: Fixed6, limitPrice: Fixed6, tick: Fixed6) -> Fixed6 {
        amountUSD.divided(by: limitPrice, rounding: .floor).rounded(toPlaces: marketTakerDecimals(tick: tick), .floor)
    }

    /// True for the order types the venue treats as market orders (its $1 minimum applies).
    public static func isMarketOrder(_ type: OrderType) -> Bool { type == .fok || type == .fak }

    /// The protected BUY limit: `signal × (1 + bps/10 000)`, rounded DOWN to the tick so slippage
    /// never exceeds the strategy's limit, capped at `1 − tick` (the venue's maximum price).
    public static func limitPrice(signalPrice: Fixed6, maxSlippageBps: Int, tickSize: Fixed6) -> Fixed6 {
        let factor = Fixed6(micros: Fixed6.scale + Int64(Swift.max(0, maxSlippageBps)) * 100)
        let raw = signalPrice.multiplied(by: factor, rounding: .down)
        let onTick = raw.rounded(toMultipleOf: tickSize, .floor)
        return Swift.min(onTick, Fixed6.one - tickSize)
    }

    /// - Parameters:
    ///   - asks: the book's asks in any order (normalized best-first here).
    ///   - maxSlippageBps: nil means 0: the order may not pay more than the signal price.
    public static func protect(
        asks: [BookLevel], signalPrice: Fixed6, maxSlippageBps: Int?, rules: VenueRules, amountUSD: Fixed6,
        orderType: OrderType
    ) -> Result<ProtectedBuy, Skip> {
        let tick = rules.tickSize
        guard tick > .zero, tick < .one else {
            return .failure(Skip(.priceOutOfRange, "market tick size \(tick) is not usable"))
        }
        let limit = limitPrice(signalPrice: signalPrice, maxSlippageBps: maxSlippageBps ?? 0, tickSize: tick)
        guard limit >= tick else {
            return .failure(
                Skip(.priceOutOfRange, "limit \(limit) for signal \(signalPrice) is below tick \(tick)"))
        }
        let book = BookWalk.normalizedAsks(asks)
        guard let best = book.first?.price else { return .failure(Skip(.emptyBook, "no asks")) }
        guard best <= limit else {
            let why = "best ask \(best) > limit \(limit) (signal \(signalPrice), \(maxSlippageBps ?? 0) bps)"
            return .failure(Skip(.priceMoved, why))
        }
        let amount = amountUSD.rounded(toMultipleOf: Sizing.cent, .floor)
        let shares = shares(amountUSD: amount, limitPrice: limit, tick: tick)
        // The venue's minimum depends on the order type (§5.8): $1 of collateral for a market order,
        // `min_order_size` shares for a limit order.
        if isMarketOrder(orderType) {
            guard amount >= marketOrderMinimumUSD, shares > .zero else {
                return .failure(
                    Skip(
                        .belowMinSize,
                        "\(orderType.rawValue) for $\(amount) < the venue's market-order minimum $\(marketOrderMinimumUSD)"
                    ))
            }
        } else {
            guard shares >= rules.minOrderSize, shares > .zero else {
                return .failure(
                    Skip(.belowMinSize, "\(shares) shares at \(limit) < market minimum \(rules.minOrderSize)"))
            }
        }
        // The venue fills a marketable BUY by its collateral at prices up to the limit: a FOK needs
        // asks worth the whole amount there.
        let depthUSD = BookWalk.depthUSD(asks: book, limitPrice: limit)
        if orderType == .fok, depthUSD < amount {
            return .failure(
                Skip(.insufficientDepth, "FOK for $\(amount) but only $\(depthUSD) offered at ≤ \(limit)"))
        }
        let fill = BookWalk.buy(asks: book, limitPrice: limit, maxUSD: amount)
        return .success(
            ProtectedBuy(
                limitPrice: limit, amountUSD: amount, shares: shares, bestAsk: best, depthUSD: depthUSD,
                expectedFill: fill))
    }
}
