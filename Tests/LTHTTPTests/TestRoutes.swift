import Foundation
import HTTPTypes
import Hummingbird

// Routes for the transport tests. This file does not import LTHTTP: Hummingbird's HTTPTypes also
// define HTTPRequest/HTTPResponse, so server code and client code live in separate files.

/// Runs `body` with the base URL of a server whose routes record hits in `counter`.
func withTestServer<T: Sendable>(_ counter: Counter, _ body: (String) async throws -> T) async throws -> T {
    try await withLocalServer(testRouter(counter), body)
}

private func testRouter(_ counter: Counter) -> Router<ChannelContext> {
    let router = Router(context: ChannelContext.self)
    router.get("/ok") { _, _ in
        counter.hit("ok")
        return jsonResponse(.ok, #"{"value":"0.52","n":3}"#, headers: [HTTPField.Name("X-Trace")!: "abc"])
    }
    // 429 with Retry-After on the first call, then 200: a rate-limited book read.
    router.get("/limited") { _, _ in
        let n = counter.hit("limited")
        if n == 1 {
            return jsonResponse(
                .tooManyRequests, #"{"error":"rate limited"}"#, headers: [.retryAfter: "2"])
        }
        return jsonResponse(.ok, #"{"value":"1","n":\#(n)}"#)
    }
    router.get("/limited-long") { _, _ in
        counter.hit("limited-long")
        return jsonResponse(.tooManyRequests, #"{"error":"slow down"}"#, headers: [.retryAfter: "3600"])
    }
    router.get("/fail500") { _, _ in
        counter.hit("fail500")
        return jsonResponse(.internalServerError, #"{"error":"engine exploded"}"#)
    }
    router.post("/fail500") { _, _ in
        counter.hit("post-fail500")
        return jsonResponse(.internalServerError, #"{"error":"engine exploded"}"#)
    }
    router.get("/bad-request") { _, _ in
        counter.hit("bad-request")
        return jsonResponse(.badRequest, #"{"error":"invalid token id"}"#)
    }
    router.get("/malformed") { _, _ in
        counter.hit("malformed")
        return jsonResponse(.ok, #"{"value": "0.5", "n": "#)
    }
    router.get("/secret-malformed") { _, _ in
        jsonResponse(.ok, #"{"apiKey":"k","secret":"TOPSECRETVALUE","passphrase":"#)
    }
    router.get("/slow") { _, _ in
        counter.hit("slow")
        try await Task.sleep(for: .seconds(3))
        return jsonResponse(.ok, #"{"value":"1","n":1}"#)
    }
    router.get("/drop") { _, _ in
        counter.hit("drop")
        return droppedResponse()
    }
    router.post("/drop") { _, _ in
        counter.hit("post-drop")
        return droppedResponse()
    }
    // Takes the request, then closes the connection without a single answer byte.
    router.post("/close-silently") { _, context -> Response in
        counter.hit("close-silently")
        try await context.channel.close()
        throw TestServerError.dropped
    }
    // Echoes what arrived, so tests can check method, headers and the exact body bytes.
    router.on("/echo", method: .post) { request, _ in
        counter.hit("echo")
        let body = try await request.body.collect(upTo: 1 << 20)
        let ct = request.headers[.contentType] ?? ""
        let custom = request.headers[HTTPField.Name("X-Custom")!] ?? ""
        let payload: [String: String] = [
            "method": request.method.rawValue, "contentType": ct, "custom": custom,
            "body": String(buffer: body),
        ]
        let data = try JSONEncoder().encode(payload)
        return jsonResponse(.ok, String(decoding: data, as: UTF8.self))
    }
    router.on("/echo", method: .delete) { request, _ in
        counter.hit("echo-delete")
        let body = try await request.body.collect(upTo: 1 << 20)
        let data = try JSONEncoder().encode(["method": "DELETE", "body": String(buffer: body)])
        return jsonResponse(.ok, String(decoding: data, as: UTF8.self))
    }
    return router
}
