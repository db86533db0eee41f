import BigInt
import LTCore

/// One consumed slice of a book level.
struct Fill: Sendable, Equatable {
    var price: Fixed6
    var shares: Fixed6
    var collateral: Fixed6
    /// The taker fee charged on this fill (collateral, on top of `collateral` for a BUY).
    var fee: Fixed6 = .zero
}

/// Pure matching arithmetic. Prices compare against an order's limit as the exact ratio of its
/// signed amounts (no rounded price ever decides whether a level is acceptable).
enum Matching {
    static let scale = Int128(Fixed6.scale)

    /// Whether a resting level at `price` is acceptable to an order with these signed amounts:
    /// a BUY pays at most makerAmount/takerAmount, a SELL takes at least takerAmount/makerAmount.
    static func acceptable(_ price: Fixed6, side: Side, makerAmount: Fixed6, takerAmount: Fixed6) -> Bool {
        let p = Int128(price.micros)
        let maker = Int128(makerAmount.micros)
        let taker = Int128(takerAmount.micros)
        switch side {
        case .buy: return p * taker <= maker * scale
        case .sell: return p * maker >= taker * scale
        }
    }

    /// shares × price in micros: a BUY pays the ceiling, a SELL receives the floor (the odd
    /// micro stays with the venue, never with the trader).
    static func value(shares: Fixed6, price: Fixed6, side: Side) -> Fixed6 {
        shares.multiplied(by: price, rounding: side == .buy ? .ceiling : .floor)
    }

    /// Walks the opposite side of the book (best first) for a taker order of `targetShares`,
    /// filling at each level's price (price improvement goes to the taker). Returns the fills
    /// and the levels left.
    static func take(
        levels: [PaperLevel], side: Side, makerAmount: Fixed6, takerAmount: Fixed6, targetShares: Fixed6
    ) -> (fills: [Fill], rest: [PaperLevel]) {
        var fills: [Fill] = []
        var rest = levels
        var remaining = targetShares
        var i = 0
        while i < rest.count, remaining.isPositive {
            let level = rest[i]
            guard acceptable(level.price, side: side, makerAmount: makerAmount, takerAmount: takerAmount) else {
                break
            }
            let shares = Swift.min(level.size, remaining)
            fills.append(
                Fill(
                    price: level.price, shares: shares,
                    collateral: value(shares: shares, price: level.price, side: side)))
            remaining -= shares
            rest[i].size -= shares
            if rest[i].size.isZero { rest.remove(at: i) } else { i += 1 }
        }
        // A BUY never pays more than it signed for, even after per-level ceiling rounding.
        if side == .buy {
            let paid = fills.reduce(Fixed6.zero) { $0 + $1.collateral }
            if paid > makerAmount, let last = fills.indices.last {
                fills[last].collateral -= paid - makerAmount
            }
        }
        return (fills, rest)
    }

    /// Walks the asks (best first) for a market BUY that spends collateral, as the venue fills
    /// FOK/FAK BUYs: at each acceptable level it buys what the collateral left affords, shares
    /// rounded down to the micro-unit; price improvement therefore comes back as extra shares. When
    /// the budget runs out inside a level the whole remainder is paid for those shares (the
    /// sub-micro leftover stays with the venue), so a fill that exhausts the budget spends exactly
    /// `budget`. Returns the fills, the levels left and the collateral not spent.
    static func takeByCollateral(
        levels: [PaperLevel], makerAmount: Fixed6, takerAmount: Fixed6, budget: Fixed6
    ) -> (fills: [Fill], rest: [PaperLevel], unspent: Fixed6) {
        var fills: [Fill] = []
        var rest = levels
        var left = budget
        var i = 0
        while i < rest.count, left.isPositive {
            let level = rest[i]
            guard acceptable(level.price, side: .buy, makerAmount: makerAmount, takerAmount: takerAmount) else {
                break
            }
            let affordable = Fixed6(
                micros: Int64(Int128(left.micros) * scale / Int128(level.price.micros)))
            guard affordable.isPositive else { break }
            let shares = Swift.min(level.size, affordable)
            // The whole level fits: pay its value (rounded up, never above `left` since shares ≤
            // left/price). The budget ends inside the level: pay all that is left.
            let cost = shares < affordable ? value(shares: shares, price: level.price, side: .buy) : left
            fills.append(Fill(price: level.price, shares: shares, collateral: cost))
            left -= cost
            rest[i].size -= shares
            if rest[i].size.isZero { rest.remove(at: i) } else { i += 1 }
        }
        return (fills, rest, left)
    }

