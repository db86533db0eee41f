import Foundation
import LTHTTP
import Synchronization
import Testing

private struct Payload: Decodable, Equatable {
    var value: String
    var n: Int
}

/// Records waits instead of sleeping, so retry tests take no wall-clock time.
private final class SleepRecorder: Sendable {
    private let waits = Mutex<[Duration]>([])
    var recorded: [Duration] { waits.withLock { $0 } }
    func policy(maxAttempts: Int = 4) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .milliseconds(100), maxDelay: .seconds(1),
            maxRetryAfter: .seconds(10), sleep: { d in self.waits.withLock { $0.append(d) } }, random: { 1 })
    }
}

private func expectTransport(_ error: HTTPError?, _ kind: HTTPError.TransportKind) {
    guard case .transport(_, let k, _)? = error else {
        Issue.record("expected transport error \(kind), got \(String(describing: error))")
        return
    }
    #expect(k == kind)
}

private func capture<T>(_ body: () throws(HTTPError) -> T) -> HTTPError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

@Suite("HTTPClient against a local server")
struct HTTPClientTests {
    @Test func getDecodesJSONAndExposesHeadersCaseInsensitively() async throws {
        let counter = Counter()
        let (payload, trace) = try await withTestServer(counter) { base in
            try await runBlocking {
                let client = HTTPClient()
                let response = try client.send(.get(base + "/ok"))
                return (try response.decode(Payload.self, for: .get(base + "/ok")), response.header(named: "x-trace"))
            }
        }
        #expect(payload == Payload(value: "0.52", n: 3))
        #expect(trace == "abc")
    }

