import LTCore

/// makerAmount / takerAmount (6-decimal base units) from side, price and size, with the exact
/// decimal algorithm of the unified SDK (protocol §5.3–5.5; `order_amounts.json` → `unified`).
///
/// The algorithm, all in exact rational arithmetic:
/// * limit: the price must lie on the tick grid; the size is truncated to 2 decimals; the
///   counter-amount is size × price, passed through `fix`.
/// * market: the price is truncated to the tick's price decimals (it may be off-grid: it comes from
///   a book walk or a protection limit); the amount is truncated to 2 decimals; BUY's shares are
///   amount ÷ price, SELL's dollars amount × price, through `fix`.
/// * `fix(v)`: if v has more than `amountDecimals` decimals, round up at amountDecimals + 4, then
///   down at amountDecimals. Python's Decimal does the division with 28 significant digits, but a
///   quotient of these operands is either exact at 10 decimals or at least 10⁻¹⁴ away from that
///   grid, so exact arithmetic gives the same result.
/// * market orders, then, the venue's caps (protocol §5.8, not in the SDKs' code): whatever the tick,
///   the venue accepts a market order's maker amount with at most 2 decimals and its taker amount
///   with at most 4, and rejects the SDK's 5–6 decimal takers on the fine ticks (0.001, 0.005,
///   0.0025, 0.0001) every time. The maker is already at 2 (`sizeDecimals`); the taker is truncated
///   to 4, so a BUY's derived price maker ÷ taker stays ≥ its limit and can still lift the ask.
public enum OrderAmounts {
    public typealias Amounts = (makerAmount: UInt64, takerAmount: UInt64)

    /// The venue's decimal caps for market (FOK/FAK) orders' amounts, on every tick (§5.8).
    public static let marketMakerMaxDecimals = 2
    public static let marketTakerMaxDecimals = 4

    public static func limit(side: Side, price: ExactDecimal, size: ExactDecimal, tick: TickSize)
        throws(OrderValidationError) -> Amounts
    {
        try checkRange(price: price, used: price, tick: tick)
        guard price.fits(places: tick.priceDecimals),
            price.floorUnits(places: 6) % Int128(tick.micros) == 0
        else { throw .priceNotOnTick(price: price.description, tick: tick.rawValue) }
        guard size.isPositive else { throw .nonPositiveSize(size.description) }
        let pd = tick.priceDecimals
        let p = price.floorUnits(places: pd)  // exact: checked on the grid above
        let s = size.floorUnits(places: tick.sizeDecimals)
        // size × price at scale 2 + pd.
        let counter = fix(numerator: s * p, denominator: pow10(tick.sizeDecimals + pd), places: tick.amountDecimals)
        let sizeUnits = try baseUnits(s, scale: tick.sizeDecimals, original: size)
        let counterUnits = try baseUnits(counter, scale: tick.amountDecimals, original: size)
        let amounts: Amounts = side == .buy ? (counterUnits, sizeUnits) : (sizeUnits, counterUnits)
        return try nonZero(amounts)
    }

    /// BUY `amount` is dollars to spend; SELL `amount` is shares to sell.
    public static func market(side: Side, price: ExactDecimal, amount: ExactDecimal, tick: TickSize)
        throws(OrderValidationError) -> Amounts
    {
        let pd = tick.priceDecimals
        let sd = min(tick.sizeDecimals, marketMakerMaxDecimals)  // 2 on every tick today
        // The range applies to the price actually used: a book-walk or protection price is truncated
        // to the tick's decimals first (0.995 at tick 0.01 trades as 0.99).
        try checkRange(price: price, used: ExactDecimal(units: price.floorUnits(places: pd), scale: pd), tick: tick)
        guard amount.isPositive else { throw .nonPositiveAmount(amount.description) }
        let p = price.floorUnits(places: pd)
        let m = amount.floorUnits(places: sd)
        let sdkCounter: Int128
        switch side {
        case .buy:  // shares = dollars ÷ price = (m / 10^sd) / (p / 10^pd)
            sdkCounter = fix(numerator: m * pow10(pd), denominator: p * pow10(sd), places: tick.amountDecimals)
        case .sell:  // dollars = shares × price
            sdkCounter = fix(numerator: m * p, denominator: pow10(sd + pd), places: tick.amountDecimals)
        }
        // The venue's cap, truncating (never rounding up) the SDK's value: see the type's comment.
        let takerScale = min(tick.amountDecimals, marketTakerMaxDecimals)
        let counter = sdkCounter / pow10(tick.amountDecimals - takerScale)
        let makerUnits = try baseUnits(m, scale: sd, original: amount)
        let takerUnits = try baseUnits(counter, scale: takerScale, original: amount)
        return try nonZero((makerUnits, takerUnits))
    }

    public static func limit(side: Side, price: Fixed6, size: Fixed6, tick: TickSize)
        throws(OrderValidationError) -> Amounts
    {
        try limit(side: side, price: ExactDecimal(price), size: ExactDecimal(size), tick: tick)
    }

    public static func market(side: Side, price: Fixed6, amount: Fixed6, tick: TickSize)
        throws(OrderValidationError) -> Amounts
    {
        try market(side: side, price: ExactDecimal(price), amount: ExactDecimal(amount), tick: tick)
    }

    /// The highest valid price for a tick: 1 − tick.
    public static func maxPrice(_ tick: TickSize) -> String {
        Fixed6(micros: 1_000_000 - tick.micros).plainText
    }

    /// `used` (the price after any truncation) must lie in [tick, 1 − tick]; errors quote `price`.
    private static func checkRange(price: ExactDecimal, used: ExactDecimal, tick: TickSize)
        throws(OrderValidationError)
    {
        let lo = tick.decimal
        let hi = ExactDecimal(units: Int128(1_000_000 - tick.micros), scale: 6)
        guard used >= lo, used <= hi else {
            throw .priceOutOfRange(price: price.description, min: tick.rawValue, max: maxPrice(tick))
        }
    }

    /// The `fix` step on the rational numerator / denominator (both positive), returning units at
    /// `places` decimals.
    static func fix(numerator: Int128, denominator: Int128, places: Int) -> Int128 {
        let scaled = numerator * pow10(places)
        if scaled % denominator == 0 { return scaled / denominator }
        let fine = numerator * pow10(places + 4)
        let ceilFine = (fine + denominator - 1) / denominator  // round_up at places + 4
        return ceilFine / 10_000  // round_down at places
    }

    /// Units at `scale` ≤ 6 decimals → 6-decimal base units (`parse_amount`, exact here).
    private static func baseUnits(_ units: Int128, scale: Int, original: ExactDecimal)
        throws(OrderValidationError) -> UInt64
    {
        let base: Int128
        if scale <= 6 {
            base = units * pow10(6 - scale)
        } else {  // half-even to 6 decimals; not reached with the six known ticks
            let d = pow10(scale - 6)
            let q = units / d
            let r = units % d
            base = r * 2 > d || (r * 2 == d && q % 2 == 1) ? q + 1 : q
        }
        guard base >= 0, base <= Int128(UInt64.max) else { throw .amountTooLarge(original.description) }
        return UInt64(base)
    }

    private static func nonZero(_ a: Amounts) throws(OrderValidationError) -> Amounts {
        guard a.makerAmount > 0, a.takerAmount > 0 else {
            throw .zeroAmount(makerAmount: a.makerAmount, takerAmount: a.takerAmount)
        }
        return a
    }
}
