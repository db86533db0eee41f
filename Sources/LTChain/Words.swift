import BigInt

/// 32-byte big-endian words, the unit of ABI and EIP-712 encoding. BigInt's own `serialize()` goes
/// through Foundation's Data; these helpers work on the limbs directly.
public enum Word {
    /// `value` as a 32-byte big-endian word. Traps above 2^256 − 1 (callers validate first).
    public static func uint(_ value: BigUInt) -> [UInt8] {
        precondition(value.bitWidth <= 256, "value does not fit in uint256")
        var out = [UInt8](repeating: 0, count: 32)
        for (i, limb) in value.words.enumerated() where i < 4 {
            for b in 0..<8 {
                out[31 - (i * 8 + b)] = UInt8(truncatingIfNeeded: limb >> UInt(8 * b))
            }
        }
        return out
    }

    public static func uint(_ value: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for b in 0..<8 { out[31 - b] = UInt8(truncatingIfNeeded: value >> UInt64(8 * b)) }
        return out
    }

    /// Two's complement 32-byte word of a signed value.
    public static func int(_ value: BigInt) -> [UInt8] {
        if value.sign == .plus || value.magnitude.isZero { return uint(value.magnitude) }
        let twos = (BigUInt(1) << 256) - value.magnitude
        return uint(twos)
    }

    /// Big-endian bytes → BigUInt.
    public static func toBigUInt(_ bytes: some Collection<UInt8>) -> BigUInt {
        var v = BigUInt(0)
        for b in bytes { v = (v << 8) | BigUInt(b) }
        return v
    }

    /// Minimal big-endian bytes of a value (empty for zero), as RLP wants integers.
    public static func minimalBytes(_ value: BigUInt) -> [UInt8] {
        let full = uint(value)
        guard let first = full.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(full[first...])
    }

    public static func minimalBytes(_ value: UInt64) -> [UInt8] {
        minimalBytes(BigUInt(value))
    }

    public static let zero = [UInt8](repeating: 0, count: 32)
}

extension BigUInt {
    /// Parses a decimal (or 0x-prefixed hex) unsigned integer, nil when malformed or above 2^256 − 1.
    public init?(uint256Text text: String) {
        let parsed: BigUInt?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            parsed = digits.isEmpty ? nil : BigUInt(digits, radix: 16)
        } else {
            parsed = !text.isEmpty && text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? BigUInt(text, radix: 10) : nil
        }
        guard let v = parsed, v.bitWidth <= 256 else { return nil }
        self = v
    }
}

extension Word {
    /// Decimal text of a uint256, via 64-bit limbs divided by 10^19 (BigUInt's own conversion is
    /// several times slower, and every order body prints a 77-digit token id).
    public static func decimalString(_ value: BigUInt) -> String {
        var limbs = value.words.map { UInt64($0) }
        while limbs.last == 0 { limbs.removeLast() }
        if limbs.isEmpty { return "0" }
        let chunk: UInt64 = 10_000_000_000_000_000_000
        var chunks: [UInt64] = []
        while !limbs.isEmpty {
            var rem: UInt64 = 0
            for i in stride(from: limbs.count - 1, through: 0, by: -1) {
                let (q, r) = chunk.dividingFullWidth((high: rem, low: limbs[i]))
                limbs[i] = q
                rem = r
            }
            chunks.append(rem)
            while limbs.last == 0 { limbs.removeLast() }
        }
        var out = String(chunks.removeLast())
        for c in chunks.reversed() {
            let digits = String(c)
            out += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return out
    }
}
