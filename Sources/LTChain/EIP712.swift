import BigInt

/// EIP-712 typed structured data, hashed from a type description (the `types` map of
/// `eth_signTypedData_v4`), not from per-struct code: the same engine hashes the order, ClobAuth,
/// the ERC-7739 TypedDataSign wrapper and Safe transactions.
public enum EIP712 {
    public struct Field: Sendable, Hashable, Codable {
        public let name: String
        public let type: String
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// A message value. Integers may also be given as decimal text (`.string`), the way JSON
    /// renderings of typed data write uint256 values; the field's declared type decides.
    public indirect enum Value: Sendable, Hashable {
        case string(String)
        case uint(BigUInt)
        case int(BigInt)
        case bool(Bool)
        case address(Address)
        case bytes([UInt8])
        case array([Value])
        case object([String: Value])
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case unknownType(String)
        case missingField(type: String, field: String)
        case badValue(type: String, field: String, why: String)

        public var description: String {
            switch self {
            case .unknownType(let t): return "EIP-712: type '\(t)' is not described"
            case .missingField(let t, let f): return "EIP-712: \(t).\(f) is missing"
            case .badValue(let t, let f, let why): return "EIP-712: \(t).\(f): \(why)"
            }
        }
    }

    public typealias Types = [String: [Field]]

    /// The domain fields in their canonical order, for domains given without an `EIP712Domain` type.
    public static let domainFieldOrder: [Field] = [
        Field(name: "name", type: "string"), Field(name: "version", type: "string"),
        Field(name: "chainId", type: "uint256"), Field(name: "verifyingContract", type: "address"),
        Field(name: "salt", type: "bytes32"),
    ]

    public struct TypedData: Sendable, Hashable {
        public var types: Types
        public var primaryType: String
        public var domain: [String: Value]
        public var message: [String: Value]

        /// `types` may omit `EIP712Domain`; it is then derived from the keys present in `domain`.
        public init(types: Types, primaryType: String, domain: [String: Value], message: [String: Value]) {
            var types = types
            if types["EIP712Domain"] == nil {
                types["EIP712Domain"] = EIP712.domainFieldOrder.filter { domain[$0.name] != nil }
            }
            self.types = types
            self.primaryType = primaryType
            self.domain = domain
            self.message = message
        }

        public func domainSeparator() throws -> [UInt8] {
            try EIP712.hashStruct("EIP712Domain", domain, types: types)
        }

        public func hashStruct() throws -> [UInt8] {
            try EIP712.hashStruct(primaryType, message, types: types)
        }

        /// keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)).
        public func digest() throws -> [UInt8] {
            EIP712.digest(domainSeparator: try domainSeparator(), structHash: try hashStruct())
        }
    }

    public static func digest(domainSeparator: [UInt8], structHash: [UInt8]) -> [UInt8] {
        precondition(domainSeparator.count == 32 && structHash.count == 32)
        // 66 bytes on the stack and one-shot hashing: this runs once per order.
        return withUnsafeTemporaryAllocation(byteCount: 66, alignment: 8) { buf in
            buf[0] = 0x19
            buf[1] = 0x01
            domainSeparator.withUnsafeBytes {
                buf.baseAddress!.advanced(by: 2).copyMemory(from: $0.baseAddress!, byteCount: 32)
            }
            structHash.withUnsafeBytes {
                buf.baseAddress!.advanced(by: 34).copyMemory(from: $0.baseAddress!, byteCount: 32)
            }
            return keccak256(buffer: UnsafeRawBufferPointer(buf))
        }
    }

