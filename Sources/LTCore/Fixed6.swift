import Foundation

/// A fixed-point decimal with exactly six fractional digits: USD, outcome-token shares and prices.
///
/// USDC, pUSD and Polymarket outcome tokens all have 6 decimals on-chain, and the schema stores
/// `NUMERIC(20,6)`, so one integer count of micro-units represents every amount exactly. No value
/// ever passes through `Double`: parsing, formatting and the SQL round-trip are all decimal text.
public struct Fixed6: Sendable, Hashable, Comparable, Codable {
    /// The value in millionths (1.0 == 1_000_000).
    public let micros: Int64

    public static let scale: Int64 = 1_000_000
    public static let decimals = 6
    public static let zero = Fixed6(micros: 0)
    public static let one = Fixed6(micros: scale)
    public static let max = Fixed6(micros: .max)
    public static let min = Fixed6(micros: .min + 1)  // symmetric range, so negation never traps

    public init(micros: Int64) { self.micros = micros }

    /// A whole number of units (dollars, shares). Traps beyond ±9,223,372,036,854: for literals
    /// and known-small values; `init(checkedUnits:)` for anything that comes from input.
    public init(_ units: Int) {
        let (v, o) = Int64(units).multipliedReportingOverflow(by: Fixed6.scale)
        precondition(!o, "Fixed6 overflow: \(units)")
        micros = v
    }

    /// A whole number of units, or `.overflow` when it does not fit.
    public init(checkedUnits units: Int64) throws(Fixed6Error) {
        let (v, o) = units.multipliedReportingOverflow(by: Fixed6.scale)
        guard !o, v != .min else { throw .overflow }
        micros = v
    }

    // MARK: Rounding

    /// How a result with more than six fractional digits is brought back to six.
    public enum Rounding: Sendable, Hashable {
        /// toward −∞
        case floor
        /// toward +∞
        case ceiling
        /// toward zero
        case down
        /// away from zero
        case up
        /// to nearest, ties away from zero
        case halfUp
        /// to nearest, ties to even (banker's rounding; Python's Decimal default)
        case halfEven
    }

    /// Divides `n` by `d` (d > 0) rounding the quotient as asked. Exact integer arithmetic.
    static func divide(_ n: Int128, by d: Int128, rounding: Rounding) -> Int128 {
        precondition(d > 0)
        var q = n / d  // truncates toward zero
        let r = n % d  // same sign as n
        if r == 0 { return q }
        let negative = n < 0
        switch rounding {
        case .down: break
        case .up: q += negative ? -1 : 1
        case .floor: if negative { q -= 1 }
        case .ceiling: if !negative { q += 1 }
        case .halfUp, .halfEven:
            let twice = (r < 0 ? -r : r) * 2
            if twice > d || (twice == d && (rounding == .halfUp || q % 2 != 0)) {
                q += negative ? -1 : 1
            }
        }
        return q
    }

    static func checked(_ v: Int128) throws(Fixed6Error) -> Fixed6 {
        guard v <= Int128(Int64.max), v >= Int128(Int64.min + 1) else { throw .overflow }
        return Fixed6(micros: Int64(v))
    }

    // MARK: Checked arithmetic
    //
    // The operators below trap on overflow, which is right for values the program itself bounds
    // (a price × a cash balance read from the database). Anything derived from input — an FT size,
    // a strategy's multiplier or capital — goes through these instead: an overflow is an error the
    // caller turns into a skip reason, so one absurd row never stops a run (design §2).

    /// `self + other`, or `.overflow`.
    public func adding(_ other: Fixed6) throws(Fixed6Error) -> Fixed6 {
        try Fixed6.checked(Int128(micros) + Int128(other.micros))
    }

    /// `self − other`, or `.overflow`.
    public func subtracting(_ other: Fixed6) throws(Fixed6Error) -> Fixed6 {
        try Fixed6.checked(Int128(micros) - Int128(other.micros))
    }

