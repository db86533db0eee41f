import BigInt
import Foundation
import LTChain
import LTCore
import Testing

@testable import LTPolymarket

/// orders_v2.json: every vector's amounts, struct hash, domain separator, digest (= order id),
/// signature, exact POST body (both clients' layouts) and L2 headers, reproduced byte for byte.
struct OrderVectorTests {
    nonisolated(unsafe) static let file = Vectors.load("orders_v2.json")
    nonisolated(unsafe) static let cases = (file["vectors"] as! [[String: Any]])
    static let ids = cases.map { $0["id"] as! String }

    /// The L2 credentials of the vectors (orders_v2 carries the key and passphrase in its headers,
    /// the secret lives in l2_headers.json).
    static let credentials: ApiCredentials = {
        let l2 = (Vectors.load("l2_headers.json")["vectors"] as! [[String: Any]])[0]["inputs"] as! [String: Any]
        return ApiCredentials(
            key: l2["api_key"] as! String, secret: l2["api_secret"] as! String,
            passphrase: l2["api_passphrase"] as! String)
    }()

    static func vector(_ id: String) -> [String: Any] { cases.first { $0["id"] as! String == id }! }

    /// The amounts `lt` computes from the vector's inputs (the unified SDK's exact algorithm).
    static func amounts(_ v: [String: Any]) throws -> OrderAmounts.Amounts {
        let inputs = v["inputs"] as! [String: Any]
        let side = Side(rawValue: inputs["side"] as! String)!
        let tick = try TickSize(parsing: inputs["tick"] as! String)
        let price = try ExactDecimal(parsing: Vectors.string(inputs["price"]))
        if inputs["kind"] as! String == "limit" {
            return try OrderAmounts.limit(
                side: side, price: price, size: ExactDecimal(parsing: Vectors.string(inputs["size"])), tick: tick)
        }
        return try OrderAmounts.market(
            side: side, price: price, amount: ExactDecimal(parsing: Vectors.string(inputs["amount"])), tick: tick)
    }

    /// The order of a vector with the given amounts (the vector's own signed amounts, or ours).
    static func buildOrder(_ v: [String: Any], amounts: OrderAmounts.Amounts? = nil) throws -> (OrderV2, ExchangeDomain)
    {
        let inputs = v["inputs"] as! [String: Any]
        let signed = v["signed_order"] as! [String: Any]
        let amounts = amounts ?? (UInt64(signed["makerAmount"] as! String)!, UInt64(signed["takerAmount"] as! String)!)
        let side = Side(rawValue: inputs["side"] as! String)!
        let sigType = SignatureType(rawValue: (inputs["sig"] as! NSNumber).intValue)!
        let funder = try Address(hex: inputs["funder"] as! String)
        let key = Vectors.testKey
        let order = OrderV2(
            salt: UInt64(Vectors.string(inputs["salt"]))!, maker: funder,
            signer: sigType == .poly1271 ? funder : key.address,
            tokenID: BigUInt(inputs["token_id"] as! String)!, makerAmount: amounts.makerAmount,
            takerAmount: amounts.takerAmount, side: side, signatureType: sigType,
            timestamp: UInt64(Vectors.string(inputs["timestamp_ms"]))!,
            // As signed: a vector with a non-zero builder code or metadata must hash with it.
            metadata: try Hex.decode(signed["metadata"] as! String),
            builder: try Hex.decode(signed["builder"] as! String),
            expiration: UInt64(Vectors.string(inputs["expiration"] ?? 0))!)
        let domain = ExchangeDomain.v2(
            negRisk: inputs["neg_risk"] as! Bool, chainID: (inputs["chain_id"] as! NSNumber).intValue)
        return (order, domain)
    }

