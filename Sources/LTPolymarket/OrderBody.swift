import BigInt
import LTChain
import LTCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which official client's byte layout `postBody` reproduces (the HMAC covers the exact bytes, and
/// the venue accepts both).
public enum PostBodyStyle: Sendable, Hashable {
    /// py-clob-client-v2: fixed key order, `postOnly` always present, non-ASCII left as is.
    case clientV2
    /// polymarket-client (the unified SDK): keys sorted at every level, `postOnly` only when true,
    /// non-ASCII escaped as `\uXXXX`.
    case unifiedSDK
}

extension SignedOrder {
    /// The exact `POST /order` body (protocol §3.5). With the default style it is byte-for-byte
    /// [v2]'s `json.dumps(body, separators=(",", ":"), ensure_ascii=False)`.
    public func postBody(
        owner: String, orderType: OrderType, postOnly: Bool = false, deferExec: Bool = false,
        style: PostBodyStyle = .clientV2
    ) -> String {
        var out = [UInt8]()
        out.reserveCapacity(1024)
        appendPostBody(
            to: &out, owner: owner, orderType: orderType, postOnly: postOnly, deferExec: deferExec,
            style: style)
        return String(decoding: out, as: UTF8.self)
    }

    /// The body of `POST /orders` for several orders: a JSON array of the single-order objects.
    public static func batchPostBody(
        _ orders: [(order: SignedOrder, orderType: OrderType, postOnly: Bool)], owner: String,
        deferExec: Bool = false, style: PostBodyStyle = .clientV2
    ) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, o) in orders.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            o.order.appendPostBody(
                to: &out, owner: owner, orderType: o.orderType, postOnly: o.postOnly, deferExec: deferExec,
                style: style)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    func appendPostBody(
        to out: inout [UInt8], owner: String, orderType: OrderType, postOnly: Bool, deferExec: Bool,
        style: PostBodyStyle
    ) {
        let o = order
        func key(_ k: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func quoted(_ bytes: some Sequence<UInt8>) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
        }
        func number(_ v: UInt64) { out.append(contentsOf: String(v).utf8) }
        func hex(_ bytes: [UInt8]) {
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "0"), UInt8(ascii: "x")])
            Hex.append(bytes, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        let makerText = o.maker.checksummed.utf8
        let signerText = o.signer.checksummed.utf8
        let sideText = o.side.rawValue.utf8
        switch style {
        case .clientV2:
            out.append(contentsOf: Array(#"{"order":{"#.utf8))
            key("salt", first: true); number(o.salt)
            key("maker"); quoted(makerText)
            key("signer"); quoted(signerText)
            key("tokenId"); quoted(o.tokenIDText.utf8)
            key("makerAmount"); quoted(String(o.makerAmount).utf8)
            key("takerAmount"); quoted(String(o.takerAmount).utf8)
            key("side"); quoted(sideText)
            key("expiration"); quoted(String(o.expiration).utf8)
            key("signatureType"); number(UInt64(o.signatureType.rawValue))
            key("timestamp"); quoted(String(o.timestamp).utf8)
            key("metadata"); hex(o.metadata)
            key("builder"); hex(o.builder)
            key("signature"); hex(signature)
            out.append(UInt8(ascii: "}"))
            key("owner"); JSONText.appendString(owner, to: &out, asciiOnly: false)
            key("orderType"); quoted(orderType.rawValue.utf8)
            key("deferExec"); out.append(contentsOf: (deferExec ? "true" : "false").utf8)
            key("postOnly"); out.append(contentsOf: (postOnly ? "true" : "false").utf8)
            out.append(UInt8(ascii: "}"))
        case .unifiedSDK:
            out.append(UInt8(ascii: "{"))
            key("deferExec", first: true); out.append(contentsOf: (deferExec ? "true" : "false").utf8)
            key("order"); out.append(UInt8(ascii: "{"))
            key("builder", first: true); hex(o.builder)
            key("expiration"); quoted(String(o.expiration).utf8)
            key("maker"); quoted(makerText)
            key("makerAmount"); quoted(String(o.makerAmount).utf8)
            key("metadata"); hex(o.metadata)
            key("salt"); number(o.salt)
            key("side"); quoted(sideText)
            key("signature"); hex(signature)
            key("signatureType"); number(UInt64(o.signatureType.rawValue))
            key("signer"); quoted(signerText)
            key("takerAmount"); quoted(String(o.takerAmount).utf8)
            key("timestamp"); quoted(String(o.timestamp).utf8)
            key("tokenId"); quoted(o.tokenIDText.utf8)
            out.append(UInt8(ascii: "}"))
            key("orderType"); quoted(orderType.rawValue.utf8)
            key("owner"); JSONText.appendString(owner, to: &out, asciiOnly: true)
            if postOnly { key("postOnly"); out.append(contentsOf: "true".utf8) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Parses one `POST /order` body (either client's layout) into the signed order and its flags.
    /// The paper exchange uses this; it checks types and formats, not the signature
    /// (`recoverSigningEOA` does that).
    public static func parsePostBody(_ json: [UInt8]) throws -> PostOrderRequest {
        try decodeBody(RawPostBody.self, json).request()
    }

    /// Parses a `POST /orders` body (a JSON array of order objects).
    public static func parseBatchPostBody(_ json: [UInt8]) throws -> [PostOrderRequest] {
        try decodeBody([RawPostBody].self, json).map { try $0.request() }
    }

    private static func decodeBody<T: Decodable>(_ type: T.Type, _ json: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json))
        } catch {
            throw OrderBodyError.invalidJSON(String(describing: error))
        }
    }
}

/// A parsed `POST /order` body.
public struct PostOrderRequest: Sendable, Hashable {
    public let order: SignedOrder
    public let owner: String
    public let orderType: OrderType
    public let postOnly: Bool
    public let deferExec: Bool

    public init(postBodyJSON: [UInt8]) throws {
        self = try SignedOrder.parsePostBody(postBodyJSON)
    }

    init(order: SignedOrder, owner: String, orderType: OrderType, postOnly: Bool, deferExec: Bool) {
        self.order = order
        self.owner = owner
        self.orderType = orderType
        self.postOnly = postOnly
        self.deferExec = deferExec
    }
}

public enum OrderBodyError: Error, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case invalidField(name: String, value: String)

    public var description: String {
        switch self {
        case .invalidJSON(let why): return "order body is not valid JSON of the expected shape: \(why)"
        case .invalidField(let name, let value): return "order body field '\(name)' has an invalid value '\(value)'"
        }
    }
}

private struct RawPostBody: Decodable {
    struct RawOrder: Decodable {
        let salt: UInt64
        let maker: String
        let signer: String
        let tokenID: String
        let makerAmount: String
        let takerAmount: String
        let side: String
        let expiration: String?
        let signatureType: Int
        let timestamp: String
        let metadata: String
        let builder: String
        let signature: String

        // The wire spells it `tokenId`; the property follows the project's casing.
        enum CodingKeys: String, CodingKey {
            case salt, maker, signer, tokenID = "tokenId", makerAmount, takerAmount, side, expiration
            case signatureType, timestamp, metadata, builder, signature
        }
    }

    let order: RawOrder
    let owner: String
    let orderType: String
    let postOnly: Bool?
    let deferExec: Bool?

    func request() throws -> PostOrderRequest {
        func bad(_ name: String, _ value: String) -> OrderBodyError { .invalidField(name: name, value: value) }
        func uint(_ name: String, _ text: String) throws -> UInt64 {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = UInt64(text) else {
                throw bad(name, text)
            }
            return v
        }
        func address(_ name: String, _ text: String) throws -> Address {
            guard let a = try? Address(hex: text) else { throw bad(name, text) }
            return a
        }
        func bytes32(_ name: String, _ text: String) throws -> [UInt8] {
            guard let b = try? Hex.decode(text), b.count == 32, text.hasPrefix("0x") else { throw bad(name, text) }
            return b
        }
        let o = order
        guard let side = Side(rawValue: o.side) else { throw bad("side", o.side) }
        guard let sigType = SignatureType(rawValue: o.signatureType) else {
            throw bad("signatureType", String(o.signatureType))
        }
        guard let tokenID = BigUInt(uint256Text: o.tokenID), !o.tokenID.hasPrefix("0x") else {
            throw bad("tokenId", o.tokenID)
        }
        guard let type = OrderType(rawValue: orderType) else { throw bad("orderType", orderType) }
        guard let signature = try? Hex.decode(o.signature), o.signature.hasPrefix("0x") else {
            throw bad("signature", o.signature)
        }
        let parsed = OrderV2(
            salt: o.salt, maker: try address("maker", o.maker), signer: try address("signer", o.signer),
            tokenID: tokenID, makerAmount: try uint("makerAmount", o.makerAmount),
            takerAmount: try uint("takerAmount", o.takerAmount), side: side, signatureType: sigType,
            timestamp: try uint("timestamp", o.timestamp), metadata: try bytes32("metadata", o.metadata),
            builder: try bytes32("builder", o.builder), expiration: try uint("expiration", o.expiration ?? "0"))
        return PostOrderRequest(
            order: SignedOrder(order: parsed, signature: signature), owner: owner, orderType: type,
            postOnly: postOnly ?? false, deferExec: deferExec ?? false)
    }
}
