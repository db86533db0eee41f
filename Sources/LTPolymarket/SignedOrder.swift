import BigInt
import LTChain
import LTCore

/// Why an order could not be signed or its signature checked.
public enum OrderSigningError: Error, Equatable, CustomStringConvertible {
    case signerMismatch(signer: Address, key: Address)
    case depositWalletMismatch(maker: Address, signer: Address)
    case malformedSignature(String)
    case wrappedSignatureMismatch(String)

    public var description: String {
        switch self {
        case .signerMismatch(let signer, let key):
            return "order signer \(signer) is not the signing key's address \(key)"
        case .depositWalletMismatch(let maker, let signer):
            return "a POLY_1271 order needs maker = signer = the deposit wallet (maker \(maker), signer \(signer))"
        case .malformedSignature(let why): return "malformed order signature: \(why)"
        case .wrappedSignatureMismatch(let why): return "ERC-7739 signature does not match this order: \(why)"
        }
    }
}

/// An order with its signature: 65 bytes r‖s‖v for types 0–2, the 317-byte ERC-7739 nested form
/// for type 3.
public struct SignedOrder: Sendable, Hashable {
    public let order: OrderV2
    public let signature: [UInt8]

    public init(order: OrderV2, signature: [UInt8]) {
        self.order = order
        self.signature = signature
    }

    public var signatureHex: String { Hex.encode(signature) }

    /// Signs `order` for `domain`. Types 0–2: the EOA signs the order digest and must be the order's
    /// signer. Type 3: the order's signer is the deposit wallet (= maker); the EOA signs the
    /// ERC-7739 TypedDataSign digest whose verifyingContract is that wallet.
    public static func sign(order: OrderV2, key: PrivateKey, domain: ExchangeDomain) throws -> SignedOrder {
        switch order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe:
            guard order.signer == key.address else {
                throw OrderSigningError.signerMismatch(signer: order.signer, key: key.address)
            }
            let sig = try key.sign(digest: order.digest(domain: domain))
            return SignedOrder(order: order, signature: sig.bytes65)
        case .poly1271:
            guard order.maker == order.signer else {
                throw OrderSigningError.depositWalletMismatch(maker: order.maker, signer: order.signer)
            }
            let digest = ERC7739.orderDigest(order: order, domain: domain)
            let inner = try key.sign(digest: digest)
            return SignedOrder(
                order: order, signature: ERC7739.wrap(inner: inner.bytes65, order: order, domain: domain))
        }
    }

    /// The EOA that signed this order for `domain`. Types 0–2: ecrecover of the order digest.
    /// Type 3: the 317-byte form is parsed, its embedded domain separator, contents hash and type
    /// string must be this order's, and the EOA is recovered from the nested TypedDataSign digest.
    /// (Whether that EOA owns the deposit wallet is the wallet's business, not checkable here.)
    public func recoverSigningEOA(domain: ExchangeDomain) throws -> Address {
        switch order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe:
            guard signature.count == 65 else {
                throw OrderSigningError.malformedSignature("expected 65 bytes, got \(signature.count)")
            }
            return try Signature(bytes65: signature).recover(digest: order.digest(domain: domain))
        case .poly1271:
            let inner = try ERC7739.unwrap(signature: signature, order: order, domain: domain)
            return try Signature(bytes65: inner).recover(digest: ERC7739.orderDigest(order: order, domain: domain))
        }
    }

    /// True when the recovered EOA is `expected` and, for types 0 and 3's signer rules, consistent
    /// with the order (type 0: signer is the EOA; types 1/2: signer is the EOA).
    public func verify(domain: ExchangeDomain, expectedEOA: Address) -> Bool {
        guard let eoa = try? recoverSigningEOA(domain: domain), eoa == expectedEOA else { return false }
        return order.signatureType == .poly1271 || order.signer == eoa
    }
}

/// ERC-7739 ("TypedDataSign") nested signatures, as Solady-based smart wallets verify them and as
/// [v2]/[sdk] produce them for deposit wallets (protocol §3.4).
public enum ERC7739 {
    public static let walletName = "DepositWallet"
    public static let walletVersion = "1"

