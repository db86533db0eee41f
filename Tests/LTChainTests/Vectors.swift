import Foundation
import LTChain

/// Loads Tests/Fixtures/vectors/*.json; tests iterate over every case a file holds.
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

    nonisolated(unsafe) static let chain = load("chain.json")

    /// The vectors' documentation key, built at runtime and never printed.
    static let testKey: PrivateKey = {
        let meta = chain["meta"] as! [String: Any]
        return try! PrivateKey(hex: meta["test_private_key"] as! String)
    }()

    static var testKeyHex: String { (chain["meta"] as! [String: Any])["test_private_key"] as! String }

    static func string(_ v: Any?) -> String {
        switch v {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: fatalError("expected a string or number, got \(String(describing: v))")
        }
    }

    static func cases(_ section: String) -> [[String: Any]] { chain[section] as! [[String: Any]] }
}
