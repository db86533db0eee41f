import Foundation

/// Every way an HTTP exchange can fail, classified once at the transport boundary.
///
/// Messages carry the request summary ("METHOD url"), never headers (auth) or request bodies.
/// Response excerpts are short and omitted for requests marked `sensitiveResponse`.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum TransportKind: String, Sendable, Hashable {
        /// The deadline passed; the request may have been received and processed.
        case timeout
        /// No connection was established (refused, DNS, TLS handshake, proxy): nothing was sent.
        case connect
        /// The connection broke mid-exchange (reset, closed early, empty reply): the request may
        /// have been processed.
        case dropped
        /// Anything else libcurl reports.
        case other
    }

    /// No complete HTTP response arrived.
    case transport(request: String, kind: TransportKind, message: String)
    /// A complete response with a status the caller did not accept.
    case status(request: String, code: Int, excerpt: String?)
    /// A complete response whose body is not what the protocol promises.
    case malformedBody(request: String, status: Int, reason: String, excerpt: String?)

    public var description: String {
        switch self {
        case .transport(let request, let kind, let message):
            return "\(request): transport error (\(kind.rawValue)): \(message)"
        case .status(let request, let code, let excerpt):
            return "\(request): HTTP \(code)" + (excerpt.map { ": \($0)" } ?? "")
        case .malformedBody(let request, let status, let reason, let excerpt):
            return "\(request): malformed body (HTTP \(status)): \(reason)" + (excerpt.map { ": \($0)" } ?? "")
        }
    }

    /// True when the request provably never reached the server.
    public var provablyNotSent: Bool {
        if case .transport(_, .connect, _) = self { return true }
        return false
    }

    static let excerptLimit = 200

    /// The start of a body, as printable text, for diagnostics.
    static func excerpt(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(excerptLimit), as: UTF8.self)
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        return body.count > excerptLimit ? printable + "…" : printable
    }

    /// A one-line reason for a decoding failure: the coding path and what was wrong, not the
    /// values (which could be anything the server sent).
    static func describe(decodingError error: any Error) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : p
        }
        switch error {
        case DecodingError.dataCorrupted(let ctx):
            return "data corrupted at \(path(ctx)): \(ctx.debugDescription)"
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing key '\(key.stringValue)' at \(path(ctx))"
        case DecodingError.typeMismatch(let type, let ctx):
            return "type mismatch at \(path(ctx)) (expected \(type))"
        case DecodingError.valueNotFound(let type, let ctx):
            return "null at \(path(ctx)) (expected \(type))"
        default:
            return String(describing: type(of: error))
        }
    }
}
