import Foundation

/// A request as the exchange core sees it: transport-independent, so tests can drive the core
/// in-process and the Hummingbird layer stays a thin adapter.
public struct PaperRequest: Sendable {
    public var method: String
    /// The path without the query string (what the L2 HMAC covers).
    public var path: String
    public var query: [(String, String)]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(
        method: String, path: String, query: [(String, String)] = [], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        var h: [String: String] = [:]
        for (k, v) in headers { h[k.lowercased()] = v }
        self.headers = h
        self.body = body
    }

    /// Splits `target` ("/book?token_id=1") into path and decoded query items.
    public init(method: String, target: String, headers: [String: String] = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        var query: [(String, String)] = []
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") where !item.isEmpty {
                let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = PaperRequest.unescape(String(kv[0]))
                let v = kv.count > 1 ? PaperRequest.unescape(String(kv[1])) : ""
                query.append((k, v))
            }
        }
        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    static func unescape(_ s: String) -> String {
        (s.replacingOccurrences(of: "+", with: " ")).removingPercentEncoding ?? s
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// First value of a query parameter.
    public func query(_ name: String) -> String? { query.first(where: { $0.0 == name })?.1 }

    /// All values of a parameter, with comma-separated lists split (`condition_ids=a,b&condition_ids=c`).
    public func queryList(_ name: String) -> [String] {
        query.filter { $0.0 == name }.flatMap { $0.1.split(separator: ",").map(String.init) }
            .filter { !$0.isEmpty }
    }
}

public struct PaperResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: String

    public init(status: Int = 200, headers: [(String, String)] = [], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ value: JSON, status: Int = 200) -> PaperResponse {
        PaperResponse(status: status, headers: [("Content-Type", "application/json")], body: value.text)
    }

    /// The venue's error shape: non-2xx with `{"error": "<text>"}`.
    public static func error(_ status: Int, _ message: String) -> PaperResponse {
        json(.object([("error", .string(message))]), status: status)
    }

    public var json: JSON? { try? JSON.parse(body) }
}