    /// `self × other` rounded to six decimals, and whether the exact result was out of range (then
    /// `partialValue` is zero, never a wrapped value that could be mistaken for an amount).
    public func multipliedReportingOverflow(by other: Fixed6, rounding: Rounding) -> (
        partialValue: Fixed6, overflow: Bool
    ) {
        let q = Fixed6.divide(Int128(micros) * Int128(other.micros), by: Int128(Fixed6.scale), rounding: rounding)
        guard let v = try? Fixed6.checked(q) else { return (.zero, true) }
        return (v, false)
    }

    /// `self × other` rounded to six decimals, or `.overflow`.
    public func checkedMultiplied(by other: Fixed6, rounding: Rounding) throws(Fixed6Error) -> Fixed6 {
        let r = multipliedReportingOverflow(by: other, rounding: rounding)
        guard !r.overflow else { throw .overflow }
        return r.partialValue
    }

    /// `self ÷ other` rounded to six decimals, or `.divisionByZero` / `.overflow`.
    public func checkedDivided(by other: Fixed6, rounding: Rounding) throws(Fixed6Error) -> Fixed6 {
        guard other.micros != 0 else { throw .divisionByZero }
        var n = Int128(micros) * Int128(Fixed6.scale)
        var d = Int128(other.micros)
        if d < 0 { n = -n; d = -d }
        return try Fixed6.checked(Fixed6.divide(n, by: d, rounding: rounding))
    }

    /// `self × numerator ÷ denominator` with one rounding and no intermediate overflow (the product
    /// is kept in 128 bits): a percentage of a balance, `cash × pct ÷ 100`, for any balance.
    public func scaled(by numerator: Fixed6, per denominator: Fixed6, rounding: Rounding) throws(Fixed6Error) -> Fixed6
    {
        guard denominator.micros != 0 else { throw .divisionByZero }
        var n = Int128(micros) * Int128(numerator.micros)
        var d = Int128(denominator.micros)
        if d < 0 { n = -n; d = -d }
        return try Fixed6.checked(Fixed6.divide(n, by: d, rounding: rounding))
    }

    // MARK: Arithmetic

    public static func + (a: Fixed6, b: Fixed6) -> Fixed6 {
        let (v, o) = a.micros.addingReportingOverflow(b.micros)
        precondition(!o, "Fixed6 overflow in +")
        return Fixed6(micros: v)
    }

    public static func - (a: Fixed6, b: Fixed6) -> Fixed6 {
        let (v, o) = a.micros.subtractingReportingOverflow(b.micros)
        precondition(!o, "Fixed6 overflow in -")
        return Fixed6(micros: v)
    }

    public static prefix func - (a: Fixed6) -> Fixed6 { Fixed6(micros: -a.micros) }

    public static func += (a: inout Fixed6, b: Fixed6) { a = a + b }
    public static func -= (a: inout Fixed6, b: Fixed6) { a = a - b }

    public static func < (a: Fixed6, b: Fixed6) -> Bool { a.micros < b.micros }

    /// `self × other`, rounded to six decimals. Money × price, shares × price, USD × multiplier.
    public func multiplied(by other: Fixed6, rounding: Rounding) -> Fixed6 {
        let p = Int128(micros) * Int128(other.micros)
        // |p / 1e6| ≤ 2^63·2^63/1e6, which fits in Int128 but may not fit in Int64.
        let q = Fixed6.divide(p, by: Int128(Fixed6.scale), rounding: rounding)
        precondition(q <= Int128(Int64.max) && q >= Int128(Int64.min + 1), "Fixed6 overflow in ×")
        return Fixed6(micros: Int64(q))
    }

    /// `self ÷ other`, rounded to six decimals. USD ÷ price = shares. Division by zero traps: the
    /// callers validate prices first.
    public func divided(by other: Fixed6, rounding: Rounding) -> Fixed6 {
        precondition(other.micros != 0, "Fixed6 division by zero")
        var n = Int128(micros) * Int128(Fixed6.scale)
        var d = Int128(other.micros)
        if d < 0 { n = -n; d = -d }
        let q = Fixed6.divide(n, by: d, rounding: rounding)
        precondition(q <= Int128(Int64.max) && q >= Int128(Int64.min + 1), "Fixed6 overflow in ÷")
        return Fixed6(micros: Int64(q))
    }

