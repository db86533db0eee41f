import BigInt
import Foundation
import LTChain
import LTCore
import LTPolymarket
import Testing

@testable import LTPaperExchange

@Suite struct VectorOrderTests {
    /// Every V2 reference vector's exact body and L2 headers, replayed against a market with the
    /// vector's tick and neg-risk flag, is accepted under the vector's order hash.
    @Test func referenceVectorOrdersAreAccepted() throws {
        let vectors = try #require(try Paths.vector("orders_v2.json")["vectors"]?.arrayValue)
        #expect(vectors.count >= 20)
        for v in vectors {
            let id = v["id"]?.stringValue ?? "?"
            let inputs = try #require(v["inputs"])
            let tick = try #require(inputs["tick"]?.textValue)
            var scenario = TestScenario()
            scenario.tick = tick
            scenario.negRiskTick = tick
            scenario.minSize = "0"
            scenario.collateral = "1000000"
            scenario.yesShares = "200000"
            scenario.nrYesShares = "200000"
            // Liquidity every vector's limit crosses, so FOK market orders fill too.
            scenario.asks = [("0.0001", "2000000")]
            let ex = try scenario.exchange()
            let request = try #require(v["post_order_request"])
            let body = try #require(request["body_exact"]?.stringValue)
            var headers: [String: String] = [:]
            for (k, value) in request["headers"]?.objectValue ?? [] { headers[k] = value.stringValue }
            let r = ex.handle(PaperRequest(method: "POST", target: "/order", headers: headers, body: Array(body.utf8)))
            // The vectors are the SDK's output; the venue caps a market order's amounts at 2 (maker)
            // and 4 (taker) decimals whatever the tick (protocol §5.8), so a vector whose market
            // order exceeds that is expected to be refused — derived by the rule, not by case id.
            let parsed = try JSON.parse(body)
            let orderType = parsed["orderType"]?.stringValue ?? ""
            let maker = Fixed6(micros: Int64(parsed["order"]?["makerAmount"]?.stringValue ?? "") ?? 0)
            let taker = Fixed6(micros: Int64(parsed["order"]?["takerAmount"]?.stringValue ?? "") ?? 0)
            if ["FOK", "FAK"].contains(orderType) && (maker.fractionalDigits > 2 || taker.fractionalDigits > 4) {
                #expect(r.status == 400, "\(id): \(r.body)")
                #expect(r.json?["error"]?.stringValue?.hasPrefix("invalid amounts, the market") == true, "\(id)")
                continue
            }
            #expect(r.status == 200, "\(id): \(r.body)")
            #expect(r.json?["orderID"]?.stringValue == v["digest"]?.stringValue, "\(id)")
            #expect(r.json?["success"] == .bool(true), "\(id)")
        }
    }
}

@Suite struct OrderRejectionTests {
    func expectRejected(_ r: PaperResponse, status: Int = 400, containing text: String) {
        #expect(r.status == status, "\(r.body)")
        let obj = r.json?.objectValue ?? []
        #expect(obj.count == 1 && obj.first?.0 == "error", "venue error shape: \(r.body)")
        #expect(r.json?["error"]?.stringValue?.contains(text) == true, "\(r.body)")
    }