    public static let typedDataSignTypeString =
        "TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,"
        + "bytes32 salt)" + OrderV2.typeString
    static let typeHash = keccak256(utf8: typedDataSignTypeString)
    static let nameHash = keccak256(utf8: walletName)
    static let versionHash = keccak256(utf8: walletVersion)
    static let contentsType = Array(OrderV2.typeString.utf8)

    /// The type description of the nested struct, for the generic EIP-712 engine.
    public static let eip712Types: EIP712.Types = OrderV2.eip712Types.merging([
        "TypedDataSign": [
            .init(name: "contents", type: "Order"), .init(name: "name", type: "string"),
            .init(name: "version", type: "string"), .init(name: "chainId", type: "uint256"),
            .init(name: "verifyingContract", type: "address"), .init(name: "salt", type: "bytes32"),
        ]
    ]) { a, _ in a }

    /// hashStruct(TypedDataSign{contents: order, name, version, chainId, verifyingContract: wallet,
    /// salt: 0}).
    public static func hashStruct(order: OrderV2, chainID: Int) -> [UInt8] {
        var buf = typeHash
        buf.reserveCapacity(7 * 32)
        buf += order.structHash
        buf += nameHash
        buf += versionHash
        buf += Word.uint(UInt64(chainID))
        buf += order.signer.word
        buf += Word.zero
        return keccak256(buf)
    }

    /// The digest the EOA signs: keccak256(0x1901 ‖ exchange domain separator ‖ hashStruct(TDS)).
    public static func orderDigest(order: OrderV2, domain: ExchangeDomain) -> [UInt8] {
        EIP712.digest(domainSeparator: domain.separator, structHash: hashStruct(order: order, chainID: domain.chainID))
    }

    /// The nested typed data (for the generic engine and for tests).
    public static func typedData(order: OrderV2, domain: ExchangeDomain) -> EIP712.TypedData {
        EIP712.TypedData(
            types: eip712Types, primaryType: "TypedDataSign", domain: domain.typedDataDomain,
            message: [
                "contents": .object(order.eip712Message), "name": .string(walletName),
                "version": .string(walletVersion), "chainId": .uint(BigUInt(domain.chainID)),
                "verifyingContract": .address(order.signer), "salt": .bytes(Word.zero),
            ])
    }

    /// inner65 ‖ appDomainSeparator ‖ contentsHash ‖ contentsType ‖ uint16_be(len(contentsType)).
    public static func wrap(inner: [UInt8], order: OrderV2, domain: ExchangeDomain) -> [UInt8] {
        var out = inner
        out.reserveCapacity(65 + 64 + contentsType.count + 2)
        out += domain.separator
        out += order.structHash
        out += contentsType
        out += [UInt8(contentsType.count >> 8), UInt8(contentsType.count & 0xff)]
        return out
    }

    /// Checks the wrapped parts against `order` and `domain` and returns the inner 65 bytes.
    public static func unwrap(signature: [UInt8], order: OrderV2, domain: ExchangeDomain) throws -> [UInt8] {
        guard signature.count >= 65 + 64 + 2 else {
            throw OrderSigningError.malformedSignature("ERC-7739 form needs at least 131 bytes, got \(signature.count)")
        }
        let typeLength = Int(signature[signature.count - 2]) << 8 | Int(signature[signature.count - 1])
        guard signature.count == 65 + 64 + typeLength + 2 else {
            throw OrderSigningError.malformedSignature(
                "contents type length \(typeLength) does not match a \(signature.count)-byte signature")
        }
        guard Array(signature[65..<97]) == domain.separator else {
            throw OrderSigningError.wrappedSignatureMismatch("embedded domain separator is not the exchange's")
        }
        guard Array(signature[97..<129]) == order.structHash else {
            throw OrderSigningError.wrappedSignatureMismatch("embedded contents hash is not this order's hashStruct")
        }
        guard Array(signature[129..<(129 + typeLength)]) == contentsType else {
            throw OrderSigningError.wrappedSignatureMismatch("embedded contents type is not the V2 Order type")
        }
        return Array(signature[0..<65])
    }
}
