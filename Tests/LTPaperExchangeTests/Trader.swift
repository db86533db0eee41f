import BigInt
import Foundation
import LTChain
import LTCore
import LTPolymarket

@testable import LTPaperExchange

/// Signs orders and requests with the reference key, as `lt` would, for in-process posting.
struct Trader {
    let key: PrivateKey
    let credentials = ApiCredentials(key: TestKey.apiKey, secret: TestKey.secret, passphrase: TestKey.passphrase)
    var timestamp: Int64 = 1_767_225_600
    var salt: UInt64 = 1000

    init(keyHex: String = TestKey.privateKey) throws { key = try PrivateKey(hex: keyHex) }

    /// An order for `maker` (the EOA, or its proxy/Safe/deposit wallet per `type`).
    mutating func order(
        _ side: Side, token: String, makerAmount: UInt64, takerAmount: UInt64, type: SignatureType = .eoa,
        maker: String? = nil, negRisk: Bool = false, signer: Address? = nil
    ) throws -> SignedOrder {
        salt += 1
        let makerAddress = try maker.map { try Address(hex: $0) } ?? key.address
        let o = OrderV2(
            salt: salt, maker: makerAddress, signer: signer ?? (type == .poly1271 ? makerAddress : key.address),
            tokenID: BigUInt(token)!, makerAmount: makerAmount, takerAmount: takerAmount, side: side,
            signatureType: type, timestamp: UInt64(timestamp) * 1000)
        return try SignedOrder.sign(order: o, key: key, domain: .v2(negRisk: negRisk))
    }

    /// L2 headers for a request.
    func headers(method: String, path: String, body: String?) -> [String: String] {
        var h: [String: String] = [:]
        for (k, v) in L2Auth.headers(
            credentials: credentials, address: key.address, timestamp: timestamp, method: method, requestPath: path,
            body: body)
        {
            h[k] = v
        }
        return h
    }

    func post(_ order: SignedOrder, _ type: OrderType) -> PaperRequest {
        postBody(order.postBody(owner: TestKey.apiKey, orderType: type))
    }

    func postBody(_ body: String) -> PaperRequest {
        PaperRequest(
            method: "POST", target: "/order", headers: headers(method: "POST", path: "/order", body: body),
            body: Array(body.utf8))
    }

    func get(_ target: String) -> PaperRequest {
        let path = String(target.split(separator: "?", maxSplits: 1)[0])
        return PaperRequest(method: "GET", target: target, headers: headers(method: "GET", path: path, body: nil))
    }
}

/// Decimal text → base units (micros), for readable test amounts.
func units(_ text: String) -> UInt64 { UInt64(try! Fixed6(parsing: text).micros) }