    @Test("orders_v2: amounts, hashes, signature, body and headers", arguments: ids)
    func reproducesVector(id: String) throws {
        let v = Self.vector(id)
        let inputs = v["inputs"] as! [String: Any]
        let signed = v["signed_order"] as! [String: Any]
        let (order, domain) = try Self.buildOrder(v)
        let unified = v["unified_sdk"] as! [String: Any]

        // Our amounts are the unified SDK's with the venue's market-order caps applied by rule
        // (`MarketOrderCaps`, §5.8: a market taker truncated to 4 decimals); py-clob-client-v2's float
        // code (which produced the signed struct) loses a unit in a few cases. The hashes,
        // signatures and bodies below are checked on the amounts the vector gives as signed inputs,
        // so they stay byte for byte whatever amounts lt would choose.
        let ours = try Self.amounts(v)
        let unifiedAmounts = (
            makerAmount: UInt64(unified["makerAmount"] as! String)!,
            takerAmount: UInt64(unified["takerAmount"] as! String)!
        )
        let venue = MarketOrderCaps.expected(
            kind: inputs["kind"] as! String, makerAmount: unified["makerAmount"] as! String,
            takerAmount: unified["takerAmount"] as! String)
        #expect(ours.makerAmount == venue.maker)
        #expect(ours.takerAmount == venue.taker)
        if venue.maker == order.makerAmount && venue.taker == order.takerAmount {
            #expect(ours.makerAmount == order.makerAmount && ours.takerAmount == order.takerAmount)
        }
        #expect(order.maker.checksummed == signed["maker"] as! String)
        #expect(order.signer.checksummed == signed["signer"] as! String)
        #expect(domain.verifyingContract == (try Address(hex: v["exchange"] as! String)))
        #expect(domain.version == v["domain_version"] as! String)

        // Fast path and generic engine (from the vector's own type description) agree with the vector.
        #expect(Hex.encode(domain.separator) == v["domain_separator"] as! String)
        #expect(Hex.encode(order.structHash) == v["struct_hash"] as! String)
        let generic = Vectors.typedData(v["eip712_typed_data"] as! [String: Any])
        #expect(Hex.encode(try generic.domainSeparator()) == v["domain_separator"] as! String)
        #expect(Hex.encode(try generic.hashStruct()) == v["struct_hash"] as! String)
        #expect(Hex.encode(try generic.digest()) == v["digest"] as! String)
        #expect(try order.typedData(domain: domain).digest() == order.digest(domain: domain))
        #expect(Hex.encode(order.digest(domain: domain)) == v["digest"] as! String)
        #expect(order.orderID(domain: domain) == v["order_hash_official"] as! String)

        let so = try SignedOrder.sign(order: order, key: Vectors.testKey, domain: domain)
        #expect(so.signatureHex == v["signature"] as! String)
        #expect(so.signatureHex == signed["signature"] as! String)

        let request = v["post_order_request"] as! [String: Any]
        let orderType = OrderType(rawValue: inputs["order_type"] as! String)!
        let postOnly = inputs["post_only"] as? Bool ?? false
        let body = so.postBody(owner: Self.credentials.key, orderType: orderType, postOnly: postOnly)
        #expect(body == request["body_exact"] as! String)

        let unifiedRequest = unified["post_order_request"] as! [String: Any]
        // The unified SDK signs its own amounts: sign the order with those and compare.
        let (unifiedOrder, _) = try Self.buildOrder(v, amounts: unifiedAmounts)
        let unifiedSigned = try SignedOrder.sign(order: unifiedOrder, key: Vectors.testKey, domain: domain)
        let unifiedBody = unifiedSigned.postBody(
            owner: Self.credentials.key, orderType: orderType, postOnly: postOnly, style: .unifiedSDK)
        #expect(unifiedBody == unifiedRequest["body_exact"] as! String)
        #expect(unifiedSigned.signatureHex == unified["signature"] as! String)

        // L2 headers over the exact body.
        let expectedHeaders = request["headers"] as! [String: String]
        let headers = L2Auth.headers(
            credentials: Self.credentials, address: Vectors.testKey.address,
            timestamp: Int64(Vectors.string(inputs["header_timestamp"]))!, method: "POST", requestPath: "/order",
            body: body)
        #expect(
            headers.map(\.0) == ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_API_KEY", "POLY_PASSPHRASE"])
        #expect(Dictionary(uniqueKeysWithValues: headers) == expectedHeaders)
        let unifiedHeaders = unifiedRequest["headers"] as! [String: String]
        let unifiedSig = try L2Auth.signature(
            secret: Self.credentials.secret, timestamp: Int64(unifiedHeaders["poly_timestamp"]!)!, method: "POST",
            requestPath: "/order", body: unifiedBody, legacyQuoteQuirk: false)
        #expect(unifiedSig == unifiedHeaders["poly_signature"])

        // The body parses back to the same signed order (both layouts), which recovers to the EOA.
        for (text, expected) in [(body, so), (unifiedBody, unifiedSigned)] {
            let parsed = try SignedOrder.parsePostBody(Array(text.utf8))
            #expect(parsed.order == expected)
            #expect(parsed.owner == Self.credentials.key)
            #expect(parsed.orderType == orderType)
            #expect(parsed.postOnly == postOnly)
        }
        #expect(try so.recoverSigningEOA(domain: domain) == Vectors.testKey.address)
        #expect(so.verify(domain: domain, expectedEOA: Vectors.testKey.address))

        if let nested = v["poly1271"] as? [String: Any] {
            try checkPoly1271(nested, order: order, domain: domain, signed: so)
        } else {
            #expect(so.signature.count == 65)
        }
    }

