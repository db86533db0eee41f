import Foundation
import LTChain

/// Loads the reference vectors from Tests/Fixtures/vectors (copied unchanged from the official
/// clients' output). Tests iterate over every case a file holds, so a larger file of the same
/// format tests all of its cases.
enum Vectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/vectors")

    static func load(_ name: String) -> [String: Any] {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { fatalError("cannot load vector file \(url.path)") }
        return object
    }

    /// The well-known documentation key of the vectors, built at runtime and never printed.
    static let testKey: PrivateKey = {
        let meta = load("orders_v2.json")["meta"] as! [String: Any]
        return try! PrivateKey(hex: meta["test_private_key"] as! String)
    }()

    /// JSON (as Foundation parses it) → EIP-712 value; numbers become decimal text, which the
    /// engine interprets through the field's declared type.
    static func eip712Value(_ json: Any) -> EIP712.Value {
        switch json {
        case let s as String: return .string(s)
        case let n as NSNumber: return .string(n.stringValue)  // the vectors' typed data has no bools
        case let a as [Any]: return .array(a.map(eip712Value))
        case let d as [String: Any]: return .object(d.mapValues(eip712Value))
        default: fatalError("unexpected JSON value \(json)")
        }
    }

    static func typedData(_ json: [String: Any]) -> EIP712.TypedData {
        let typesJSON = json["types"] as! [String: [[String: String]]]
        let types = typesJSON.mapValues { $0.map { EIP712.Field(name: $0["name"]!, type: $0["type"]!) } }
        guard case .object(let domain) = eip712Value(json["domain"]!),
            case .object(let message) = eip712Value(json["message"]!)
        else { fatalError("typed data without domain or message") }
        return EIP712.TypedData(
            types: types, primaryType: json["primaryType"] as! String, domain: domain, message: message)
    }

    static func string(_ v: Any?) -> String {
        switch v {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: fatalError("expected a string or number, got \(String(describing: v))")
        }
    }
}

/// What the venue accepts for an official vector's amounts (protocol §5.8). The official clients
/// compute market (FOK/FAK) orders with the tick's amount decimals, 5–6 on the fine ticks, and the
/// live venue rejects every such order ("maker amount supports a max accuracy of 2 decimals, taker
/// amount a max of 4 decimals"). `lt` keeps the SDK's algorithm and then truncates the taker to 4
/// decimals (down, so a BUY's derived price maker ÷ taker stays ≥ its limit). So the expected value
/// of a market case is derived from the vector by that rule: the maker as given (the SDK already
/// truncates it to 2 decimals, which is asserted), the taker rounded down to 4 decimals. Limit
/// orders and market orders already within the caps are expected byte for byte.
enum MarketOrderCaps {
    /// Base units (6 decimals) per step of the market taker's last allowed decimal (10⁻⁴).
    static let marketTakerStep: UInt64 = 100
    static let marketMakerStep: UInt64 = 10_000

    static func expected(kind: String, makerAmount: String, takerAmount: String) -> (maker: UInt64, taker: UInt64) {
        let maker = UInt64(makerAmount)!
        let taker = UInt64(takerAmount)!
        guard kind == "market" else { return (maker, taker) }
        precondition(maker % marketMakerStep == 0, "an SDK market maker amount with more than 2 decimals")
        return (maker, taker / marketTakerStep * marketTakerStep)
    }
}