    /// `self × n` for a whole number.
    public func times(_ n: Int) -> Fixed6 {
        let (v, o) = micros.multipliedReportingOverflow(by: Int64(n))
        precondition(!o, "Fixed6 overflow in times")
        return Fixed6(micros: v)
    }

    /// Rounds to `places` decimals (0…6), keeping the value in micro-units.
    public func rounded(toPlaces places: Int, _ rounding: Rounding) -> Fixed6 {
        precondition((0...6).contains(places))
        var unit: Int64 = 1
        for _ in 0..<(6 - places) { unit *= 10 }
        let q = Fixed6.divide(Int128(micros), by: Int128(unit), rounding: rounding)
        return Fixed6(micros: Int64(q) * unit)
    }

    /// Rounds to a multiple of `step` (e.g. a tick size).
    public func rounded(toMultipleOf step: Fixed6, _ rounding: Rounding) -> Fixed6 {
        precondition(step.micros > 0)
        let q = Fixed6.divide(Int128(micros), by: Int128(step.micros), rounding: rounding)
        return Fixed6(micros: Int64(q) * step.micros)
    }

    public func isMultiple(of step: Fixed6) -> Bool { step.micros != 0 && micros % step.micros == 0 }

    public var isZero: Bool { micros == 0 }
    public var isNegative: Bool { micros < 0 }
    public var isPositive: Bool { micros > 0 }
    public var magnitude: Fixed6 { Fixed6(micros: micros < 0 ? -micros : micros) }

    /// Number of significant fractional digits (0…6): 1.5 → 1, 0.000001 → 6.
    public var fractionalDigits: Int {
        var m = micros % Fixed6.scale
        if m == 0 { return 0 }
        var digits = 6
        while m % 10 == 0 {
            m /= 10
            digits -= 1
        }
        return digits
    }
}

public enum Fixed6Error: Error, Equatable, CustomStringConvertible {
    case empty
    case invalidCharacter(String)
    case tooManyDecimals(String)
    /// Beyond ±9,223,372,036,854.775807, the range of 6-decimal Int64 micro-units.
    case overflow
    case divisionByZero

    public var description: String {
        switch self {
        case .empty: return "empty decimal"
        case .invalidCharacter(let s): return "not a decimal number: '\(s)'"
        case .tooManyDecimals(let s): return "more than 6 decimal places: '\(s)'"
        case .overflow: return "too large: beyond ±\(Fixed6.max.plainText)"
        case .divisionByZero: return "division by zero"
        }
    }
}

// MARK: Text