    /// `encodeType`: the primary type, then every referenced struct type sorted by name.
    public static func encodeType(_ primary: String, types: Types) throws -> String {
        var deps = Set<String>()
        try collectDependencies(primary, types: types, into: &deps)
        deps.remove(primary)
        return try ([primary] + deps.sorted()).map { name in
            guard let fields = types[name] else { throw Error.unknownType(name) }
            return name + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    public static func typeHash(_ primary: String, types: Types) throws -> [UInt8] {
        keccak256(utf8: try encodeType(primary, types: types))
    }

    public static func hashStruct(_ type: String, _ value: [String: Value], types: Types) throws -> [UInt8] {
        keccak256(try encodeData(type, value, types: types))
    }

    /// typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ).
    public static func encodeData(_ type: String, _ value: [String: Value], types: Types) throws -> [UInt8] {
        guard let fields = types[type] else { throw Error.unknownType(type) }
        var out = try typeHash(type, types: types)
        out.reserveCapacity(32 * (fields.count + 1))
        for field in fields {
            guard let v = value[field.name] else { throw Error.missingField(type: type, field: field.name) }
            out += try encodeValue(field.type, v, types: types, context: (type, field.name))
        }
        return out
    }

    private static func collectDependencies(_ type: String, types: Types, into deps: inout Set<String>) throws {
        let base = baseType(type)
        guard let fields = types[base], !deps.contains(base) else { return }
        deps.insert(base)
        for f in fields { try collectDependencies(f.type, types: types, into: &deps) }
    }

    /// `Order[]` → `Order`, `uint256[3][]` → `uint256`.
    static func baseType(_ type: String) -> String {
        if let bracket = type.firstIndex(of: "[") { return String(type[..<bracket]) }
        return type
    }

    private static func encodeValue(
        _ type: String, _ value: Value, types: Types, context: (String, String)
    ) throws -> [UInt8] {
        func bad(_ why: String) -> Error { .badValue(type: context.0, field: context.1, why: why) }
        // Arrays: keccak256 of the concatenated encodings of the elements.
        if type.hasSuffix("]"), let open = type.lastIndex(of: "[") {
            guard case .array(let items) = value else { throw bad("expected an array for \(type)") }
            let element = String(type[..<open])
            let size = type[type.index(after: open)..<type.index(before: type.endIndex)]
            if !size.isEmpty, Int(size) != items.count { throw bad("expected \(size) elements, got \(items.count)") }
            var concatenated = [UInt8]()
            for item in items { concatenated += try encodeValue(element, item, types: types, context: context) }
            return keccak256(concatenated)
        }
        if types[type] != nil {
            guard case .object(let fields) = value else { throw bad("expected a \(type) struct") }
            return try hashStruct(type, fields, types: types)
        }
        switch type {
        case "string":
            guard case .string(let s) = value else { throw bad("expected a string") }
            return keccak256(utf8: s)
        case "bytes":
            return keccak256(try bytesValue(value, bad))
        case "address":
            switch value {
            case .address(let a): return a.word
            case .string(let s):
                guard let a = try? Address(hex: s) else { throw bad("'\(s)' is not an address") }
                return a.word
            default: throw bad("expected an address")
            }
        case "bool":
            switch value {
            case .bool(let b): return Word.uint(UInt64(b ? 1 : 0))
            case .string("true"): return Word.uint(UInt64(1))
            case .string("false"): return Word.uint(UInt64(0))
            default: throw bad("expected a bool")
            }
        default:
            if type.hasPrefix("uint"), let bits = Int(type.dropFirst(4)), bits % 8 == 0, bits <= 256 {
                let v = try uintValue(value, bad)
                guard v.bitWidth <= bits else { throw bad("value does not fit in \(type)") }
                return Word.uint(v)
            }
            if type.hasPrefix("int"), let bits = Int(type.dropFirst(3)), bits % 8 == 0, bits <= 256 {
                let v: BigInt
                switch value {
                case .int(let i): v = i
                case .uint(let u): v = BigInt(u)
                case .string(let s):
                    guard let i = BigInt(s, radix: 10) else { throw bad("'\(s)' is not an integer") }
                    v = i
                default: throw bad("expected an integer")
                }
                return Word.int(v)
            }
            if type.hasPrefix("bytes"), let n = Int(type.dropFirst(5)), n >= 1, n <= 32 {
                let b = try bytesValue(value, bad)
                guard b.count == n else { throw bad("expected \(n) bytes, got \(b.count)") }
                return b + [UInt8](repeating: 0, count: 32 - n)
            }
            throw Error.unknownType(type)
        }
    }

    private static func uintValue(_ value: Value, _ bad: (String) -> Error) throws -> BigUInt {
        switch value {
        case .uint(let u): return u
        case .int(let i) where i.sign == .plus || i.isZero: return i.magnitude
        case .string(let s):
            guard let u = BigUInt(uint256Text: s) else { throw bad("'\(s)' is not an unsigned integer") }
            return u
        default: throw bad("expected an unsigned integer")
        }
    }

    private static func bytesValue(_ value: Value, _ bad: (String) -> Error) throws -> [UInt8] {
        switch value {
        case .bytes(let b): return b
        case .string(let s):
            guard let b = try? Hex.decode(s) else { throw bad("'\(s)' is not hex") }
            return b
        default: throw bad("expected bytes")
        }
    }
}
