import LTCore

/// A small exact non-negative-or-negative decimal (`units / 10^scale`) for the order-amount
/// algorithm of protocol §5.5. Inputs such as a market price of 0.43253 or a size of 12.3456 must
/// be taken exactly as written before the algorithm truncates them, so this is parsed from text and
/// never goes through Double. Int128 leaves ample headroom for the intermediate products (size ×
/// 10^10 scaled quotients stay below 10^30).
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let units: Int128
    public let scale: Int

    /// At most this many fractional digits and integer digits are accepted, so every product in the
    /// amount algorithm fits in Int128.
    public static let maxScale = 18
    public static let maxIntegerDigits = 15

    public init(units: Int128, scale: Int) {
        precondition(scale >= 0 && scale <= 38)
        self.units = units
        self.scale = scale
    }

    public init(_ value: Fixed6) {
        self.init(units: Int128(value.micros), scale: 6)
    }

    public init(parsing text: String) throws(OrderValidationError) {
        var digits = Substring(text.trimmingSpaces)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !(parts.allSatisfy { $0.isEmpty }) else { throw .invalidNumber(text) }
        let intPart = parts[0]
        let fracPart = parts.count == 2 ? parts[1] : ""
        guard intPart.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), fracPart.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { throw .invalidNumber(text) }
        // Trailing fractional zeros carry no precision ("0.500" is 0.5): drop them before the limit.
        var frac = fracPart
        while frac.last == "0" { frac = frac.dropLast() }
        let significantInt = intPart.drop { $0 == "0" }
        guard frac.count <= Self.maxScale, significantInt.count <= Self.maxIntegerDigits else {
            throw .tooPrecise(text)
        }
        var u: Int128 = 0
        for c in significantInt.utf8 { u = u * 10 + Int128(c - 48) }
        for c in frac.utf8 { u = u * 10 + Int128(c - 48) }
        self.init(units: negative ? -u : u, scale: frac.count)
    }

    public init(stringLiteral value: String) {
        do { try self.init(parsing: value) } catch { preconditionFailure("bad decimal literal \(value)") }
    }

    public var isPositive: Bool { units > 0 }

    /// Units at a larger scale (exact). Callers keep `places ≥ scale`.
    func units(atScale places: Int) -> Int128 {
        precondition(places >= scale)
        return units * pow10(places - scale)
    }

    /// floor(self × 10^places): the value truncated towards −∞ at `places` decimals, in units.
    func floorUnits(places: Int) -> Int128 {
        if places >= scale { return units(atScale: places) }
        let d = pow10(scale - places)
        let q = units / d
        return units % d != 0 && units < 0 ? q - 1 : q
    }

    /// True when the value has at most `places` decimals.
    func fits(places: Int) -> Bool {
        places >= scale || units % pow10(scale - places) == 0
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let s = max(a.scale, b.scale)
        return a.units(atScale: s) < b.units(atScale: s)
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let s = max(a.scale, b.scale)
        return a.units(atScale: s) == b.units(atScale: s)
    }

    public func hash(into hasher: inout Hasher) {
        // Normalised, so that 0.5 and 0.50 hash alike (they compare equal).
        var u = units
        var s = scale
        while s > 0 && u % 10 == 0 { u /= 10; s -= 1 }
        hasher.combine(u)
        hasher.combine(s)
    }

    /// Plain decimal text without trailing zeros ("0.5", "12", "-3.25").
    public var description: String {
        var u = units < 0 ? -units : units
        var s = scale
        while s > 0 && u % 10 == 0 { u /= 10; s -= 1 }
        var digits = String(u)
        if s > 0 {
            if digits.count <= s { digits = String(repeating: "0", count: s - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -s))
        }
        return (units < 0 ? "-" : "") + digits
    }
}

func pow10(_ n: Int) -> Int128 {
    precondition(n >= 0 && n <= 38)
    var r: Int128 = 1
    for _ in 0..<n { r *= 10 }
    return r
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let scalars = self.drop { $0 == " " }
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)] == " " { end = scalars.index(before: end) }
        return scalars[scalars.startIndex..<end]
    }
}