extension Fixed6 {
    /// Parses decimal text such as `12`, `-0.5`, `+3.140000`, `.25`, `1e-6` is not accepted.
    /// Digits beyond the sixth decimal are an error unless they are zeros (`NUMERIC` text from a
    /// wider column still parses exactly), or unless a rounding mode is given.
    public init(parsing text: some StringProtocol, rounding: Rounding? = nil) throws(Fixed6Error) {
        let s = text.trimmingCharactersWhitespace()
        guard !s.isEmpty else { throw .empty }
        var utf8 = Substring(s).utf8[...]
        var negative = false
        if let f = utf8.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var intPart: Int128 = 0
        var frac: Int128 = 0
        var fracDigits = 0
        var extra: [UInt8] = []  // fractional digits beyond the sixth
        var seenDot = false
        var seenDigit = false
        for c in utf8 {
            if c == UInt8(ascii: ".") {
                if seenDot { throw .invalidCharacter(String(s)) }
                seenDot = true
                continue
            }
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw .invalidCharacter(String(s)) }
            seenDigit = true
            let d = Int128(c - UInt8(ascii: "0"))
            if !seenDot {
                intPart = intPart * 10 + d
                if intPart > Int128(Int64.max) { throw .overflow }
            } else if fracDigits < 6 {
                frac = frac * 10 + d
                fracDigits += 1
            } else {
                extra.append(c)
            }
        }
        guard seenDigit else { throw .invalidCharacter(String(s)) }
        while fracDigits < 6 {
            frac *= 10
            fracDigits += 1
        }
        var value = intPart * Int128(Fixed6.scale) + frac
        if extra.contains(where: { $0 != UInt8(ascii: "0") }) {
            guard let rounding else { throw .tooManyDecimals(String(s)) }
            // Re-round using the remaining digits: value.extra as a fraction of one micro. Only the
            // first 12 extra digits are kept, plus one "sticky" digit that is 1 when any later digit
            // is non-zero: that decides every rounding mode exactly (a tie needs all later digits
            // zero) while value × 10^13 stays below 2^127 for any magnitude that passed the
            // integer-part check, so a NUMERIC text with hundreds of decimals cannot overflow here.
            var denom: Int128 = 1
            var rest: Int128 = 0
            for c in extra.prefix(12) {
                rest = rest * 10 + Int128(c - UInt8(ascii: "0"))
                denom *= 10
            }
            if extra.count > 12 {
                let sticky = extra.dropFirst(12).contains { $0 != UInt8(ascii: "0") }
                rest = rest * 10 + (sticky ? 1 : 0)
                denom *= 10
            }
            let signed = (value * denom + rest) * (negative ? -1 : 1)
            self = try Fixed6.checked(Fixed6.divide(signed, by: denom, rounding: rounding))
            return
        }
        if negative { value = -value }
        self = try Fixed6.checked(value)
    }

    /// Canonical text with all six decimals (`-12.500000`): the form bound to `NUMERIC` parameters.
    public var exactText: String {
        let neg = micros < 0
        let mag = micros.magnitude
        let whole = mag / UInt64(Fixed6.scale)
        let frac = mag % UInt64(Fixed6.scale)
        var f = String(frac)
        if f.count < 6 { f = String(repeating: "0", count: 6 - f.count) + f }
        return (neg ? "-" : "") + String(whole) + "." + f
    }

    /// Shortest exact text: trailing zeros dropped (`12.5`, `3`, `0.000001`). What the venue's
    /// JSON carries for prices and sizes.
    public var plainText: String {
        let t = exactText
        guard let dot = t.firstIndex(of: ".") else { return t }
        var end = t.endIndex
        while end > dot, t[t.index(before: end)] == "0" { end = t.index(before: end) }
        if t.index(before: end) == dot || end == dot { return String(t[..<dot]) }
        return String(t[..<end])
    }

    /// Text with a fixed number of decimals for people (`$12.35`-style columns), rounding half-even.
    public func formatted(places: Int) -> String {
        let r = rounded(toPlaces: places, .halfEven)
        let t = r.exactText
        guard let dot = t.firstIndex(of: ".") else { return t }
        if places == 0 { return String(t[..<dot]) }
        return String(t[...t.index(dot, offsetBy: places)])
    }
}

extension Fixed6: CustomStringConvertible, LosslessStringConvertible {
    public var description: String { plainText }
    public init?(_ description: String) {
        guard let v = try? Fixed6(parsing: description) else { return nil }
        self = v
    }
}

extension Fixed6: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Fixed6 {
    /// Encoded as exact decimal text (never a JSON floating-point number). Decoding also accepts
    /// a JSON number's text form, so venue payloads with numeric prices parse without `Double`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            do { self = try Fixed6(parsing: s) } catch {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
            }
        } else if let i = try? c.decode(Int64.self) {
            do { self = try Fixed6(checkedUnits: i) } catch {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
            }
        } else if let d = try? c.decode(Decimal.self) {
            // Foundation's Decimal keeps the JSON number's decimal digits (no binary rounding).
            do { self = try Fixed6(parsing: "\(d)") } catch {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
            }
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a decimal")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(plainText)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharactersWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return s
    }
}
