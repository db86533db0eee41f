import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import Testing

@testable import LTPaperExchange

/// Runs blocking (libcurl) work on a dedicated thread, never on the cooperative pool.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// One plain HTTP exchange with a fresh client.
func fetch(_ request: LTHTTP.HTTPRequest) async -> Result<LTHTTP.HTTPResponse, HTTPError> {
    await onThread {
        // Generous: under the full suite the in-process server's handlers wait for cooperative
        // threads; a fault's own short timeout is set on its request.
        let client = HTTPClient(configuration: HTTPClientConfiguration(totalTimeout: .seconds(60)))
        do throws(HTTPError) { return .success(try client.send(request)) } catch { return .failure(error) }
    }
}

@Suite(.serialized) struct FaultTests {
    @Test func everyFaultIsObservableFromAPlainHTTPClient() async throws {
        let ex = try TestScenario().exchange()
        let server = try await PaperServer.start(exchange: ex)
        let book = server.url + "/book?token_id=\(TestScenario.yes)"
        func arm(_ fault: JSON) async {
            let r = await fetch(.json(.post, server.url + "/_control/faults", body: fault.text))
            #expect((try? r.get().status) == 200)
        }

        // Plain read works.
        let plain = try await fetch(.get(book)).get()
        #expect(plain.status == 200)
        #expect((try? JSON.parse(plain.body))?["asset_id"]?.stringValue == TestScenario.yes)

        await arm(.object([("path", "/book"), ("kind", "http_429"), ("retry_after", .int(7))]))
        let limited = try await fetch(.get(book)).get()
        #expect(limited.status == 429)
        #expect(limited.headers.first { $0.name.lowercased() == "retry-after" }?.value == "7")
        #expect((try? JSON.parse(limited.body))?["error"] != nil)

        await arm(.object([("path", "/book"), ("method", "GET"), ("kind", "http_5xx"), ("status", .int(503))]))
        #expect(try await fetch(.get(book)).get().status == 503)

        await arm(.object([("path", "/book"), ("kind", "malformed_json")]))
        let malformed = try await fetch(.get(book)).get()
        #expect(malformed.status == 200)
        #expect((try? JSON.parse(malformed.body)) == nil)

        await arm(.object([("path", "/book"), ("kind", "latency"), ("latency_ms", .int(50))]))
        #expect(try await fetch(.get(book)).get().status == 200)

        await arm(.object([("path", "/book"), ("kind", "timeout"), ("latency_ms", .int(3000))]))
        var short = LTHTTP.HTTPRequest.get(book)
        short.timeout = .milliseconds(300)
        switch await fetch(short) {
        case .success(let r): Issue.record("timeout fault answered \(r.status)")
        case .failure(let e):
            guard case .transport(_, let kind, _) = e else { Issue.record("not a transport error: \(e)"); break }
            #expect(kind == .timeout)
        }

        // The fault was used up: the next read is normal again.
        #expect(try await fetch(.get(book)).get().status == 200)
        await server.stop()
    }

    @Test func droppedAnswerStillPlacesTheOrderOnceAndTheLogShowsIt() async throws {
        let ex = try TestScenario().exchange()
        let server = try await PaperServer.start(exchange: ex)
        var t = try Trader()
        let order = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        let body = order.postBody(owner: TestKey.apiKey, orderType: .fok)
        let headers = t.headers(method: "POST", path: "/order", body: body).map { HTTPHeader($0.key, $0.value) }
        let arm = JSON.object([
            ("path", "/order"), ("method", "POST"), ("kind", "drop_after_accept"), ("count", .int(1)),
        ])
        _ = await fetch(.json(.post, server.url + "/_control/faults", body: arm.text))

        switch await fetch(.json(.post, server.url + "/order", body: body, headers: headers)) {
        case .success(let r): Issue.record("the answer was not dropped: \(r.status)")
        case .failure(let e):
            guard case .transport = e else { Issue.record("not a transport error: \(e)"); break }
        }
        // The order was processed: balances moved by exactly the matched amounts.
        #expect(ex.collateral(TestKey.address) == "995")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "60")
        let log = try #require(
            try JSON.parse(try await fetch(.get(server.url + "/_control/orders")).get().body).arrayValue)
        #expect(log.count == 1)
        #expect(log.first?["fault"]?.stringValue == "drop_after_accept")
        #expect(log.first?["accepted"] == .bool(true))
        #expect(log.first?["answer_delivered"] == .bool(false))
        #expect(log.first?["order_id"]?.stringValue == order.order.orderID(domain: .v2(negRisk: false)))

        // Re-posting the same signed order (a naive retry) is refused; nothing is placed twice.
        let retry = try await fetch(.json(.post, server.url + "/order", body: body, headers: headers)).get()
        #expect(retry.status == 400)
        #expect(ex.collateral(TestKey.address) == "995")
        let log2 = try #require(
            try JSON.parse(try await fetch(.get(server.url + "/_control/orders")).get().body).arrayValue)
        #expect(log2.filter { $0["accepted"] == .bool(true) }.count == 1)
        await server.stop()
    }
}
