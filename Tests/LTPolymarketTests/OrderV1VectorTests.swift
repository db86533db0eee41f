import BigInt
import Foundation
import LTChain
import LTCore
import Testing

@testable import LTPolymarket

/// orders_v1.json (the legacy exchange): hashes, signature and body of every vector's signed order.
struct OrderV1VectorTests {
    nonisolated(unsafe) static let cases = Vectors.load("orders_v1.json")["vectors"] as! [[String: Any]]

    @Test("orders_v1: hashes, signature, body", arguments: cases.map { $0["id"] as! String })
    func reproducesVector(id: String) throws {
        let v = Self.cases.first { $0["id"] as! String == id }!
        let inputs = v["inputs"] as! [String: Any]
        let s = v["signed_order"] as! [String: Any]
        let order = OrderV1(
            salt: UInt64(Vectors.string(s["salt"]))!, maker: try Address(hex: s["maker"] as! String),
            signer: try Address(hex: s["signer"] as! String), taker: try Address(hex: s["taker"] as! String),
            tokenID: BigUInt(s["tokenId"] as! String)!, makerAmount: UInt64(s["makerAmount"] as! String)!,
            takerAmount: UInt64(s["takerAmount"] as! String)!, expiration: UInt64(s["expiration"] as! String)!,
            nonce: UInt64(s["nonce"] as! String)!, feeRateBps: UInt64(s["feeRateBps"] as! String)!,
            side: Side(rawValue: s["side"] as! String)!,
            signatureType: SignatureType(rawValue: (s["signatureType"] as! NSNumber).intValue)!)
        let domain = OrderV1.domain(negRisk: inputs["neg_risk"] as! Bool)
        #expect(domain.verifyingContract == (try Address(hex: v["exchange"] as! String)))
        #expect(Hex.encode(domain.separator) == v["domain_separator"] as! String)
        #expect(Hex.encode(try order.structHash()) == v["struct_hash"] as! String)
        #expect(Hex.encode(try order.digest(domain: domain)) == v["digest"] as! String)
        #expect(Hex.encode(try order.digest(domain: domain)) == v["order_hash_official"] as! String)
        #expect(
            Hex.encode(try Vectors.typedData(v["eip712_typed_data"] as! [String: Any]).digest()) == v["digest"]
                as! String)
        let signature = try order.sign(key: Vectors.testKey, domain: domain)
        #expect(Hex.encode(signature) == v["signature"] as! String)
        let request = v["post_order_request"] as! [String: Any]
        let body = order.postBody(
            signature: signature, owner: OrderVectorTests.credentials.key,
            orderType: OrderType(rawValue: inputs["order_type"] as! String)!,
            postOnly: inputs["post_only"] as? Bool ?? false)
        #expect(body == request["body_exact"] as! String)
    }
}