    @Test func tamperedAmountIsAnInvalidSignature() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        let body = o.postBody(owner: TestKey.apiKey, orderType: .gtc)
            .replacingOccurrences(of: "\"makerAmount\":\"5000000\"", with: "\"makerAmount\":\"5100000\"")
        #expect(body.contains("5100000"))
        expectRejected(ex.handle(t.postBody(body)), containing: PaperErrors.invalidSignature)
        #expect(ex.get("/_control/orders").json?.arrayValue?.count == 1)
    }

    @Test func wrongSignerIsRejected() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        // Signed by another key but claiming the test address as signer.
        var other = try Trader(keyHex: "0x" + String(repeating: "11", count: 32))
        let forged = try other.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        let body = o.postBody(owner: TestKey.apiKey, orderType: .gtc)
            .replacingOccurrences(of: o.signatureHex, with: forged.signatureHex)
        expectRejected(ex.handle(t.postBody(body)), containing: PaperErrors.invalidSignature)
        // An order correctly signed by a key that is not the API key's EOA.
        let body2 = forged.postBody(owner: TestKey.apiKey, orderType: .gtc)
        let r = ex.handle(t.postBody(body2))
        #expect(r.status == 400)
        #expect(r.json?["error"] != nil)
    }

    @Test func badHMACIsUnauthorized() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        var req = t.post(o, .gtc)
        req.headers["poly_signature"] = "AAAA" + (req.headers["poly_signature"] ?? "").dropFirst(4)
        expectRejected(ex.handle(req), status: 401, containing: PaperErrors.unauthorized)
        var noPass = t.post(o, .gtc)
        noPass.headers["poly_passphrase"] = "wrong"
        expectRejected(ex.handle(noPass), status: 401, containing: PaperErrors.unauthorized)
        // The same order with good headers goes through: the order itself was fine.
        #expect(ex.handle(t.post(o, .gtc)).status == 200)
    }

    @Test func offTickPriceAndSmallSizeAreRejected() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        // 10 shares at 0.505 on a 0.01 grid.
        let offTick = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5.05"), takerAmount: units("10"))
        expectRejected(ex.handle(t.post(offTick, .gtc)), containing: "tick size")
        // 4 shares < minimum 5.
        let small = try t.order(.buy, token: TestScenario.yes, makerAmount: units("2"), takerAmount: units("4"))
        expectRejected(ex.handle(t.post(small, .gtc)), containing: "minimum order size")
        // Shares with 3 decimals.
        let precise = try t.order(
            .buy, token: TestScenario.yes, makerAmount: units("5.0025"), takerAmount: units("10.005"))
        expectRejected(ex.handle(t.post(precise, .gtc)), containing: "invalid amounts")
        // Price 0.995 is outside [0.01, 0.99].
        let high = try t.order(.buy, token: TestScenario.yes, makerAmount: units("9.95"), takerAmount: units("10"))
        #expect(ex.handle(t.post(high, .gtc)).status == 400)
    }

    @Test func balanceIsChecked() throws {
        var s = TestScenario()
        s.collateral = "4"
        let ex = try s.exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        expectRejected(ex.handle(t.post(o, .gtc)), containing: PaperErrors.notEnoughBalance)
        let sell = try t.order(.sell, token: TestScenario.yes, makerAmount: units("60"), takerAmount: units("28.8"))
        expectRejected(ex.handle(t.post(sell, .gtc)), containing: PaperErrors.notEnoughBalance)
    }

    @Test func duplicateOrderIsRejectedAndLogged() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("4.5"), takerAmount: units("10"))
        #expect(ex.handle(t.post(o, .gtc)).status == 200)
        expectRejected(ex.handle(t.post(o, .gtc)), containing: PaperErrors.duplicated)
        let log = try #require(ex.get("/_control/orders").json?.arrayValue)
        #expect(log.count == 2)
        #expect(log.filter { $0["accepted"] == .bool(true) }.count == 1)
        #expect(Set(log.compactMap { $0["order_id"]?.stringValue }).count == 1)
    }

    @Test func allFourSignatureTypesAreAccepted() throws {
        var s = TestScenario()
        s.nrYesShares = "100"
        let ex = try s.exchange()
        var t = try Trader()
        let wallets: [(SignatureType, String)] = [
            (.eoa, TestKey.address), (.polyProxy, TestKey.proxy), (.polyGnosisSafe, TestKey.safe),
            (.poly1271, TestKey.deposit),
        ]
        for (type, maker) in wallets {
            for negRisk in [false, true] {
                let o = try t.order(
                    .sell, token: negRisk ? TestScenario.nrYes : TestScenario.yes, makerAmount: units("10"),
                    takerAmount: units("4.8"), type: type, maker: maker, negRisk: negRisk)
                let r = ex.handle(t.post(o, .fok))
                #expect(r.status == 200, "type \(type) negRisk \(negRisk): \(r.body)")
            }
        }
        // The maker must be the signer's own wallet of that type.
        let wrong = try t.order(
            .sell, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("4.8"), type: .polyProxy,
            maker: TestKey.safe)
        #expect(ex.handle(t.post(wrong, .fok)).status == 400)
        // A neg-risk market's order signed for the standard exchange does not verify.
        let crossDomain = try t.order(
            .sell, token: TestScenario.nrYes, makerAmount: units("10"), takerAmount: units("4.8"))
        #expect(ex.handle(t.post(crossDomain, .fok)).json?["error"]?.stringValue == PaperErrors.invalidSignature)
    }
}

