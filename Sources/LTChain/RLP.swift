import BigInt

/// Recursive Length Prefix encoding (Ethereum yellow paper, appendix B).
public indirect enum RLP: Sendable, Hashable {
    case bytes([UInt8])
    case list([RLP])

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case truncated
        case nonCanonical(String)
        case trailingBytes
        case expectedBytes
        case expectedList

        public var description: String {
            switch self {
            case .truncated: return "RLP: input ends inside an item"
            case .nonCanonical(let why): return "RLP: non-canonical encoding (\(why))"
            case .trailingBytes: return "RLP: bytes after the top-level item"
            case .expectedBytes: return "RLP: expected a byte string, found a list"
            case .expectedList: return "RLP: expected a list, found a byte string"
            }
        }
    }

    /// An unsigned integer as RLP wants it: big-endian, no leading zeros, zero as the empty string.
    public static func uint(_ v: BigUInt) -> RLP { .bytes(Word.minimalBytes(v)) }
    public static func uint(_ v: UInt64) -> RLP { .bytes(Word.minimalBytes(v)) }

    public var encoded: [UInt8] {
        var out = [UInt8]()
        append(to: &out)
        return out
    }

    private func append(to out: inout [UInt8]) {
        switch self {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                Self.appendLength(b.count, offset: 0x80, to: &out)
                out += b
            }
        case .list(let items):
            var payload = [UInt8]()
            for item in items { item.append(to: &payload) }
            Self.appendLength(payload.count, offset: 0xc0, to: &out)
            out += payload
        }
    }

    private static func appendLength(_ n: Int, offset: UInt8, to out: inout [UInt8]) {
        if n < 56 {
            out.append(offset + UInt8(n))
        } else {
            let len = Word.minimalBytes(UInt64(n))
            out.append(offset + 55 + UInt8(len.count))
            out += len
        }
    }

    /// Decodes exactly one item spanning all of `data`, rejecting non-canonical forms.
    public static func decode(_ data: [UInt8]) throws -> RLP {
        var position = 0
        let item = try decodeItem(data, &position)
        guard position == data.count else { throw Error.trailingBytes }
        return item
    }

    private static func decodeItem(_ d: [UInt8], _ p: inout Int) throws -> RLP {
        guard p < d.count else { throw Error.truncated }
        let prefix = d[p]
        p += 1
        switch prefix {
        case 0x00...0x7f:
            return .bytes([prefix])
        case 0x80...0xbf:
            let n = try length(d, &p, prefix: prefix, offset: 0x80)
            guard p + n <= d.count else { throw Error.truncated }
            let b = Array(d[p..<(p + n)])
            if n == 1 && b[0] < 0x80 { throw Error.nonCanonical("single byte below 0x80 with a prefix") }
            p += n
            return .bytes(b)
        default:
            let n = try length(d, &p, prefix: prefix, offset: 0xc0)
            guard p + n <= d.count else { throw Error.truncated }
            let end = p + n
            var items: [RLP] = []
            while p < end { items.append(try decodeItem(d, &p)) }
            guard p == end else { throw Error.truncated }
            return .list(items)
        }
    }

    private static func length(_ d: [UInt8], _ p: inout Int, prefix: UInt8, offset: UInt8) throws -> Int {
        let short = Int(prefix - offset)
        if short <= 55 { return short }
        let lenOfLen = short - 55
        guard p + lenOfLen <= d.count else { throw Error.truncated }
        guard d[p] != 0 else { throw Error.nonCanonical("length with a leading zero") }
        guard lenOfLen <= 4 else { throw Error.nonCanonical("length too long") }
        var n = 0
        for i in 0..<lenOfLen { n = n << 8 | Int(d[p + i]) }
        p += lenOfLen
        guard n >= 56 else { throw Error.nonCanonical("long form for a short length") }
        return n
    }

    public func asBytes() throws -> [UInt8] {
        guard case .bytes(let b) = self else { throw Error.expectedBytes }
        return b
    }

    public func asList() throws -> [RLP] {
        guard case .list(let l) = self else { throw Error.expectedList }
        return l
    }

    /// A canonical unsigned integer (no leading zero byte).
    public func asUInt() throws -> BigUInt {
        let b = try asBytes()
        guard b.first != 0 else { throw Error.nonCanonical("integer with a leading zero") }
        guard b.count <= 32 else { throw Error.nonCanonical("integer wider than 256 bits") }
        return Word.toBigUInt(b)
    }

    public func asUInt64() throws -> UInt64 {
        let v = try asUInt()
        guard v.bitWidth <= 64 else { throw Error.nonCanonical("integer wider than 64 bits") }
        return UInt64(v)
    }
}
