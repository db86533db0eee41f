import LTCore
import LTHTTP
import Testing

@testable import LTPolymarket

private func response(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> Result<HTTPResponse, HTTPError> {
    .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
}

@Suite("POST /order answers → PostOrderOutcome")
struct PostOrderOutcomeClientTests {
    @Test func matchedAnswerIsAcceptedWithAmounts() {
        let outcome = PostOrderOutcome.classify(
            response(
                200,
                """
                {"success":true,"errorMsg":"","orderID":"0xabc","status":"matched","makingAmount":"5.2",\
                "takingAmount":"10","tradeIDs":["t1","t2"],"transactionsHashes":["0xdead"]}
                """))
        #expect(
            outcome
                == .accepted(
                    PostOrderAcceptance(
                        orderID: "0xabc", status: .matched, makingAmount: Fixed6(micros: 5_200_000), takingAmount: 10,
                        tradeIDs: ["t1", "t2"], transactionHashes: ["0xdead"])))
    }

    @Test func liveAndDelayedAreAcceptedWithEmptyAmounts() {
        let live = PostOrderOutcome.classify(
            response(
                200,
                """
                {"success":true,"errorMsg":"","orderID":"0x1","status":"live","makingAmount":"","takingAmount":""}
                """))
        #expect(live == .accepted(PostOrderAcceptance(orderID: "0x1", status: .live)))
        let delayed = PostOrderOutcome.classify(response(200, #"{"success":true,"orderID":"0x2","status":"delayed"}"#))
        #expect(delayed.kind == "accepted")
    }

    @Test func killedFOKAndFAKAreUnfilled() {
        let fok = PostOrderOutcome.classify(
            response(
                200,
                """
                {"success":false,"errorMsg":"order couldn't be fully filled. FOK orders are fully filled or killed.",\
                "orderID":"0x3","status":""}
                """))
        let fokText = "order couldn't be fully filled. FOK orders are fully filled or killed."
        #expect(fok == .unfilled(orderID: "0x3", reason: fokText))
        let fak = PostOrderOutcome.classify(
            response(
                400,
                """
                {"error":"no orders found to match with FAK order. \
                FAK orders are partially filled or killed if no match is found."}
                """))
        #expect(fak.kind == "unfilled")
        let unmatched = PostOrderOutcome.classify(
            response(200, #"{"success":true,"errorMsg":"","orderID":"0x4","status":"unmatched"}"#))
        #expect(unmatched == .unfilled(orderID: "0x4", reason: "unmatched"))
    }

    @Test func venueRefusalsAreRejectedWithTheReason() {
        let balance = PostOrderOutcome.classify(
            response(
                200,
                """
                {"success":false,"errorMsg":"not enough balance / allowance","orderID":"","status":""}
                """))
        #expect(balance == .rejected(reason: "not enough balance / allowance", httpStatus: 200))
        let invalid = PostOrderOutcome.classify(response(400, #"{"error":"invalid signature"}"#))
        #expect(invalid == .rejected(reason: "invalid signature", httpStatus: 400))
        let unauthorized = PostOrderOutcome.classify(response(401, #"{"error":"Unauthorized/Invalid api key"}"#))
        #expect(unauthorized == .rejected(reason: "Unauthorized/Invalid api key", httpStatus: 401))
        let bare = PostOrderOutcome.classify(response(403, ""))
        #expect(bare == .rejected(reason: "HTTP 403", httpStatus: 403))
    }

    @Test func throttlingAndRestrictedModesAreRetryable() {
        let limited = PostOrderOutcome.classify(
            response(
                429, #"{"error":"Too Many Requests","retry_after_seconds":3}"#,
                headers: [HTTPHeader("Retry-After", "2")]))
        #expect(limited == .retryable(reason: "HTTP 429: Too Many Requests", retryAfter: .seconds(2)))
        let bodyOnly = PostOrderOutcome.classify(response(429, #"{"error":"slow","retry_after_seconds":3}"#))
        #expect(bodyOnly == .retryable(reason: "HTTP 429: slow", retryAfter: .seconds(3)))
        #expect(PostOrderOutcome.classify(response(425, #"{"error":"engine restarting"}"#)).kind == "retryable")
        let cancelOnly = PostOrderOutcome.classify(response(503, #"{"error":"trading is in cancel-only mode"}"#))
        #expect(cancelOnly.kind == "retryable")
        let postOnly = PostOrderOutcome.classify(response(503, #"{"error":"post only","code":"post_only_mode"}"#))
        #expect(postOnly.kind == "retryable")
        let refused = HTTPError.transport(request: "POST /order", kind: .connect, message: "Connection refused")
        #expect(PostOrderOutcome.classify(.failure(refused)).kind == "retryable")
    }

    @Test func answersThatProveNothingAreUnknown() {
        #expect(PostOrderOutcome.classify(response(500, #"{"error":"Internal Server Error"}"#)).kind == "unknown")
        #expect(PostOrderOutcome.classify(response(502, "<html>bad gateway</html>")).kind == "unknown")
        #expect(PostOrderOutcome.classify(response(503, #"{"error":"Service Unavailable"}"#)).kind == "unknown")
        #expect(PostOrderOutcome.classify(response(200, #"{"success":tr"#)).kind == "unknown")
        #expect(
            PostOrderOutcome.classify(response(200, #"{"success":true,"orderID":"","status":"matched"}"#)).kind
                == "unknown")
        #expect(
            PostOrderOutcome.classify(response(200, #"{"success":true,"orderID":"0x1","status":"weird"}"#)).kind
                == "unknown")
        #expect(
            PostOrderOutcome.classify(response(200, #"{"success":false,"errorMsg":"","orderID":"0x1"}"#)).kind
                == "unknown")
        #expect(PostOrderOutcome.classify(response(302, "")).kind == "unknown")
        #expect(PostOrderOutcome.classify(response(408, #"{"error":"Request Timeout"}"#)).kind == "unknown")
        for kind in [HTTPError.TransportKind.timeout, .dropped, .other] {
            let error = HTTPError.transport(request: "POST /order", kind: kind, message: "m")
            #expect(PostOrderOutcome.classify(.failure(error)).kind == "unknown")
        }
    }
}

@Suite("Client models → LTCore ports")
struct VenueMappingClientTests {
    @Test func outcomesMapOntoVenuePostResults() {
        let accepted = PostOrderOutcome.accepted(
            PostOrderAcceptance(
                orderID: "0x1", status: .matched, makingAmount: 5, takingAmount: 10, tradeIDs: ["t1"]))
        #expect(
            accepted.venuePostResult
                == .accepted(orderID: "0x1", matched: true, making: 5, taking: 10, tradeIDs: ["t1"]))
        let live = PostOrderOutcome.accepted(PostOrderAcceptance(orderID: "0x2", status: .live))
        #expect(
            live.venuePostResult == .accepted(orderID: "0x2", matched: false, making: nil, taking: nil, tradeIDs: []))
        #expect(PostOrderOutcome.unfilled(orderID: nil, reason: "k").venuePostResult == .unfilled(reason: "k"))
        #expect(PostOrderOutcome.rejected(reason: "r", httpStatus: 400).venuePostResult == .rejected(reason: "r"))
        #expect(PostOrderOutcome.retryable(reason: "t", retryAfter: nil).venuePostResult == .notPlaced(reason: "t"))
        #expect(PostOrderOutcome.unknown(reason: "u").venuePostResult == .unknown(reason: "u"))
    }

    @Test func booksWithoutMarketRulesAreNotUsable() {
        let rules = OrderBook(
            market: "0xc", assetID: "1", bids: [], asks: [BookLevel(price: 1, size: 1)],
            minOrderSize: 5, tickSize: Fixed6(micros: 10_000))
        #expect(rules.venueBook?.tickSize == Fixed6(micros: 10_000))
        #expect(rules.venueBook?.asks.count == 1)
        var missing = rules
        missing.tickSize = nil
        #expect(missing.venueBook == nil)
    }

    @Test func closedMarketsDoNotAcceptOrders() {
        var market = ClobMarket(conditionID: "0xc", tokens: [ClobToken(tokenID: "1", outcome: "Yes")])
        #expect(market.venueMarket.acceptingOrders)
        #expect(market.venueMarket.tokens == [TokenResolution.MarketToken(tokenID: "1", outcome: "Yes")])
        market.closed = true
        #expect(!market.venueMarket.acceptingOrders)
        let malformed = HTTPError.malformedBody(request: "GET /book", status: 200, reason: "x", excerpt: nil)
        #expect(malformed.venueError.kind == .malformed)
    }
}