    /// The V2 platform fee of one fill (protocol §5.7): `shares × rate × (p·(1−p))^exponent`,
    /// computed exactly and rounded UP to the micro-unit (the venue never undercharges).
    static func fee(shares: Fixed6, price: Fixed6, schedule: PaperFeeSchedule) -> Fixed6 {
        guard schedule.rate.isPositive, shares.isPositive else { return .zero }
        let (numerator, denominator) = feeRate(price: price, schedule: schedule)
        let n = BigUInt(shares.micros) * numerator
        let (q, r) = n.quotientAndRemainder(dividingBy: denominator)
        let micros = r.isZero ? q : q + 1
        return Fixed6(micros: Int64(micros))
    }

    /// `rate × (p·(1−p))^exponent` as an exact fraction (numerator, denominator).
    static func feeRate(price: Fixed6, schedule: PaperFeeSchedule) -> (BigUInt, BigUInt) {
        let p = BigUInt(price.micros)
        let q = BigUInt(Fixed6.scale - price.micros)
        let one = BigUInt(Fixed6.scale)
        let numerator = BigUInt(schedule.rate.micros) * (p * q).power(schedule.exponent)
        let denominator = one * (one * one).power(schedule.exponent)
        return (numerator, denominator)
    }

    /// The fee rate of a fill in basis points (rate × (p·(1−p))^e × 10⁴), as an exact decimal
    /// string: the trade's `fee_rate_bps`, from which fee = size × fee_rate_bps / 10⁴ (rounded up).
    static func feeRateBpsText(price: Fixed6, schedule: PaperFeeSchedule) -> String {
        guard schedule.rate.isPositive else { return "0" }
        let (n, d) = feeRate(price: price, schedule: schedule)
        let scaled = n * BigUInt(10_000)
        // d is a power of ten: print scaled / d with all its decimals, trailing zeros trimmed.
        let places = String(d).count - 1
        var digits = String(scaled)
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        let whole = String(digits.dropLast(places))
        var fraction = String(digits.suffix(places))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? whole : whole + "." + fraction
    }

    /// A resting order (maker) filled by liquidity a book move brought: it trades at its own
    /// price, and its last fill settles exactly the signed amounts.
    static func makerFills(
        levels: [PaperLevel], order: OrderRecord
    ) -> (fills: [Fill], rest: [PaperLevel]) {
        var fills: [Fill] = []
        var rest = levels
        var remaining = order.remaining
        var settled = order.collateralMatched
        let total = order.side == .buy ? order.makerAmount : order.takerAmount
        var i = 0
        while i < rest.count, remaining.isPositive {
            let level = rest[i]
            guard
                acceptable(
                    level.price, side: order.side, makerAmount: order.makerAmount, takerAmount: order.takerAmount)
            else { break }
            let shares = Swift.min(level.size, remaining)
            remaining -= shares
            let collateral: Fixed6
            if remaining.isZero {
                collateral = total - settled
            } else {
                // shares × total / originalSize, rounded against the trader.
                let n = Int128(shares.micros) * Int128(total.micros)
                let d = Int128(order.originalSize.micros)
                let q = Fixed6.divideForMatching(n, d, roundUp: order.side == .buy)
                collateral = Fixed6(micros: Int64(q))
            }
            settled += collateral
            fills.append(Fill(price: order.price, shares: shares, collateral: collateral))
            rest[i].size -= shares
            if rest[i].size.isZero { rest.remove(at: i) } else { i += 1 }
        }
        return (fills, rest)
    }
}

extension Fixed6 {
    static func divideForMatching(_ n: Int128, _ d: Int128, roundUp: Bool) -> Int128 {
        let q = n / d
        return roundUp && n % d != 0 ? q + 1 : q
    }
}
