/// A 20-byte Ethereum address. Printed and encoded as EIP-55 checksummed text, which is what the
/// CLOB body, the L1/L2 headers and the vectors carry.
public struct Address: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidLength(Int)
        case invalidHex(String)
        case badChecksum(String)

        public var description: String {
            switch self {
            case .invalidLength(let n): return "an address has 20 bytes, got \(n)"
            case .invalidHex(let t): return "address '\(t)' is not hex"
            case .badChecksum(let t): return "address '\(t)' has mixed case that fails its EIP-55 checksum"
            }
        }
    }

    public let bytes: [UInt8]
    /// EIP-55 text, computed once when the address is made: order bodies and headers print the same
    /// few addresses over and over, and each computation is a Keccak-256.
    public let checksummed: String

    public static let zero = Address(bytes: [UInt8](repeating: 0, count: 20))

    /// Traps on a wrong length: callers pass slices they cut to 20 bytes themselves.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 20, "Address(bytes:) needs 20 bytes, got \(bytes.count)")
        self.bytes = bytes
        self.checksummed = Self.checksum(bytes)
    }

    public static func == (a: Address, b: Address) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// Accepts `0x`-prefixed or bare hex. All-lower or all-upper text is taken as is; mixed case must
    /// be a correct EIP-55 checksum (a typo in a hand-copied address is then caught).
    public init(hex text: String) throws {
        let decoded: [UInt8]
        do { decoded = try Hex.decode(text) } catch { throw Error.invalidHex(text) }
        guard decoded.count == 20 else { throw Error.invalidLength(decoded.count) }
        self.init(bytes: decoded)
        let letters = text.utf8.dropFirst(text.hasPrefix("0x") || text.hasPrefix("0X") ? 2 : 0)
        let hasLower = letters.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = letters.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        if hasLower && hasUpper {
            let expected = checksummed
            guard expected.utf8.dropFirst(2).elementsEqual(letters) else { throw Error.badChecksum(text) }
        }
    }

    /// The last 20 bytes of keccak256 of an uncompressed public key's 64 coordinate bytes.
    public init(publicKey64: [UInt8]) {
        precondition(publicKey64.count == 64)
        self.init(bytes: Array(keccak256(publicKey64)[12..<32]))
    }

    /// EIP-55: a hex letter is upper-case when the matching nibble of keccak256(lowercase hex) ≥ 8.
    static func checksum(_ bytes: [UInt8]) -> String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = keccak256(lower)
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        out.reserveCapacity(42)
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= UInt8(ascii: "a") && nibble >= 8 ? c - 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase `0x…` text, for places that compare or store addresses case-insensitively.
    public var lowercased: String { Hex.encode(bytes) }

    public var description: String { checksummed }

    /// The address as a 32-byte ABI word (left-padded).
    public var word: [UInt8] { [UInt8](repeating: 0, count: 12) + bytes }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(hex: text)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(checksummed)
    }
}
