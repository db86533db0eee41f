import BigInt
import LTChain
import LTCore

/// A V1 (CTF Exchange before 2026-04-28) order, for reading old data and checking old signatures.
/// `lt` trades V2; this path is not speed-critical and hashes through the generic EIP-712 engine.
public struct OrderV1: Sendable, Hashable {
    public let salt: UInt64
    public let maker: Address
    public let signer: Address
    public let taker: Address
    public let tokenID: BigUInt
    public let makerAmount: UInt64
    public let takerAmount: UInt64
    public let expiration: UInt64
    public let nonce: UInt64
    public let feeRateBps: UInt64
    public let side: Side
    public let signatureType: SignatureType

    public init(
        salt: UInt64, maker: Address, signer: Address, taker: Address = .zero, tokenID: BigUInt, makerAmount: UInt64,
        takerAmount: UInt64, expiration: UInt64 = 0, nonce: UInt64 = 0, feeRateBps: UInt64 = 0, side: Side,
        signatureType: SignatureType
    ) {
        self.salt = salt
        self.maker = maker
        self.signer = signer
        self.taker = taker
        self.tokenID = tokenID
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.expiration = expiration
        self.nonce = nonce
        self.feeRateBps = feeRateBps
        self.side = side
        self.signatureType = signatureType
    }

    public static let eip712Types: EIP712.Types = [
        "Order": [
            .init(name: "salt", type: "uint256"), .init(name: "maker", type: "address"),
            .init(name: "signer", type: "address"), .init(name: "taker", type: "address"),
            .init(name: "tokenId", type: "uint256"), .init(name: "makerAmount", type: "uint256"),
            .init(name: "takerAmount", type: "uint256"), .init(name: "expiration", type: "uint256"),
            .init(name: "nonce", type: "uint256"), .init(name: "feeRateBps", type: "uint256"),
            .init(name: "side", type: "uint8"), .init(name: "signatureType", type: "uint8"),
        ]
    ]

    /// The V1 exchange (standard or neg-risk) on Polygon, version "1".
    public static func domain(negRisk: Bool, chainID: Int = PolymarketContracts.chainID) -> ExchangeDomain {
        ExchangeDomain(
            version: "1", chainID: chainID,
            verifyingContract: negRisk ? PolymarketContracts.negRiskExchangeV1 : PolymarketContracts.exchangeV1)
    }

    public func typedData(domain: ExchangeDomain) -> EIP712.TypedData {
        EIP712.TypedData(
            types: Self.eip712Types, primaryType: "Order", domain: domain.typedDataDomain,
            message: [
                "salt": .uint(BigUInt(salt)), "maker": .address(maker), "signer": .address(signer),
                "taker": .address(taker), "tokenId": .uint(tokenID), "makerAmount": .uint(BigUInt(makerAmount)),
                "takerAmount": .uint(BigUInt(takerAmount)), "expiration": .uint(BigUInt(expiration)),
                "nonce": .uint(BigUInt(nonce)), "feeRateBps": .uint(BigUInt(feeRateBps)),
                "side": .uint(BigUInt(side.signedValue)), "signatureType": .uint(BigUInt(signatureType.rawValue)),
            ])
    }

    public func structHash() throws -> [UInt8] { try typedData(domain: Self.domain(negRisk: false)).hashStruct() }

    public func digest(domain: ExchangeDomain) throws -> [UInt8] {
        EIP712.digest(domainSeparator: domain.separator, structHash: try structHash())
    }

    /// Types 0–2 only (V1 has no deposit wallets): 65-byte r‖s‖v over the digest.
    public func sign(key: PrivateKey, domain: ExchangeDomain) throws -> [UInt8] {
        guard signatureType != .poly1271 else {
            throw OrderSigningError.malformedSignature("V1 orders have no POLY_1271 signature type")
        }
        guard signer == key.address else { throw OrderSigningError.signerMismatch(signer: signer, key: key.address) }
        return try key.sign(digest: digest(domain: domain)).bytes65
    }

    /// py-clob-client's `POST /order` body for a V1 order.
    public func postBody(signature: [UInt8], owner: String, orderType: OrderType, postOnly: Bool = false) -> String {
        var out = Array(#"{"order":{"salt":"#.utf8) + Array(String(salt).utf8)
        func field(_ name: String, _ value: String) {
            out += Array(",\"\(name)\":".utf8)
            JSONText.appendString(value, to: &out, asciiOnly: false)
        }
        field("maker", maker.checksummed)
        field("signer", signer.checksummed)
        field("taker", taker.checksummed)
        field("tokenId", Word.decimalString(tokenID))
        field("makerAmount", String(makerAmount))
        field("takerAmount", String(takerAmount))
        field("expiration", String(expiration))
        field("nonce", String(nonce))
        field("feeRateBps", String(feeRateBps))
        field("side", side.rawValue)
        out += Array(",\"signatureType\":\(signatureType.rawValue)".utf8)
        field("signature", Hex.encode(signature))
        out += Array("},\"owner\":".utf8)
        JSONText.appendString(owner, to: &out, asciiOnly: false)
        out += Array(",\"orderType\":\"\(orderType.rawValue)\",\"postOnly\":\(postOnly)}".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
