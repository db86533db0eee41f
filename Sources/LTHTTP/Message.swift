import Foundation

/// One header field. Names compare case-insensitively (RFC 9110); order and duplicates are kept.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
    case delete = "DELETE"
    case put = "PUT"
}

/// A request as a value: nothing about it lives in the transport, so it can be built, logged (via
/// `summary`, which never includes headers or body) and retried without side effects.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Total time for this request (connect + send + receive); nil = the client's default.
    public var timeout: Duration?
    /// The response carries secrets (e.g. API-key creation): errors never quote its body.
    public var sensitiveResponse: Bool

    public init(
        method: HTTPMethod, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        timeout: Duration? = nil, sensitiveResponse: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.sensitiveResponse = sensitiveResponse
    }

    /// A GET for `url`.
    public static func get(_ url: String, headers: [HTTPHeader] = []) -> HTTPRequest {
        HTTPRequest(method: .get, url: url, headers: headers)
    }

    /// A request whose body is `json` (already serialized: the exact bytes matter for HMAC auth).
    public static func json(
        _ method: HTTPMethod, _ url: String, body json: String, headers: [HTTPHeader] = []
    ) -> HTTPRequest {
        HTTPRequest(
            method: method, url: url, headers: [HTTPHeader("Content-Type", "application/json")] + headers,
            body: Array(json.utf8))
    }

    /// "METHOD url" — safe for logs and errors: headers (auth) and bodies are never part of it.
    public var summary: String { "\(method.rawValue) \(url)" }

    /// The first value of header `name`, case-insensitively.
    public func header(named name: String) -> String? { headers.firstValue(named: name) }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The first value of header `name`, case-insensitively.
    public func header(named name: String) -> String? { headers.firstValue(named: name) }

    /// The body as UTF-8 text (invalid sequences repaired, never a crash).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// `Retry-After` as a delay, when it is a number of seconds (RFC 9110 also allows an HTTP
    /// date; venues we talk to send seconds, and a date falls back to ordinary backoff).
    public var retryAfter: Duration? {
        guard let raw = header(named: "Retry-After")?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(raw), seconds.isFinite, seconds >= 0
        else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Decodes the body as JSON; a body that does not decode is `.malformedBody`, so callers see
    /// one error type for every way a response can be wrong.
    public func decode<T: Decodable>(
        _ type: T.Type = T.self, for request: HTTPRequest, decoder: JSONDecoder = JSONDecoder()
    ) throws(HTTPError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch {
            throw HTTPError.malformedBody(
                request: request.summary, status: status, reason: HTTPError.describe(decodingError: error),
                excerpt: request.sensitiveResponse ? nil : HTTPError.excerpt(body))
        }
    }

    /// Returns self when the status is 2xx, else throws `.status` (body excerpt unless sensitive).
    public func requireSuccess(for request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard isSuccess else {
            throw HTTPError.status(
                request: request.summary, code: status,
                excerpt: request.sensitiveResponse ? nil : HTTPError.excerpt(body))
        }
        return self
    }
}

extension [HTTPHeader] {
    func firstValue(named name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Builds request URLs: `base` (trailing slashes ignored) + `path` + percent-encoded query.
public enum URLBuilder {
    /// `URLBuilder.url("https://h/", "/book", query: [("token_id", "1")])` → `https://h/book?token_id=1`.
    public static func url(_ base: String, _ path: String, query: [(String, String)] = []) -> String {
        var b = Substring(base)
        while b.hasSuffix("/") { b = b.dropLast() }
        var url = String(b) + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            url += "?" + query.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
