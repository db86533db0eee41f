import Foundation
import LTChain
import Testing

@testable import LTPolymarket

/// l1_headers.json and l2_headers.json, every case.
struct AuthVectorTests {
    nonisolated(unsafe) static let l1 = Vectors.load("l1_headers.json")["vectors"] as! [[String: Any]]
    nonisolated(unsafe) static let l2File = Vectors.load("l2_headers.json")
    nonisolated(unsafe) static let l2 = l2File["vectors"] as! [[String: Any]]
    nonisolated(unsafe) static let builder = l2File["builder_headers"] as! [[String: Any]]

    @Test("l1_headers", arguments: l1.map { $0["id"] as! String })
    func l1Headers(id: String) throws {
        let v = Self.l1.first { $0["id"] as! String == id }!
        let inputs = v["inputs"] as! [String: Any]
        let timestamp = Int64(Vectors.string(inputs["timestamp"]))!
        let nonce = UInt64(Vectors.string(inputs["nonce"]))!
        let chainID = Int(Vectors.string(inputs["chain_id"]))!
        let key = Vectors.testKey
        let typed = L1Auth.typedData(address: key.address, timestamp: timestamp, nonce: nonce, chainID: chainID)
        #expect(Hex.encode(try typed.domainSeparator()) == v["domain_separator"] as! String)
        #expect(Hex.encode(try typed.hashStruct()) == v["struct_hash"] as! String)
        #expect(Hex.encode(try typed.digest()) == v["digest"] as! String)
        let generic = Vectors.typedData(v["eip712_typed_data"] as! [String: Any])
        #expect(Hex.encode(try generic.digest()) == v["digest"] as! String)

        let headers = try L1Auth.headers(key: key, timestamp: timestamp, nonce: nonce, chainID: chainID)
        #expect(headers.map(\.0) == ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_NONCE"])
        let dict = Dictionary(uniqueKeysWithValues: headers)
        for name in ["headers_py_clob_client", "headers_py_clob_client_v2", "headers_polymarket_client"] {
            if let expected = v[name] as? [String: String] { #expect(dict == expected) }
        }
        let recovered = try L1Auth.recoverAddress(
            signature: dict["POLY_SIGNATURE"]!, address: key.address, timestamp: timestamp, nonce: nonce,
            chainID: chainID)
        #expect(recovered == key.address)
        // A different timestamp is a different message: the signature no longer matches the address.
        let replayed = try L1Auth.recoverAddress(
            signature: dict["POLY_SIGNATURE"]!, address: key.address, timestamp: timestamp + 1, nonce: nonce,
            chainID: chainID)
        #expect(replayed != key.address)
    }

    @Test("l2_headers", arguments: l2.map { $0["id"] as! String })
    func l2Headers(id: String) throws {
        let v = Self.l2.first { $0["id"] as! String == id }!
        let i = v["inputs"] as! [String: Any]
        let creds = ApiCredentials(
            key: i["api_key"] as! String, secret: i["api_secret"] as! String, passphrase: i["api_passphrase"] as! String
        )
        let timestamp = Int64(Vectors.string(i["timestamp"]))!
        let method = i["method"] as! String
        let path = i["request_path"] as! String
        let body = i["body"] as? String
        #expect(
            L2Auth.message(timestamp: timestamp, method: method, requestPath: path, body: body)
                == v["hmac_message"] as! String)
        #expect(
            L2Auth.message(timestamp: timestamp, method: method, requestPath: path, body: body, legacyQuoteQuirk: false)
                == v["hmac_message_raw_unified"] as! String)
        let headers = L2Auth.headers(
            credentials: creds, address: try Address(hex: i["address"] as! String), timestamp: timestamp,
            method: method, requestPath: path, body: body)
        let dict = Dictionary(uniqueKeysWithValues: headers)
        for name in ["headers_py_clob_client", "headers_py_clob_client_v2"] {
            if let expected = v[name] as? [String: String] { #expect(dict == expected) }
        }
        let unified = try L2Auth.signature(
            secret: creds.secret, timestamp: timestamp, method: method, requestPath: path, body: body,
            legacyQuoteQuirk: false)
        #expect(unified == v["POLY_SIGNATURE_polymarket_client"] as! String)
    }

    @Test("builder headers", arguments: builder.map { $0["id"] as! String })
    func builderHeaders(id: String) throws {
        let v = Self.builder.first { $0["id"] as! String == id }!
        let i = v["inputs"] as! [String: Any]
        let creds = ApiCredentials(
            key: i["key"] as! String, secret: i["secret"] as! String, passphrase: i["passphrase"] as! String)
        let headers = L2Auth.builderHeaders(
            credentials: creds, timestamp: Int64(Vectors.string(i["timestamp"]))!, method: i["method"] as! String,
            requestPath: i["path"] as! String, body: i["body"] as? String)
        #expect(Dictionary(uniqueKeysWithValues: headers) == v["headers_py_builder_signing_sdk"] as! [String: String])
    }

    @Test func credentialsNeverPrintTheirSecrets() throws {
        let creds = ApiCredentials(
            key: "k-1", secret: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", passphrase: "pp-secret")
        for text in [creds.description, String(reflecting: creds), "\(creds)", dumped(creds)] {
            #expect(!text.contains("AAECAw") && !text.contains("pp-secret"))
            #expect(text.contains("k-1"))
        }
        let json = #"{"apiKey":"k","secret":"not base64!","passphrase":"p"}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ApiCredentials.self, from: Data(json.utf8)) }
    }

    private func dumped(_ value: Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }
}
