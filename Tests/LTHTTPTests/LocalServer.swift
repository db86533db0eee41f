import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Runs `body` on a new thread and resumes the caller when it finishes. The HTTP client blocks;
/// calling it on Swift's cooperative pool (2 threads here) would starve the in-process server.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// Counts requests per key, shared between server handlers and assertions.
final class Counter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Increments `key` and returns the new count.
    @discardableResult
    func hit(_ key: String) -> Int {
        counts.withLock {
            $0[key, default: 0] += 1; return $0[key]!
        }
    }
    func count(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
}

/// A Hummingbird server on 127.0.0.1 with an OS-chosen port, alive for the duration of `body`.
func withLocalServer<T: Sendable>(
    _ router: Router<ChannelContext>, _ body: (String) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: quietLogger)
    let task = Task { try await app.runService(gracefulShutdownSignals: []) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        task.cancel()
        throw TestServerError.noPort
    }
    do {
        let result = try await body("http://127.0.0.1:\(port)")
        task.cancel()
        _ = await task.result
        return result
    } catch {
        task.cancel()
        _ = await task.result
        throw error
    }
}

/// Cancelling the server task at the end of a test makes Hummingbird log shutdown "errors";
/// tests only care about real failures.
private let quietLogger: Logger = {
    var logger = Logger(label: "lt-test-server")
    logger.logLevel = .critical
    return logger
}()

/// Keeps the connection so a route can close it without answering (what a client sees when the
/// server, or a proxy, dies after taking the request).
struct ChannelContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

enum TestServerError: Error { case noPort, dropped }

/// A response whose head and first bytes go out, after which the connection dies: what a client
/// sees when a proxy or the venue drops it mid-answer.
func droppedResponse() -> Response {
    Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "{\"success\":tr"))
            throw TestServerError.dropped
        })
}

func jsonResponse(_ status: HTTPResponse.Status, _ json: String, headers: HTTPFields = [:]) -> Response {
    var h = headers
    h[.contentType] = "application/json"
    return Response(status: status, headers: h, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
}