    @Test func postSendsExactBodyAndHeaders() async throws {
        let counter = Counter()
        let echoed = try await withTestServer(counter) { base in
            try await runBlocking {
                let client = HTTPClient()
                let request = HTTPRequest.json(
                    .post, base + "/echo", body: #"[{"token_id":"123"}]"#, headers: [HTTPHeader("X-Custom", "v1")])
                return try client.send(request).decode([String: String].self, for: request)
            }
        }
        #expect(echoed["method"] == "POST")
        #expect(echoed["contentType"] == "application/json")
        #expect(echoed["custom"] == "v1")
        #expect(echoed["body"] == #"[{"token_id":"123"}]"#)
    }

    @Test func postWithoutABodySendsAnEmptyOne() async throws {
        let echoed = try await withTestServer(Counter()) { base in
            try await runBlocking {
                let client = HTTPClient()
                let request = HTTPRequest(method: .post, url: base + "/echo")
                // Twice on one handle: the second request must not inherit anything from the first.
                _ = try client.send(HTTPRequest.json(.post, base + "/echo", body: "{\"a\":1}"))
                return try client.send(request).decode([String: String].self, for: request)
            }
        }
        #expect(echoed["method"] == "POST")
        #expect(echoed["body"] == "")
        #expect(echoed["contentType"] != "application/json")
    }

    @Test func deleteCarriesABody() async throws {
        let echoed = try await withTestServer(Counter()) { base in
            try await runBlocking {
                let request = HTTPRequest.json(.delete, base + "/echo", body: #"{"orderID":"0xab"}"#)
                return try HTTPClient().send(request).decode([String: String].self, for: request)
            }
        }
        #expect(echoed["method"] == "DELETE")
        #expect(echoed["body"] == #"{"orderID":"0xab"}"#)
    }

    @Test func connectionIsReusedAcrossRequests() async throws {
        let opened = try await withTestServer(Counter()) { base in
            try await runBlocking {
                let client = HTTPClient()
                for _ in 0..<3 { _ = try client.send(.get(base + "/ok")) }
                return client.connectionsOpened
            }
        }
        #expect(opened == 1)
    }

    /// An idle `lt execute` builds its venue but calls nothing: libcurl is set up by the first
    /// request only (docs/benchmarks.md "Idle tick").
    @Test func libcurlIsSetUpByTheFirstRequestOnly() async throws {
        let started = try await withTestServer(Counter()) { base in
            try await runBlocking {
                let client = HTTPClient()
                let before = client.isStarted
                _ = try client.send(.get(base + "/ok"))
                return (before, client.isStarted)
            }
        }
        #expect(!started.0, "no handle before the first request")
        #expect(started.1)
    }

    @Test func rateLimitIsRetriedAfterRetryAfter() async throws {
        let counter = Counter()
        let sleeps = SleepRecorder()
        let payload = try await withTestServer(counter) { base in
            try await runBlocking {
                try HTTPClient().fetchJSON(.get(base + "/limited"), as: Payload.self, policy: sleeps.policy())
            }
        }
        #expect(payload.n == 2)
        #expect(counter.count("limited") == 2)
        #expect(sleeps.recorded == [.seconds(2)])  // Retry-After: 2, not the 100 ms backoff
    }

    @Test func retryAfterBeyondTheCapIsNotWaitedFor() async throws {
        let counter = Counter()
        let sleeps = SleepRecorder()
        let error = try await withTestServer(counter) { base in
            try await runBlocking {
                capture { () throws(HTTPError) in
                    try HTTPClient().fetchJSON(.get(base + "/limited-long"), as: Payload.self, policy: sleeps.policy())
                }
            }
        }
        guard case .status(_, let code, _)? = error else {
            Issue.record("expected status error, got \(String(describing: error))")
            return
        }
        #expect(code == 429)
        #expect(counter.count("limited-long") == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func serverErrorsAreRetriedWithBackoffThenReported() async throws {
        let counter = Counter()
        let sleeps = SleepRecorder()
        let error = try await withTestServer(counter) { base in
            try await runBlocking {
                capture { () throws(HTTPError) in
                    try HTTPClient().fetchJSON(
                        .get(base + "/fail500"), as: Payload.self, policy: sleeps.policy(maxAttempts: 3))
                }
            }
        }
        guard case .status(_, let code, let excerpt)? = error else {
            Issue.record("expected status error, got \(String(describing: error))")
            return
        }
        #expect(code == 500)
        #expect(excerpt?.contains("engine exploded") == true)
        #expect(counter.count("fail500") == 3)
        #expect(sleeps.recorded == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let counter = Counter()
        let sleeps = SleepRecorder()
        let response = try await withTestServer(counter) { base in
            try await runBlocking {
                try HTTPClient().sendIdempotent(.get(base + "/bad-request"), policy: sleeps.policy())
            }
        }
        #expect(response.status == 400)
        #expect(counter.count("bad-request") == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func sendNeverRetriesAPost() async throws {
        let counter = Counter()
        let (status, dropError) = try await withTestServer(counter) { base in
            try await runBlocking {
                let client = HTTPClient()
                let status = try client.send(.json(.post, base + "/fail500", body: "{}")).status
                let dropError = capture { () throws(HTTPError) in
                    try client.send(.json(.post, base + "/drop", body: "{}"))
                }
                return (status, dropError)
            }
        }
        #expect(status == 500)
        #expect(counter.count("post-fail500") == 1)
        expectTransport(dropError, .dropped)
        #expect(counter.count("post-drop") == 1)
    }

    @Test func aPostDroppedOnAKeptAliveConnectionIsNotResentByLibcurl() async throws {
        let counter = Counter()
        let error = try await withTestServer(counter) { base in
            try await runBlocking {
                let client = HTTPClient()
                // Warm a keep-alive connection, so the POST below would go out on a reused one.
                _ = try client.send(.get(base + "/ok"))
                return capture { () throws(HTTPError) in
                    try client.send(.json(.post, base + "/close-silently", body: #"{"order":1}"#))
                }
            }
        }
        expectTransport(error, .dropped)
        #expect(counter.count("close-silently") == 1)
    }

    @Test func malformedJSONIsClassifiedAsMalformedBody() async throws {
        let error = try await withTestServer(Counter()) { base in
            try await runBlocking {
                capture { () throws(HTTPError) in
                    try HTTPClient().fetchJSON(.get(base + "/malformed"), as: Payload.self, policy: .none)
                }
            }
        }
        guard case .malformedBody(_, let status, _, let excerpt)? = error else {
            Issue.record("expected malformed body, got \(String(describing: error))")
            return
        }
        #expect(status == 200)
        #expect(excerpt?.contains("\"value\"") == true)
    }

    @Test func sensitiveResponsesAreNeverQuotedInErrors() async throws {
        let error = try await withTestServer(Counter()) { base in
            try await runBlocking {
                capture { () throws(HTTPError) in
                    var request = HTTPRequest.get(base + "/secret-malformed")
                    request.sensitiveResponse = true
                    return try HTTPClient().fetchJSON(request, as: Payload.self, policy: .none)
                }
            }
        }
        guard let error, case .malformedBody = error else {
            Issue.record("expected malformed body, got \(String(describing: error))")
            return
        }
        #expect(!error.description.contains("TOPSECRETVALUE"))
    }

    @Test func timeoutIsClassified() async throws {
        let error = try await withTestServer(Counter()) { base in
            try await runBlocking {
                var request = HTTPRequest.get(base + "/slow")
                request.timeout = .milliseconds(300)
                return capture { () throws(HTTPError) in try HTTPClient().send(request) }
            }
        }
        expectTransport(error, .timeout)
    }

    @Test func droppedConnectionIsClassifiedAndRetriedForReads() async throws {
        let counter = Counter()
        let sleeps = SleepRecorder()
        let error = try await withTestServer(counter) { base in
            try await runBlocking {
                capture { () throws(HTTPError) in
                    try HTTPClient().sendIdempotent(.get(base + "/drop"), policy: sleeps.policy(maxAttempts: 2))
                }
            }
        }
        expectTransport(error, .dropped)
        #expect(counter.count("drop") == 2)
        #expect(sleeps.recorded.count == 1)
    }

    @Test func refusedConnectionIsProvablyNotSent() async throws {
        // Bind and close a listener to get a port with nothing behind it.
        let port = try await withTestServer(Counter()) { base in Int(base.split(separator: ":").last!)! }
        let error = try await runBlocking {
            capture { () throws(HTTPError) in try HTTPClient().send(.get("http://127.0.0.1:\(port)/ok")) }
        }
        expectTransport(error, .connect)
        #expect(error?.provablyNotSent == true)
    }

    @Test func errorsNeverContainHeaderValues() async throws {
        let secret = "PASSPHRASE-0123456789"
        let errors = try await withTestServer(Counter()) { base in
            try await runBlocking {
                let client = HTTPClient()
                let headers = [HTTPHeader("POLY_PASSPHRASE", secret), HTTPHeader("POLY_API_KEY", secret)]
                var out: [HTTPError] = []
                for path in ["/fail500", "/drop", "/malformed"] {
                    if let e = capture({ () throws(HTTPError) in
                        try client.fetchJSON(.get(base + path, headers: headers), as: Payload.self, policy: .none)
                    }) {
                        out.append(e)
                    }
                }
                return out
            }
        }
        #expect(errors.count == 3)
        for e in errors { #expect(!e.description.contains(secret)) }
    }
}

@Suite("RetryPolicy decisions")
struct RetryPolicyTests {
    @Test func backoffDoublesAndIsCappedAndJittered() {
        let p = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500), random: { 0 })
        let delays = (1...5).map { p.delayBeforeRetry(after: .response(HTTPResponse(status: 503)), attemptNumber: $0) }
        // random() = 0 → half of the capped exponential delay.
        let expected: [Duration] = [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(250)]
        #expect(delays == expected + [.milliseconds(250)])
    }

    @Test func stopsAtMaxAttemptsAndOnNonRetryableOutcomes() {
        let p = RetryPolicy(maxAttempts: 3)
        #expect(p.delayBeforeRetry(after: .response(HTTPResponse(status: 500)), attemptNumber: 3) == nil)
        #expect(p.delayBeforeRetry(after: .response(HTTPResponse(status: 200)), attemptNumber: 1) == nil)
        #expect(p.delayBeforeRetry(after: .response(HTTPResponse(status: 404)), attemptNumber: 1) == nil)
        let malformed = HTTPError.malformedBody(request: "GET x", status: 200, reason: "r", excerpt: nil)
        #expect(p.delayBeforeRetry(after: .failure(malformed), attemptNumber: 1) == nil)
        let timeout = HTTPError.transport(request: "GET x", kind: .timeout, message: "m")
        #expect(p.delayBeforeRetry(after: .failure(timeout), attemptNumber: 1) != nil)
    }

    @Test func retryAfterParsesSecondsAndIgnoresDates() {
        #expect(HTTPResponse(status: 429, headers: [HTTPHeader("retry-after", " 3 ")]).retryAfter == .seconds(3))
        #expect(HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "0.5")]).retryAfter == .milliseconds(500))
        let date = HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")])
        #expect(date.retryAfter == nil)
    }
}

@Suite("URL building")
struct URLBuilderTests {
    @Test func joinsBaseAndPathAndEscapesQueryValues() {
        #expect(
            URLBuilder.url("https://clob.example/", "/book", query: [("token_id", "123")])
                == "https://clob.example/book?token_id=123")
        #expect(
            URLBuilder.url("http://h", "data/trades", query: [("next_cursor", "MA=="), ("a b", "x&y/é")])
                == "http://h/data/trades?next_cursor=MA%3D%3D&a%20b=x%26y%2F%C3%A9")
        #expect(URLBuilder.url("http://h//", "/markets") == "http://h/markets")
    }
}
