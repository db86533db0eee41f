import Foundation
import LTChain
import LTHTTP
import Testing

@testable import LTPolymarket

/// The requests the client builds, pinned to what the official clients sent (requests.json).
@Suite("ClobClient requests match the official clients")
struct ClobClientRequestTests {
    struct Vector: Decodable {
        var library: String
        var call: String
        var method: String
        var url: String
        var headers: [String: String]
        var body_exact: String?
    }

    static func vectors() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/vectors/requests.json")
        struct File: Decodable { var requests: [Vector] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).requests
    }

    static let credentials = ApiCredentials(
        key: "11111111-2222-4333-8444-555555555555", secret: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        passphrase: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0")

    func check(_ request: HTTPRequest, against v: Vector) {
        #expect(request.method.rawValue == v.method, "\(v.call)")
        #expect(request.url == v.url, "\(v.call)")
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == v.body_exact, "\(v.call)")
        for (name, value) in v.headers {
            #expect(request.header(named: name) == value, "\(v.call) header \(name)")
        }
    }

    @Test func cancelAndGetOrderMatchTheV2Client() throws {
        let vectors = try Self.vectors().filter { $0.library.hasPrefix("py-clob-client-v2") }
        let address = try Address(hex: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let client = ClobClient(baseURL: "https://clob.polymarket.com", http: HTTPClient(), now: { 1_767_228_700 })
        let cancel = try #require(vectors.first { $0.call.hasPrefix("cancel_order(") })
        check(
            client.cancelRequest(
                orderID: "0x" + String(repeating: "cd", count: 32), credentials: Self.credentials, address: address),
            against: cancel)
        let get = try #require(vectors.first { $0.call == "get_order(id)" })
        check(
            client.orderRequest(
                id: "0xabababababababababababababababababababababababababababababababab", credentials: Self.credentials,
                address: address), against: get)
    }

    @Test func tradesSignThePathWithoutTheQuery() throws {
        let address = try Address(hex: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let client = ClobClient(baseURL: "https://clob.example", http: HTTPClient(), now: { 1_767_228_700 })
        let request = client.tradesRequest(
            TradeQuery(id: "0xab", makerAddress: "0xm"), cursor: "MA==", credentials: Self.credentials,
            address: address)
        #expect(request.url == "https://clob.example/data/trades?id=0xab&maker_address=0xm&next_cursor=MA%3D%3D")
        let expected = L2Auth.headers(
            credentials: Self.credentials, address: address, timestamp: 1_767_228_700, method: "GET",
            requestPath: "/data/trades", body: nil)
        #expect(request.header(named: "POLY_SIGNATURE") == expected.first { $0.0 == "POLY_SIGNATURE" }?.1)
    }
}
