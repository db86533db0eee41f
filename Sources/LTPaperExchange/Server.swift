import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Request context that keeps the connection, so a fault can drop it without an answer.
public struct PaperContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Adapts Hummingbird requests to `PaperExchange.handle` and applies armed faults.
struct PaperResponder: HTTPResponder {
    typealias Context = PaperContext
    let exchange: PaperExchange

    struct Dropped: Error {}

    func respond(to request: Request, context: PaperContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 8 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let target = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
        let req = PaperRequest(
            method: request.method.rawValue, target: target, headers: headers, body: Array(buffer.readableBytesView))
        let fault = req.path.hasPrefix("/_control") ? nil : exchange.takeFault(method: req.method, path: req.path)
        guard let fault else { return Self.response(exchange.handle(req)) }
        switch fault.kind {
        case "latency":
            try await Task.sleep(for: .milliseconds(fault.latencyMs))
            return Self.response(exchange.handle(req, fault: fault.kind))
        case "http_429":
            if fault.process { _ = exchange.handle(req, fault: fault.kind) }
            var r = PaperResponse.json(
                .object([
                    ("error", "Too Many Requests"), ("retry_after_seconds", .int(fault.retryAfterSeconds)),
                ]), status: fault.status)
            r.headers.append(("Retry-After", String(fault.retryAfterSeconds)))
            return Self.response(r)
        case "http_500", "http_5xx":
            if fault.process { _ = exchange.handle(req, fault: fault.kind) }
            return Self.response(.error(fault.status, "Internal Server Error"))
        case "malformed_json":
            var answer = PaperResponse.json(.object([("success", true)]))
            if fault.process { answer = exchange.handle(req, fault: fault.kind) }
            let cut = answer.body.prefix(max(1, answer.body.count / 2))
            answer.body = String(cut) + "\u{1}<<<"
            answer.status = 200
            return Self.response(answer)
        case "replace_body":
            if fault.process { _ = exchange.handle(req, fault: fault.kind) }
            var answer = PaperResponse.json(.object([]))
            answer.body = fault.body ?? ""
            answer.status = 200
            return Self.response(answer)
        case "timeout":
            if fault.process { _ = exchange.handle(req, fault: fault.kind) }
            try? await Task.sleep(for: .milliseconds(fault.latencyMs))
            try? await context.channel.close()
            throw Dropped()
        default:  // drop_after_accept
            if fault.process { _ = exchange.handle(req, fault: fault.kind) }
            try? await context.channel.close()
            throw Dropped()
        }
    }

    static func response(_ r: PaperResponse) -> Response {
        var fields = HTTPFields()
        for (k, v) in r.headers {
            if let name = HTTPField.Name(k) { fields[name] = v }
        }
        return Response(
            status: HTTPResponse.Status(code: r.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: r.body)))
    }
}

/// A running server (loopback only). `stop()` shuts it down.
public final class PaperServer: Sendable {
    public let port: Int
    public let exchange: PaperExchange
    let task: Task<Void, any Error>

    public var url: String { "http://127.0.0.1:\(port)" }

    init(port: Int, exchange: PaperExchange, task: Task<Void, any Error>) {
        self.port = port
        self.exchange = exchange
        self.task = task
    }

    static func application(
        exchange: PaperExchange, port: Int, onReady: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "lt-paper-exchange")
        logger.logLevel = .critical
        return Application(
            responder: PaperResponder(exchange: exchange),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "lt-paper-exchange"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Starts the server in the background and returns once it listens.
    public static func start(exchange: PaperExchange, port: Int = 0) async throws -> PaperServer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = application(exchange: exchange, port: port) { continuation.yield($0) }
        let task = Task { try await app.run() }
        var bound: Int?
        for await p in stream {
            bound = p
            break
        }
        guard let bound else { throw PaperInputError("the server did not start") }
        return PaperServer(port: bound, exchange: exchange, task: task)
    }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Runs in the foreground until SIGINT/SIGTERM (the executable).
    public static func runForever(
        exchange: PaperExchange, port: Int, onReady: @escaping @Sendable (Int) async -> Void
    ) async throws {
        try await application(exchange: exchange, port: port, onReady: onReady).runService()
    }
}
