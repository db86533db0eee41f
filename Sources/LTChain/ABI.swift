import BigInt

/// A Solidity ABI type, parsed from canonical text ("uint256", "bytes32", "(uint8,address)[]").
public indirect enum ABIType: Sendable, Hashable, CustomStringConvertible {
    case address
    case bool
    case uint(Int)
    case int(Int)
    case fixedBytes(Int)
    case bytes
    case string
    case array(ABIType)
    case fixedArray(ABIType, Int)
    case tuple([ABIType])

    public static let uint256 = ABIType.uint(256)
    public static let bytes32 = ABIType.fixedBytes(32)

    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let t, let n): return n > 0 && t.isDynamic
        case .tuple(let ts): return ts.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes the type occupies in the head of an enclosing tuple.
    var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let t, let n): return n * t.headSize
        case .tuple(let ts): return ts.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }

    public var description: String {
        switch self {
        case .address: return "address"
        case .bool: return "bool"
        case .uint(let b): return "uint\(b)"
        case .int(let b): return "int\(b)"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let t): return "\(t)[]"
        case .fixedArray(let t, let n): return "\(t)[\(n)]"
        case .tuple(let ts): return "(" + ts.map(\.description).joined(separator: ",") + ")"
        }
    }

    public init(parsing text: String) throws {
        let t = text.filter { !$0.isWhitespace }
        if t.hasSuffix("]"), let open = t.lastIndex(of: "[") {
            let inner = try ABIType(parsing: String(t[..<open]))
            let size = t[t.index(after: open)..<t.index(before: t.endIndex)]
            if size.isEmpty { self = .array(inner); return }
            guard let n = Int(size), n >= 0 else { throw ABI.Error.badType(text) }
            self = .fixedArray(inner, n)
            return
        }
        if t.hasPrefix("(") && t.hasSuffix(")") {
            self = .tuple(try ABI.splitTopLevel(String(t.dropFirst().dropLast())).map(ABIType.init(parsing:)))
            return
        }
        switch t {
        case "address": self = .address
        case "bool": self = .bool
        case "bytes": self = .bytes
        case "string": self = .string
        case "uint": self = .uint(256)
        case "int": self = .int(256)
        default:
            if t.hasPrefix("uint"), let b = Int(t.dropFirst(4)), b > 0, b <= 256, b % 8 == 0 { self = .uint(b); return }
            if t.hasPrefix("int"), let b = Int(t.dropFirst(3)), b > 0, b <= 256, b % 8 == 0 { self = .int(b); return }
            if t.hasPrefix("bytes"), let n = Int(t.dropFirst(5)), n >= 1, n <= 32 { self = .fixedBytes(n); return }
            throw ABI.Error.badType(text)
        }
    }
}

/// A value to ABI-encode, or one decoded. `bytes32` holds any fixed `bytesN` (N ≤ 32, unpadded).
public indirect enum ABIValue: Sendable, Hashable {
    case address(Address)
    case bool(Bool)
    case uint(BigUInt)
    case int(BigInt)
    case bytes32([UInt8])
    case bytes([UInt8])
    case string(String)
    case array([ABIValue])
    case fixedArray([ABIValue])
    case tuple([ABIValue])

    var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let vs), .tuple(let vs): return vs.contains { $0.isDynamic }
        default: return false
        }
    }

    // Accessors for decoded values; nil when the case differs.
    public var addressValue: Address? { if case .address(let a) = self { return a } else { return nil } }
    public var uintValue: BigUInt? { if case .uint(let u) = self { return u } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let b), .bytes32(let b): return b
        default: return nil
        }
    }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var arrayValue: [ABIValue]? {
        switch self {
        case .array(let vs), .fixedArray(let vs), .tuple(let vs): return vs
        default: return nil
        }
    }
}

/// Solidity ABI encoding and decoding (head/tail layout), function selectors and calls.
public enum ABI {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case badType(String)
        case badSignature(String)
        case selectorMismatch(expected: String, got: String)
        case truncated(at: Int)
        case invalidValue(type: String, why: String)

