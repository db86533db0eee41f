import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP
import Testing

@testable import LTPolymarket

/// Orders with a non-zero builder code (protocol §5.8) against vectors the official
/// py-clob-client-v2 produced (`scripts/vectors/builder-code-vectors.py`; orders_v2.json has only
/// zero builders): the struct hash, order id, signature and body must be the client's, byte for byte.
struct BuilderCodeTests {
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let url = Vectors.directory.deletingLastPathComponent().appendingPathComponent("builder/orders_v2_builder.json")
        let data = try! Data(contentsOf: url)
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return root["vectors"] as! [[String: Any]]
    }()
    static let ids = cases.map { $0["id"] as! String }

    static func order(_ v: [String: Any], builder: [UInt8]) throws -> (OrderV2, ExchangeDomain) {
        let i = v["inputs"] as! [String: Any]
        let sig = SignatureType(rawValue: (i["sig"] as! NSNumber).intValue)!
        let maker = try Address(hex: i["maker"] as! String)
        let order = OrderV2(
            salt: UInt64(Vectors.string(i["salt"]))!, maker: maker,
            signer: sig == .poly1271 ? maker : Vectors.testKey.address, tokenID: BigUInt(i["token_id"] as! String)!,
            makerAmount: UInt64(i["makerAmount"] as! String)!, takerAmount: UInt64(i["takerAmount"] as! String)!,
            side: Side(rawValue: i["side"] as! String)!, signatureType: sig,
            timestamp: UInt64(i["timestamp_ms"] as! String)!, builder: builder)
        return (order, .v2(negRisk: i["neg_risk"] as! Bool))
    }

    @Test("builder code: hash, signature and body as the official client", arguments: ids)
    func matchesOfficialClient(id: String) throws {
        let v = Self.cases.first { $0["id"] as! String == id }!
        let i = v["inputs"] as! [String: Any]
        let code = try #require(WalletConfig.parseBuilderCode(i["builder_code"] as! String))
        #expect(code != Word.zero)
        let (order, domain) = try Self.order(v, builder: code)
        #expect(domain.verifyingContract == (try Address(hex: v["exchange"] as! String)))
        #expect(order.orderID(domain: domain) == v["order_hash"] as! String)
        // The generic EIP-712 engine agrees with the fast struct hash.
        #expect(try order.typedData(domain: domain).digest() == order.digest(domain: domain))
        let signed = try SignedOrder.sign(order: order, key: Vectors.testKey, domain: domain)
        #expect(signed.signatureHex == v["signature"] as! String)
        let body = signed.postBody(
            owner: i["owner"] as! String, orderType: OrderType(rawValue: i["order_type"] as! String)!)
        #expect(body == v["body_exact"] as! String)
        #expect(try SignedOrder.parsePostBody(Array(body.utf8)).order == signed)
        // The builder is signed: the same order without it is another order.
        let (plain, _) = try Self.order(v, builder: Word.zero)
        #expect(plain.orderID(domain: domain) != order.orderID(domain: domain))
    }

    @Test func builderCodeFormat() {
        let full = "0x" + String(repeating: "ab", count: 32)
        #expect(WalletConfig.parseBuilderCode(full) == [UInt8](repeating: 0xab, count: 32))
        #expect(WalletConfig.parseBuilderCode(full.uppercased().replacingOccurrences(of: "0X", with: "0x")) != nil)
        for bad in [
            "", "0x", "0xabc12", String(full.dropFirst(2)), full + "00", "0x" + String(repeating: "g", count: 64),
            "0X" + String(repeating: "ab", count: 32), String(full.dropLast()),
        ] {
            #expect(WalletConfig.parseBuilderCode(bad) == nil, "\(bad)")
        }
    }

    /// The executor's own signing path carries the wallet's builder code into the struct and body.
    @Test func executionVenueSignsWithTheWalletsBuilderCode() throws {
        let dir = NSTemporaryDirectory() + "lt-builder-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/k.key"
        let meta = Vectors.load("orders_v2.json")["meta"] as! [String: Any]
        try Data((meta["test_private_key"] as! String).utf8).write(to: URL(fileURLWithPath: keyFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let code = "0x" + String(repeating: "0", count: 58) + "abc123"
        let walletsFile = dir + "/wallets.json"
        try Data(
            #"""
            {"wallets": {"w": {"key_file": "\#(keyFile)", "signature_type": 0, "builder_code": "\#(code)",
              "api_credentials": {"key": "k", "secret": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "passphrase": "p"}}}}
            """#.utf8
        ).write(to: URL(fileURLWithPath: walletsFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: walletsFile)
        let venue = ClobVenue(
            clob: ClobClient(baseURL: "http://127.0.0.1:9", http: HTTPClient()),
            wallets: { () throws(WalletConfigError) -> WalletsFile in try WalletsFile.load(path: walletsFile) },
            nowMs: { 1_767_225_600_000 })
        let signed = try venue.sign(
            OrderRequest(
                wallet: "w", side: .buy, tokenID: "123", negRisk: false, tickSize: Fixed6(micros: 10_000),
                limitPrice: Fixed6(micros: 500_000), amount: Fixed6(micros: 2_000_000), orderType: .fok))
        let parsed = try SignedOrder.parsePostBody(Array(signed.payload.utf8))
        #expect(Hex.encode(parsed.order.order.builder) == code)
        #expect(signed.payload.contains(#""builder":"\#(code)""#))
        #expect(parsed.order.order.orderID(domain: .v2(negRisk: false)) == signed.orderHash)
    }
}
