/// Hex text ↔ bytes. Lowercase on output (the wire and the vectors use lowercase except where EIP-55
/// applies); either case and an optional `0x` on input.
public enum Hex {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case oddLength(Int)
        case invalidCharacter(Character)

        public var description: String {
            switch self {
            case .oddLength(let n): return "hex text has an odd number of digits (\(n))"
            case .invalidCharacter(let c): return "hex text contains a non-hex character '\(c)'"
            }
        }
    }

    public static func decode(_ text: String) throws -> [UInt8] {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            utf8.removeFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw Error.oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]) else { throw Error.invalidCharacter(Character(Unicode.Scalar(utf8[i]))) }
            guard let lo = nibble(utf8[i + 1]) else {
                throw Error.invalidCharacter(Character(Unicode.Scalar(utf8[i + 1])))
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2 + 2)
        if prefix { out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "x")]) }
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the lowercase hex digits of `bytes` (no prefix) to a UTF-8 buffer; used by the hot
    /// path that writes order bodies.
    @inlinable
    public static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 0x0f))
        }
    }

    @inlinable
    public static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x57
        case 0x41...0x46: return c - 0x37
        default: return nil
        }
    }
}