        public var description: String {
            switch self {
            case .badType(let t): return "ABI: '\(t)' is not a type"
            case .badSignature(let s): return "ABI: '\(s)' is not a function signature"
            case .selectorMismatch(let e, let g): return "ABI: calldata selector \(g) is not \(e)"
            case .truncated(let at): return "ABI: data ends or points outside itself at byte \(at)"
            case .invalidValue(let t, let why): return "ABI: invalid \(t): \(why)"
            }
        }
    }

    /// The first 4 bytes of keccak256 of the canonical signature.
    public static func selector(_ signature: String) -> [UInt8] {
        Array(keccak256(utf8: signature.filter { !$0.isWhitespace }).prefix(4))
    }

    /// The encoding of `values` as the components of one tuple (function arguments).
    public static func encode(_ values: [ABIValue]) -> [UInt8] {
        encodeTuple(values)
    }

    public static func encodeCall(signature: String, args: [ABIValue]) -> [UInt8] {
        selector(signature) + encode(args)
    }

    /// Decodes `data` as a tuple of `types`.
    public static func decode(types: [ABIType], data: [UInt8]) throws -> [ABIValue] {
        // The outermost tuple is laid out in place, not behind an offset.
        try data.withUnsafeBufferPointer { buf in try decodeSequence(types, buf, base: 0) }
    }

    /// Checks the selector of `data` against `signature` and decodes the arguments.
    public static func decodeCall(signature: String, data: [UInt8]) throws -> [ABIValue] {
        let (_, types) = try parseSignature(signature)
        let sel = selector(signature)
        guard data.count >= 4 else { throw Error.truncated(at: data.count) }
        guard Array(data.prefix(4)) == sel else {
            throw Error.selectorMismatch(expected: Hex.encode(sel), got: Hex.encode(data.prefix(4)))
        }
        return try decode(types: types, data: Array(data.dropFirst(4)))
    }

    /// "name(t1,t2)" → ("name", [t1, t2]).
    public static func parseSignature(_ signature: String) throws -> (name: String, types: [ABIType]) {
        let s = signature.filter { !$0.isWhitespace }
        guard let open = s.firstIndex(of: "("), s.hasSuffix(")") else { throw Error.badSignature(signature) }
        let name = String(s[..<open])
        let inner = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
        return (name, try splitTopLevel(inner).map(ABIType.init(parsing:)))
    }

    /// Splits "a,(b,c)[],d" at top-level commas.
    static func splitTopLevel(_ text: String) throws -> [String] {
        if text.isEmpty { return [] }
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            switch c {
            case "(": depth += 1; current.append(c)
            case ")":
                depth -= 1
                guard depth >= 0 else { throw Error.badType(text) }
                current.append(c)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(c)
            }
        }
        guard depth == 0, !current.isEmpty else { throw Error.badType(text) }
        parts.append(current)
        return parts
    }

    // MARK: encoding

    private static func encodeTuple(_ values: [ABIValue]) -> [UInt8] {
        let total = values.reduce(0) { $0 + headSize(of: $1) }
        var head = [UInt8]()
        var tail = [UInt8]()
        head.reserveCapacity(total)
        for v in values {
            if v.isDynamic {
                head += Word.uint(UInt64(total + tail.count))
                tail += encodeValue(v)
            } else {
                head += encodeValue(v)
            }
        }
        return head + tail
    }

    private static func headSize(of v: ABIValue) -> Int {
        if v.isDynamic { return 32 }
        switch v {
        case .fixedArray(let vs), .tuple(let vs): return vs.reduce(0) { $0 + headSize(of: $1) }
        default: return 32
        }
    }

    private static func encodeValue(_ v: ABIValue) -> [UInt8] {
        switch v {
        case .address(let a): return a.word
        case .bool(let b): return Word.uint(UInt64(b ? 1 : 0))
        case .uint(let u): return Word.uint(u)
        case .int(let i): return Word.int(i)
        case .bytes32(let b):
            precondition(b.count <= 32, "bytesN holds at most 32 bytes")
            return b + [UInt8](repeating: 0, count: 32 - b.count)
        case .bytes(let b): return Word.uint(UInt64(b.count)) + padded(b)
        case .string(let s): let b = Array(s.utf8); return Word.uint(UInt64(b.count)) + padded(b)
        case .array(let vs): return Word.uint(UInt64(vs.count)) + encodeTuple(vs)
        case .fixedArray(let vs), .tuple(let vs): return encodeTuple(vs)
        }
    }

    /// Right-pads to a multiple of 32 bytes.
    static func padded(_ b: [UInt8]) -> [UInt8] {
        let rem = b.count % 32
        return rem == 0 ? b : b + [UInt8](repeating: 0, count: 32 - rem)
    }

    // MARK: decoding

    private static func word(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) throws -> ArraySlice<UInt8> {
        guard at >= 0, at + 32 <= buf.count else { throw Error.truncated(at: at) }
        return ArraySlice(buf[at..<(at + 32)])
    }

    /// A word read as an offset or length: it must fit comfortably in Int.
    private static func smallInt(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) throws -> Int {
        let w = try word(buf, at)
        guard w.prefix(24).allSatisfy({ $0 == 0 }) else { throw Error.truncated(at: at) }
        let v = w.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard v <= UInt64(buf.count) else { throw Error.truncated(at: at) }
        return Int(v)
    }

    /// Decodes one value whose head is at `at`; offsets inside it are relative to `base`.
    private static func decodeValue(
        _ type: ABIType, _ buf: UnsafeBufferPointer<UInt8>, base: Int, at: Int
    ) throws -> ABIValue {
        switch type {
        case .address:
            let w = try word(buf, at)
            guard w.prefix(12).allSatisfy({ $0 == 0 }) else {
                throw Error.invalidValue(type: "address", why: "upper 12 bytes are not zero")
            }
            return .address(Address(bytes: Array(w.suffix(20))))
        case .bool:
            let w = try word(buf, at)
            guard w.prefix(31).allSatisfy({ $0 == 0 }), w.last! <= 1 else {
                throw Error.invalidValue(type: "bool", why: "not 0 or 1")
            }
            return .bool(w.last! == 1)
        case .uint(let bits):
            let v = Word.toBigUInt(try word(buf, at))
            guard v.bitWidth <= bits else { throw Error.invalidValue(type: "uint\(bits)", why: "out of range") }
            return .uint(v)
        case .int(let bits):
            let w = try word(buf, at)
            let u = Word.toBigUInt(w)
            let v = w.first! & 0x80 != 0 ? -BigInt((BigUInt(1) << 256) - u) : BigInt(u)
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit, v < limit else { throw Error.invalidValue(type: "int\(bits)", why: "out of range") }
            return .int(v)
        case .fixedBytes(let n):
            let w = try word(buf, at)
            guard w.dropFirst(n).allSatisfy({ $0 == 0 }) else {
                throw Error.invalidValue(type: "bytes\(n)", why: "padding is not zero")
            }
            return .bytes32(Array(w.prefix(n)))
        case .bytes, .string:
            let start = base + (try smallInt(buf, at))
            let length = try smallInt(buf, start)
            guard start + 32 + length <= buf.count else { throw Error.truncated(at: start) }
            let b = Array(buf[(start + 32)..<(start + 32 + length)])
            if case .bytes = type { return .bytes(b) }
            guard let s = String(validating: b, as: UTF8.self) else {
                throw Error.invalidValue(type: "string", why: "not UTF-8")
            }
            return .string(s)
        case .array(let element):
            let start = base + (try smallInt(buf, at))
            let count = try smallInt(buf, start)
            guard count * element.headSize <= buf.count else { throw Error.truncated(at: start) }
            let items = try decodeSequence(Array(repeating: element, count: count), buf, base: start + 32)
            return .array(items)
        case .fixedArray(let element, let n):
            let types = Array(repeating: element, count: n)
            if type.isDynamic {
                return .fixedArray(try decodeSequence(types, buf, base: base + (try smallInt(buf, at))))
            }
            return .fixedArray(try decodeSequence(types, buf, base: at, headsAt: at))
        case .tuple(let types):
            if type.isDynamic {
                return .tuple(try decodeSequence(types, buf, base: base + (try smallInt(buf, at))))
            }
            return .tuple(try decodeSequence(types, buf, base: at, headsAt: at))
        }
    }

    /// Decodes consecutive heads starting at `headsAt` (default: `base`), offsets relative to `base`.
    private static func decodeSequence(
        _ types: [ABIType], _ buf: UnsafeBufferPointer<UInt8>, base: Int, headsAt: Int? = nil
    ) throws -> [ABIValue] {
        var position = headsAt ?? base
        var out: [ABIValue] = []
        out.reserveCapacity(types.count)
        for t in types {
            out.append(try decodeValue(t, buf, base: base, at: position))
            position += t.headSize
        }
        return out
    }
}