@Suite struct OrderMatchingTests {
    @Test func fokThatCannotFillIsKilledWithNoTrade() throws {
        let ex = try TestScenario().exchange()  // asks 100 @0.50, 100 @0.52
        var t = try Trader()
        // 150 shares at ≤ 0.50: only 100 available at that price.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("75"), takerAmount: units("150"))
        let r = ex.handle(t.post(o, .fok))
        #expect(r.status == 400)
        #expect(r.json?["error"]?.stringValue == PaperErrors.fokNotFilled)
        #expect(ex.collateral(TestKey.address) == "1000")
        #expect(ex.stateJSON()["trades"]?.arrayValue?.isEmpty == true)
        #expect(ex.get("/book?token_id=\(TestScenario.yes)").json?["asks"]?.arrayValue?.last?["size"] == "100")
    }

    @Test func fokFillsAcrossLevelsWithPriceImprovement() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        // Market BUY: $60 for at least 115.3846 shares (limit 0.52). The venue fills a market BUY by
        // its collateral: all $60 is spent and the price improvement comes back as shares.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("60"), takerAmount: units("115.3846"))
        let r = ex.handle(t.post(o, .fok))
        #expect(r.status == 200, "\(r.body)")
        let j = try #require(r.json)
        #expect(j["status"]?.stringValue == "matched")
        // 100 @0.50 for $50, then $10 buys 10/0.52 = 19.230769 shares (rounded down) @0.52.
        #expect(j["takingAmount"]?.stringValue == "119.230769")
        #expect(j["makingAmount"]?.stringValue == "60")
        #expect(j["tradeIDs"]?.arrayValue?.count == 2)
        #expect(ex.collateral(TestKey.address) == "940")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "169.230769")
        #expect(ex.get("/book?token_id=\(TestScenario.yes)").json?["asks"]?.arrayValue?.last?["size"] == "80.769231")
    }

    @Test func fakFillsWhatItCanAndIsKilledWhenNothingMatches() throws {
        let ex = try TestScenario().exchange()  // bids 100 @0.48, 100 @0.46
        var t = try Trader()
        // SELL 50 shares at ≥ 0.48: 50 of the 100 at 0.48... wallet holds 50.
        var s = TestScenario()
        s.yesShares = "300"
        let ex2 = try s.exchange()
        let o = try t.order(.sell, token: TestScenario.yes, makerAmount: units("150"), takerAmount: units("70.5"))
        let r = ex2.handle(t.post(o, .fak))  // limit 0.47: only the 0.48 level qualifies
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json?["makingAmount"]?.stringValue == "100")
        #expect(r.json?["takingAmount"]?.stringValue == "48")
        #expect(ex2.shares(TestKey.address, TestScenario.yes) == "200")
        #expect(ex2.collateral(TestKey.address) == "1048")
        let none = try t.order(.sell, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("9"))
        let killed = ex.handle(t.post(none, .fak))
        #expect(killed.status == 400)
        #expect(killed.json?["error"]?.stringValue == PaperErrors.fakNotFilled)
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "50")
    }

    @Test func gtcRestsThenFillsWhenTheBookMovesThroughIt() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        // BUY 20 @0.45: below the best ask, rests.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("9"), takerAmount: units("20"))
        let r = ex.handle(t.post(o, .gtc))
        #expect(r.json?["status"]?.stringValue == "live")
        let id = try #require(r.json?["orderID"]?.stringValue)
        var order = try #require(ex.handle(t.get("/data/order/\(id)")).json)
        #expect(order["status"]?.stringValue == "LIVE")
        #expect(order["size_matched"]?.stringValue == "0")
        #expect(ex.handle(t.get("/data/orders")).json?["data"]?.arrayValue?.count == 1)
        // Collateral is held back for the resting order.
        let state = ex.stateJSON()["wallets"]?.arrayValue?.first
        #expect(state?["reserved_collateral"]?.stringValue == "9")
        // The book moves: 12 shares offered at 0.44 — fills 12 as maker at 0.45.
        _ = ex.control(
            "book",
            .object([
                ("token_id", .string(TestScenario.yes)), ("bids", .array([])),
                (
                    "asks",
                    .array([
                        .object([("price", "0.44"), ("size", "12")]), .object([("price", "0.6"), ("size", "50")]),
                    ])
                ),
            ]))
        order = try #require(ex.handle(t.get("/data/order/\(id)")).json)
        #expect(order["size_matched"]?.stringValue == "12")
        #expect(ex.collateral(TestKey.address) == "994.6")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "62")
        // Another move fills the rest; the total paid is exactly the signed 9.
        _ = ex.control(
            "book",
            .object([
                ("token_id", .string(TestScenario.yes)), ("bids", .array([])),
                ("asks", .array([.object([("price", "0.45"), ("size", "100")])])),
            ]))
        order = try #require(ex.handle(t.get("/data/order/\(id)")).json)
        #expect(order["status"]?.stringValue == "MATCHED")
        #expect(ex.collateral(TestKey.address) == "991")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "70")
        #expect(ex.get("/book?token_id=\(TestScenario.yes)").json?["asks"]?.arrayValue?.last?["size"] == "92")
        let trades = try #require(ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue)
        #expect(trades.count == 2)
        #expect(trades.allSatisfy { $0["trader_side"]?.stringValue == "MAKER" && $0["price"]?.stringValue == "0.45" })
    }

    @Test func tradesAdvanceFromMatchedToConfirmedWithTheClock() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        let id = try #require(ex.handle(t.post(o, .fok)).json?["orderID"]?.stringValue)
        func status() -> String? {
            ex.handle(t.get("/data/trades?asset_id=\(TestScenario.yes)")).json?["data"]?.arrayValue?.first?["status"]?
                .stringValue
        }
        #expect(status() == "MATCHED")
        _ = ex.control("clock", .object([("advance_seconds", .int(2))]))
        #expect(status() == "MINED")
        _ = ex.control("clock", .object([("advance_seconds", .int(3))]))
        #expect(status() == "CONFIRMED")
        // A filled order still answers, unless the venue's dropping of filled orders is emulated.
        #expect(ex.handle(t.get("/data/order/\(id)")).status == 200)
        _ = ex.control("flags", .object([("drop_filled_orders", true)]))
        #expect(ex.handle(t.get("/data/order/\(id)")).status == 404)
        #expect(ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first?["taker_order_id"]?.stringValue == id)
    }

    @Test func cancelReleasesTheRestingOrder() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("9"), takerAmount: units("20"))
        let id = try #require(ex.handle(t.post(o, .gtc)).json?["orderID"]?.stringValue)
        let body = #"{"orderID":"\#(id)"}"#
        let r = ex.handle(
            PaperRequest(
                method: "DELETE", target: "/order", headers: t.headers(method: "DELETE", path: "/order", body: body),
                body: Array(body.utf8)))
        #expect(r.json?["canceled"] == .array([.string(id)]))
        #expect(ex.stateJSON()["wallets"]?.arrayValue?.first?["reserved_collateral"]?.stringValue == "0")
    }

    @Test func balanceAllowanceAndApiKeyDerivation() throws {
        let ex = try TestScenario().exchange()
        let t = try Trader()
        let r = ex.handle(t.get("/balance-allowance?asset_type=COLLATERAL&signature_type=2"))
        #expect(r.json?["balance"]?.stringValue == "1000000000")
        let c = ex.handle(
            t.get("/balance-allowance?asset_type=CONDITIONAL&token_id=\(TestScenario.yes)&signature_type=0"))
        #expect(c.json?["balance"]?.stringValue == "50000000")
        var l1: [String: String] = [:]
        for (k, v) in try L1Auth.headers(key: t.key, timestamp: 1_767_225_600) { l1[k] = v }
        let derived = ex.handle(PaperRequest(method: "GET", target: "/auth/derive-api-key", headers: l1))
        #expect(derived.json?["apiKey"]?.stringValue == TestKey.apiKey)
        l1["POLY_ADDRESS"] = "0x1111111111111111111111111111111111111111"
        #expect(ex.handle(PaperRequest(method: "POST", target: "/auth/api-key", headers: l1)).status == 401)
    }
}
