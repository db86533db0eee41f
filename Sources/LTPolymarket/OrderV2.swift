import BigInt
import LTChain
import LTCore

/// Who holds the funds and how the exchange checks the signature (protocol §2).
public enum SignatureType: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The EOA is maker and signer.
    case eoa = 0
    /// A Polymarket proxy wallet is maker; the EOA signs.
    case polyProxy = 1
    /// A Gnosis Safe is maker; the EOA (an owner) signs.
    case polyGnosisSafe = 2
    /// A deposit wallet is maker and signer; the EOA signs an ERC-7739 nested TypedDataSign.
    case poly1271 = 3
}

/// A CLOB V2 order: the signed struct
/// `Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,
/// uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,
/// bytes32 builder)` plus `expiration`, which travels in the JSON body but is not signed in V2.
public struct OrderV2: Sendable, Hashable {
    public let salt: UInt64
    public let maker: Address
    public let signer: Address
    public let tokenID: BigUInt
    public let makerAmount: UInt64
    public let takerAmount: UInt64
    public let side: Side
    public let signatureType: SignatureType
    /// Milliseconds since the epoch.
    public let timestamp: UInt64
    public let metadata: [UInt8]
    public let builder: [UInt8]
    /// Unix seconds; 0 = none (GTD orders set it). Not part of the signed struct.
    public let expiration: UInt64

    /// hashStruct(order), kept from init: every later use (digest, order id, signature) needs it.
    public let structHash: [UInt8]
    /// tokenId as decimal text, computed once (the body and the typed data both need it).
    public let tokenIDText: String

    public static let typeString =
        "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,"
        + "uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,"
        + "bytes32 builder)"

    public static let typeHash = keccak256(utf8: typeString)

    /// The struct's type description for the generic EIP-712 engine (which the tests pin against
    /// the fast path below).
    public static let eip712Types: EIP712.Types = [
        "Order": [
            .init(name: "salt", type: "uint256"), .init(name: "maker", type: "address"),
            .init(name: "signer", type: "address"), .init(name: "tokenId", type: "uint256"),
            .init(name: "makerAmount", type: "uint256"), .init(name: "takerAmount", type: "uint256"),
            .init(name: "side", type: "uint8"), .init(name: "signatureType", type: "uint8"),
            .init(name: "timestamp", type: "uint256"), .init(name: "metadata", type: "bytes32"),
            .init(name: "builder", type: "bytes32"),
        ]
    ]

    public init(
        salt: UInt64, maker: Address, signer: Address, tokenID: BigUInt, makerAmount: UInt64,
        takerAmount: UInt64, side: Side, signatureType: SignatureType, timestamp: UInt64,
        metadata: [UInt8] = Word.zero, builder: [UInt8] = Word.zero, expiration: UInt64 = 0
    ) {
        precondition(metadata.count == 32 && builder.count == 32, "metadata and builder are bytes32")
        precondition(tokenID.bitWidth <= 256, "tokenId is a uint256")
        self.salt = salt
        self.maker = maker
        self.signer = signer
        self.tokenID = tokenID
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.side = side
        self.signatureType = signatureType
        self.timestamp = timestamp
        self.metadata = metadata
        self.builder = builder
        self.expiration = expiration
        self.tokenIDText = Word.decimalString(tokenID)
        self.structHash = Self.computeStructHash(
            salt: salt, maker: maker, signer: signer, tokenID: tokenID, makerAmount: makerAmount,
            takerAmount: takerAmount, side: side, signatureType: signatureType, timestamp: timestamp,
            metadata: metadata, builder: builder)
    }

    /// Fast hashStruct: the 12 words written into one buffer and hashed once.
    private static func computeStructHash(
        salt: UInt64, maker: Address, signer: Address, tokenID: BigUInt, makerAmount: UInt64,
        takerAmount: UInt64, side: Side, signatureType: SignatureType, timestamp: UInt64,
        metadata: [UInt8], builder: [UInt8]
    ) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: 32 * 12)
        buf.withUnsafeMutableBufferPointer { b in
            func put(_ bytes: [UInt8], word: Int) {
                let offset = word * 32 + 32 - bytes.count
                for (i, v) in bytes.enumerated() { b[offset + i] = v }
            }
            func put(_ v: UInt64, word: Int) {
                for i in 0..<8 { b[word * 32 + 31 - i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * i)) }
            }
            put(typeHash, word: 0)
            put(salt, word: 1)
            put(maker.bytes, word: 2)
            put(signer.bytes, word: 3)
            for (i, limb) in tokenID.words.enumerated() where i < 4 {
                for j in 0..<8 { b[4 * 32 + 31 - (i * 8 + j)] = UInt8(truncatingIfNeeded: limb >> UInt(8 * j)) }
            }
            put(makerAmount, word: 5)
            put(takerAmount, word: 6)
            put(UInt64(side.signedValue), word: 7)
            put(UInt64(signatureType.rawValue), word: 8)
            put(timestamp, word: 9)
            put(metadata, word: 10)
            put(builder, word: 11)
        }
        return keccak256(buf)
    }

    /// keccak256(0x1901 ‖ domainSeparator ‖ structHash): the exchange's `hashOrder`.
    public func digest(domain: ExchangeDomain) -> [UInt8] {
        EIP712.digest(domainSeparator: domain.separator, structHash: structHash)
    }

    /// The CLOB order id: the order digest as lowercase `0x…` hex, known before posting.
    public func orderID(domain: ExchangeDomain) -> String {
        Hex.encode(digest(domain: domain))
    }

    /// The order as an EIP-712 message for the generic engine.
    public var eip712Message: [String: EIP712.Value] {
        [
            "salt": .uint(BigUInt(salt)), "maker": .address(maker), "signer": .address(signer),
            "tokenId": .uint(tokenID), "makerAmount": .uint(BigUInt(makerAmount)),
            "takerAmount": .uint(BigUInt(takerAmount)), "side": .uint(BigUInt(side.signedValue)),
            "signatureType": .uint(BigUInt(signatureType.rawValue)), "timestamp": .uint(BigUInt(timestamp)),
            "metadata": .bytes(metadata), "builder": .bytes(builder),
        ]
    }

    public func typedData(domain: ExchangeDomain) -> EIP712.TypedData {
        EIP712.TypedData(
            types: Self.eip712Types, primaryType: "Order", domain: domain.typedDataDomain, message: eip712Message)
    }
}
