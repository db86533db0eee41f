/// Whether the amounts a POST answer reports are a fill worth booking (issue 8 item 8). The answer
/// is provisional — the fills of record come from trades — and a venue or proxy that mangles it
/// must never book a fill of the wrong size: an answer that fails here is booked as SUBMITTED (the
/// cash stays locked) for sync-order-status to settle from the trades.
public enum FillSanity {
    /// What the order asked for.
    public struct Request: Sendable, Hashable {
        public var side: Side
        public var limitPrice: Fixed6
        public var tickSize: Fixed6
        /// BUY: the collateral signed (maker amount). SELL: the proceeds floor is not checked.
        public var amountUSD: Fixed6
        /// SELL: the shares signed (maker amount). BUY: the taker amount (a floor, not a cap: the
        /// venue returns price improvement as extra shares, polymarket-protocol.md §5.8).
        public var shares: Fixed6

        public init(side: Side, limitPrice: Fixed6, tickSize: Fixed6, amountUSD: Fixed6, shares: Fixed6) {
            self.side = side
            self.limitPrice = limitPrice
            self.tickSize = tickSize
            self.amountUSD = amountUSD
            self.shares = shares
        }
    }

    public struct Fill: Sendable, Hashable {
        public var usd: Fixed6
        public var shares: Fixed6
        /// usd / shares, half-even to a micro.
        public var price: Fixed6
    }

    /// BUY answers report makingAmount = USD spent, takingAmount = shares received; SELL the other
    /// way round. Returns the fill, or why it is not believable.
    public static func check(making: Fixed6?, taking: Fixed6?, request r: Request) -> Result<Fill, Rejection> {
        guard let making, let taking else { return .failure(Rejection("the answer reports no amounts")) }
        let usd = r.side == .buy ? making : taking
        let shares = r.side == .buy ? taking : making
        guard usd.isPositive, shares.isPositive else {
            return .failure(Rejection("the answer reports usd \(usd) for shares \(shares)"))
        }
        let price = usd.divided(by: shares, rounding: .halfEven)
        // One tick of slack: the venue's amounts are rounded to its own decimals.
        switch r.side {
        case .buy:
            guard usd <= r.amountUSD else {
                return .failure(Rejection("usd \(usd) exceeds the \(r.amountUSD) signed"))
            }
            guard price.isPositive, price <= r.limitPrice + r.tickSize else {
                return .failure(Rejection("price \(price) is outside (0, limit \(r.limitPrice)]"))
            }
        case .sell:
            guard shares <= r.shares else {
                return .failure(Rejection("shares \(shares) exceed the \(r.shares) signed"))
            }
            guard price < .one + r.tickSize, price + r.tickSize >= r.limitPrice else {
                return .failure(Rejection("price \(price) is outside [limit \(r.limitPrice), 1)"))
            }
        }
        return .success(Fill(usd: usd, shares: shares, price: price))
    }

    public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