    func checkPoly1271(_ nested: [String: Any], order: OrderV2, domain: ExchangeDomain, signed: SignedOrder) throws {
        #expect(signed.signature.count == 317)
        #expect(Hex.encode(signed.signature.prefix(65)) == nested["inner_signature"] as! String)
        #expect(Hex.encode(domain.separator) == nested["app_domain_separator"] as! String)
        #expect(Hex.encode(order.structHash) == nested["contents_hash"] as! String)
        #expect(OrderV2.typeString == nested["contents_type"] as! String)
        let typed = Vectors.typedData(nested["nested_typed_data"] as! [String: Any])
        #expect(Hex.encode(try typed.digest()) == nested["nested_digest"] as! String)
        #expect(Hex.encode(ERC7739.orderDigest(order: order, domain: domain)) == nested["nested_digest"] as! String)
        #expect(try ERC7739.typedData(order: order, domain: domain).digest() == (try typed.digest()))
    }

    @Test("a tampered order does not recover to the signer", arguments: ids)
    func tamperedOrderFails(id: String) throws {
        let (order, domain) = try Self.buildOrder(Self.vector(id))
        let signed = try SignedOrder.sign(order: order, key: Vectors.testKey, domain: domain)
        let tampered = OrderV2(
            salt: order.salt, maker: order.maker, signer: order.signer, tokenID: order.tokenID,
            makerAmount: order.makerAmount + 1, takerAmount: order.takerAmount, side: order.side,
            signatureType: order.signatureType, timestamp: order.timestamp)
        let forged = SignedOrder(order: tampered, signature: signed.signature)
        #expect(!forged.verify(domain: domain, expectedEOA: Vectors.testKey.address))
        if order.signatureType == .poly1271 {
            #expect(throws: OrderSigningError.self) { try forged.recoverSigningEOA(domain: domain) }
        } else {
            #expect(try forged.recoverSigningEOA(domain: domain) != Vectors.testKey.address)
        }
        // The right order against the other exchange's domain fails too.
        let other = ExchangeDomain.v2(negRisk: domain != .v2(negRisk: true))
        #expect(!signed.verify(domain: other, expectedEOA: Vectors.testKey.address))
    }

    @Test func signerMustBeTheKeyForTypes0to2() throws {
        let (order, domain) = try Self.buildOrder(Self.vector(Self.ids[0]))
        let stranger = OrderV2(
            salt: order.salt, maker: order.maker, signer: PolymarketContracts.exchangeV2, tokenID: order.tokenID,
            makerAmount: order.makerAmount, takerAmount: order.takerAmount, side: order.side,
            signatureType: .eoa, timestamp: order.timestamp)
        #expect(throws: OrderSigningError.self) {
            try SignedOrder.sign(order: stranger, key: Vectors.testKey, domain: domain)
        }
    }

    @Test func malformedBodiesAreRejected() throws {
        let (order, domain) = try Self.buildOrder(Self.vector(Self.ids[0]))
        let body = try SignedOrder.sign(order: order, key: Vectors.testKey, domain: domain)
            .postBody(owner: "k", orderType: .gtc)
        for (from, to) in [
            ("\"BUY\"", "\"HOLD\""), ("\"GTC\"", "\"GTX\""), ("\"makerAmount\":\"", "\"makerAmount\":\"x"),
        ] {
            #expect(throws: (any Error).self) {
                try SignedOrder.parsePostBody(Array(body.replacingOccurrences(of: from, with: to).utf8))
            }
        }
        #expect(throws: OrderBodyError.self) { try SignedOrder.parsePostBody(Array("{".utf8)) }
    }
}
