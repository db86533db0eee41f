import LTCore

/// A market's minimum tick, with the rounding configuration of protocol §5.1. Only the six ticks the
/// official clients know exist; anything else is refused before an order is built.
public enum TickSize: String, Sendable, Hashable, Codable, CaseIterable {
    case tenth = "0.1"
    case hundredth = "0.01"
    case thousandth = "0.001"
    case tenThousandth = "0.0001"
    case fiveThousandths = "0.005"
    case twentyFiveTenThousandths = "0.0025"

    /// Accepts any spelling of one of the six values ("0.010", "0.01", " 0.01"), e.g. from
    /// `GET /tick-size` (number or string) or Gamma's `orderPriceMinTickSize`.
    public init(parsing text: String) throws(OrderValidationError) {
        guard let value = try? ExactDecimal(parsing: text),
            let tick = TickSize.allCases.first(where: { $0.decimal == value })
        else { throw .unknownTickSize(text) }
        self = tick
    }

    public init(_ value: Fixed6) throws(OrderValidationError) {
        guard let tick = TickSize.allCases.first(where: { $0.value == value }) else {
            throw .unknownTickSize(value.plainText)
        }
        self = tick
    }

    /// The tick as a Fixed6 (every tick has ≤ 4 decimals).
    public var value: Fixed6 { Fixed6(micros: micros) }

    public var decimal: ExactDecimal { ExactDecimal(units: Int128(micros), scale: 6) }

    var micros: Int64 {
        switch self {
        case .tenth: return 100_000
        case .hundredth: return 10_000
        case .thousandth: return 1_000
        case .tenThousandth: return 100
        case .fiveThousandths: return 5_000
        case .twentyFiveTenThousandths: return 2_500
        }
    }

    /// Decimals a price is rounded to.
    public var priceDecimals: Int {
        switch self {
        case .tenth: return 1
        case .hundredth: return 2
        case .thousandth, .fiveThousandths: return 3
        case .tenThousandth, .twentyFiveTenThousandths: return 4
        }
    }

    /// Decimals a size (shares, or a market BUY's dollars) is truncated to.
    public var sizeDecimals: Int { 2 }

    /// Decimals of the computed counter-amount (size × price or amount ÷ price).
    public var amountDecimals: Int { priceDecimals + 2 }
}

/// Why an order cannot be built. Raised before anything is signed; each case names the offending
/// value so an operator can see what the venue would have rejected.
public enum OrderValidationError: Error, Equatable, CustomStringConvertible {
    case unknownTickSize(String)
    case invalidNumber(String)
    case tooPrecise(String)
    case priceNotOnTick(price: String, tick: String)
    case priceOutOfRange(price: String, min: String, max: String)
    case nonPositiveSize(String)
    case nonPositiveAmount(String)
    case zeroAmount(makerAmount: UInt64, takerAmount: UInt64)
    case amountTooLarge(String)

    public var description: String {
        switch self {
        case .unknownTickSize(let t):
            return "invalid tick size (\(t)): must be one of "
                + TickSize.allCases.map(\.rawValue).joined(separator: ", ")
        case .invalidNumber(let t): return "'\(t)' is not a decimal number"
        case .tooPrecise(let t):
            return "'\(t)' has more digits than an order amount can carry "
                + "(at most \(ExactDecimal.maxIntegerDigits) integer and \(ExactDecimal.maxScale) fractional)"
        case .priceNotOnTick(let p, let t): return "price (\(p)) is not a multiple of the tick size (\(t))"
        case .priceOutOfRange(let p, let lo, let hi): return "invalid price (\(p)), min: \(lo) - max: \(hi)"
        case .nonPositiveSize(let s): return "size (\(s)) must be positive"
        case .nonPositiveAmount(let a): return "amount (\(a)) must be positive"
        case .zeroAmount(let m, let t):
            return "order rounds to a zero amount (makerAmount \(m), takerAmount \(t)): "
                + "size or amount is below the venue's precision (2 decimals)"
        case .amountTooLarge(let a): return "amount (\(a)) is too large for an order"
        }
    }
}
