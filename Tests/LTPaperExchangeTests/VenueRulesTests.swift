import Foundation
import LTCore
import LTPolymarket
import Testing

@testable import LTPaperExchange

/// The venue's rules where they differ from the SDKs (polymarket-protocol.md §5.7–5.8): minimums
/// by order type, market-order decimals, fill by collateral, and the V2 taker fee.
@Suite struct VenueRulesTests {
    @Test func aMarketBuyNeedsOneDollarAndNotTheShareMinimum() throws {
        let ex = try TestScenario().exchange()  // min_order_size 5, asks 100 @0.50
        var t = try Trader()
        // $2 at 0.50 is 4 shares, below the 5-share minimum that only limit orders must meet.
        let two = try t.order(.buy, token: TestScenario.yes, makerAmount: units("2"), takerAmount: units("4"))
        let r = ex.handle(t.post(two, .fok))
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json?["takingAmount"]?.stringValue == "4")
        // Below $1 is refused, whatever the shares.
        let cents = try t.order(.buy, token: TestScenario.yes, makerAmount: units("0.9"), takerAmount: units("1.8"))
        let small = ex.handle(t.post(cents, .fak))
        #expect(small.status == 400)
        #expect(small.json?["error"]?.stringValue?.contains("min size: $1") == true, "\(small.body)")
        // The same 4 shares as a limit order still need the share minimum.
        let limit = try t.order(.buy, token: TestScenario.yes, makerAmount: units("2"), takerAmount: units("4"))
        let refused = ex.handle(t.post(limit, .gtc))
        #expect(refused.json?["error"]?.stringValue?.contains("minimum order size is 5") == true, "\(refused.body)")
        // A market SELL of fewer shares than the minimum is accepted too.
        let sell = try t.order(.sell, token: TestScenario.yes, makerAmount: units("3"), takerAmount: units("1.44"))
        #expect(ex.handle(t.post(sell, .fok)).status == 200)
    }

    @Test func marketOrderDecimalsAreCappedOnEveryTick() throws {
        var s = TestScenario()
        s.tick = "0.001"
        let ex = try s.exchange()
        var t = try Trader()
        // $15 at 0.533: the SDK's table allows 5 taker decimals on this tick; the venue allows 4.
        let five = try t.order(.buy, token: TestScenario.yes, makerAmount: units("15"), takerAmount: units("28.14258"))
        let r = ex.handle(t.post(five, .fok))
        #expect(r.status == 400)
        #expect(
            r.json?["error"]?.stringValue
                == "invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, "
                + "taker amount a max of 4 decimals")
        // The taker rounded down to 4 decimals is accepted.
        let four = try t.order(.buy, token: TestScenario.yes, makerAmount: units("15"), takerAmount: units("28.1425"))
        #expect(ex.handle(t.post(four, .fok)).status == 200)
        // A maker amount with 3 decimals is refused for a market order.
        let maker = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5.005"), takerAmount: units("10"))
        #expect(ex.handle(t.post(maker, .fak)).json?["error"]?.stringValue?.contains("max accuracy of 2") == true)
        // A market SELL's collateral is capped at 4 decimals as well.
        let sell = try t.order(.sell, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("4.80001"))
        #expect(ex.handle(t.post(sell, .fok)).json?["error"]?.stringValue?.contains("market sell orders") == true)
        // Limit orders keep the tick table: 10.01 shares at 0.123 = 1.23123 (5 decimals) rests.
        let limit = try t.order(
            .buy, token: TestScenario.yes, makerAmount: units("1.23123"), takerAmount: units("10.01"))
        #expect(ex.handle(t.post(limit, .gtc)).json?["status"]?.stringValue == "live")
    }

    @Test func aMarketBuySpendsItsCollateralAndTakesPriceImprovementAsShares() throws {
        let ex = try TestScenario().exchange()  // asks 100 @0.50, 100 @0.52
        var t = try Trader()
        // $40 at limit 0.51 (taker 40/0.51 rounded down) against asks at 0.50: $40 buys 80 shares.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("40"), takerAmount: units("78.4313"))
        let r = ex.handle(t.post(o, .fok))
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json?["makingAmount"]?.stringValue == "40")
        #expect(r.json?["takingAmount"]?.stringValue == "80")
        #expect(ex.collateral(TestKey.address) == "960")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == "130")
        // FAK: $60 at limit 0.51 takes the 20 shares left at 0.50 ($10) and stops at 0.52.
        let fak = try t.order(.buy, token: TestScenario.yes, makerAmount: units("60"), takerAmount: units("117.647"))
        let partial = ex.handle(t.post(fak, .fak))
        #expect(partial.json?["makingAmount"]?.stringValue == "10", "\(partial.body)")
        #expect(partial.json?["takingAmount"]?.stringValue == "20")
        // A GTC matched at its own price fills exactly its size: 10 shares at 0.52 cost $5.20.
        let gtc = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5.2"), takerAmount: units("10"))
        let limit = ex.handle(t.post(gtc, .gtc))
        #expect(limit.json?["takingAmount"]?.stringValue == "10")
        #expect(limit.json?["makingAmount"]?.stringValue == "5.2")
        // Budget ending inside a level: $10 at 0.52 buys 19.230769 shares and spends all $10.
        let odd = try t.order(.buy, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("19.2307"))
        let inside = ex.handle(t.post(odd, .fok))
        #expect(inside.json?["makingAmount"]?.stringValue == "10", "\(inside.body)")
        #expect(inside.json?["takingAmount"]?.stringValue == "19.230769")
    }

    @Test func theTakerFeeIsChargedOnTopReportedInTradesAndDebited() throws {
        var s = TestScenario()
        s.fee = (rate: "0.02", exponent: 1, takerOnly: true)
        let ex = try s.exchange()
        var t = try Trader()
        let fd = ex.get("/clob-markets/\(TestScenario.standardCid)").json?["fd"]
        #expect(fd == .object([("r", .number("0.02")), ("e", .int(1)), ("to", true)]))
        // 80 shares at 0.50: fee = 80 × 0.02 × (0.5 × 0.5) = 0.4 on top of the $40.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("40"), takerAmount: units("78.4313"))
        let r = ex.handle(t.post(o, .fok))
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json?["makingAmount"]?.stringValue == "40")
        #expect(ex.collateral(TestKey.address) == "959.6")
        let trade = try #require(ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first)
        #expect(trade["fee_rate_bps"]?.stringValue == "50")
        #expect(trade["paper_fee"]?.stringValue == "0.4")
        // A SELL pays the fee out of its proceeds: 10 shares at 0.48 = 4.8 less 10 × 0.02 × 0.2496.
        let sell = try t.order(.sell, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("4.8"))
        #expect(ex.handle(t.post(sell, .fok)).status == 200)
        #expect(ex.collateral(TestKey.address) == "964.35008")
        // No fee schedule, no fee: the other market is unchanged.
        #expect(
            ex.get("/clob-markets/\(TestScenario.negRiskCid)").json?["fd"]
                == .object([("r", .number("0")), ("e", .int(0)), ("to", true)]))
    }

    @Test func aRestingOrderPaysTheFeeAsMakerOnlyWhereTheMarketChargesMakers() throws {
        for takerOnly in [true, false] {
            var s = TestScenario()
            s.fee = (rate: "0.02", exponent: 1, takerOnly: takerOnly)
            let ex = try s.exchange()
            var t = try Trader()
            // BUY 20 @0.45 rests below the 0.50 ask, then a seller arrives at 0.44.
            let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("9"), takerAmount: units("20"))
            #expect(ex.handle(t.post(o, .gtc)).json?["status"]?.stringValue == "live")
            _ = ex.control(
                "book",
                .object([
                    ("token_id", .string(TestScenario.yes)), ("bids", .array([])),
                    ("asks", .array([.object([("price", "0.44"), ("size", "20")])])),
                ]))
            // As maker it trades at its own price: 20 × 0.02 × 0.45 × 0.55 = 0.099 unless taker-only.
            #expect(ex.collateral(TestKey.address) == (takerOnly ? "991" : "990.901"))
            let trade = ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first
            #expect(trade?["trader_side"]?.stringValue == "MAKER")
            #expect(trade?["paper_fee"]?.stringValue == (takerOnly ? "0" : "0.099"))
            #expect(trade?["fee_rate_bps"]?.stringValue == (takerOnly ? "0" : "49.5"))
        }
    }

    @Test func feesRoundUpToTheMicroUnitExactly() {
        let schedule = PaperFeeSchedule(rate: Fixed6(micros: 20_000), exponent: 1, takerOnly: true)
        // 19.230769 × 0.02 × 0.52 × 0.48 = 0.0959999988… → 0.096.
        #expect(
            Matching.fee(shares: Fixed6(micros: 19_230_769), price: Fixed6(micros: 520_000), schedule: schedule)
                == Fixed6(micros: 96_000))
        #expect(Matching.feeRateBpsText(price: Fixed6(micros: 520_000), schedule: schedule) == "49.92")
        // Exponent 2: 100 × 0.25 × (0.1 × 0.9)² = 0.2025 exactly.
        let squared = PaperFeeSchedule(rate: Fixed6(micros: 250_000), exponent: 2, takerOnly: true)
        #expect(
            Matching.fee(shares: Fixed6(100), price: Fixed6(micros: 100_000), schedule: squared)
                == Fixed6(micros: 202_500))
        #expect(Matching.fee(shares: Fixed6(100), price: Fixed6(micros: 100_000), schedule: .zero) == .zero)
    }

    @Test func aBalanceThatCoversTheAmountButNotTheFeeIsRejected() throws {
        var s = TestScenario()
        s.fee = (rate: "0.02", exponent: 1, takerOnly: true)
        s.collateral = "40"
        let ex = try s.exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("40"), takerAmount: units("78.4313"))
        let r = ex.handle(t.post(o, .fok))
        #expect(r.json?["error"]?.stringValue == PaperErrors.notEnoughBalance, "\(r.body)")
        #expect(ex.collateral(TestKey.address) == "40")
        _ = ex.control("wallet", .object([("address", .string(TestKey.address)), ("collateral", "40.4")]))
        #expect(ex.handle(t.post(o, .fok)).status == 200)
        #expect(ex.collateral(TestKey.address) == "0")
    }

    @Test func aBatchAnswersEveryOrderAndPlacesTheGoodOnes() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let good = try t.order(.buy, token: TestScenario.yes, makerAmount: units("4.5"), takerAmount: units("10"))
        let bad = try t.order(.buy, token: TestScenario.yes, makerAmount: units("1.8"), takerAmount: units("4"))
        let body =
            "[" + good.postBody(owner: TestKey.apiKey, orderType: .gtc) + ","
            + bad.postBody(owner: TestKey.apiKey, orderType: .gtc) + "]"
        let r = ex.handle(
            PaperRequest(
                method: "POST", target: "/orders", headers: t.headers(method: "POST", path: "/orders", body: body),
                body: Array(body.utf8)))
        #expect(r.status == 200, "\(r.body)")
        let items = try #require(r.json?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["success"] == .bool(true))
        #expect(items[0]["status"]?.stringValue == "live")
        #expect(items[1]["success"] == .bool(false))
        #expect(items[1]["errorMsg"]?.stringValue?.contains("minimum order size") == true)
        #expect(items[1]["orderID"]?.stringValue?.hasPrefix("0x") == true)
        #expect(items[1]["status"]?.stringValue == "")
        let open = ex.handle(t.get("/data/orders")).json?["data"]?.arrayValue ?? []
        #expect(open.map { $0["id"]?.stringValue } == [items[0]["orderID"]?.stringValue])
    }

    @Test func lastTradePriceReportsTheTakersSide() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let before = ex.get("/last-trade-price?token_id=\(TestScenario.yes)").json
        #expect(before?["side"]?.stringValue == "")
        let buy = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        #expect(ex.handle(t.post(buy, .fok)).status == 200)
        let afterBuy = ex.get("/last-trade-price?token_id=\(TestScenario.yes)").json
        #expect(afterBuy == .object([("price", "0.5"), ("side", "BUY")]))
        let sell = try t.order(.sell, token: TestScenario.yes, makerAmount: units("10"), takerAmount: units("4.8"))
        #expect(ex.handle(t.post(sell, .fok)).status == 200)
        #expect(ex.get("/last-trade-price?token_id=\(TestScenario.yes)").json?["side"]?.stringValue == "SELL")
        let list = ex.handle(
            PaperRequest(
                method: "POST", target: "/last-trades-prices",
                body: Array(#"[{"token_id":"\#(TestScenario.yes)"},{"token_id":"\#(TestScenario.no)"}]"#.utf8)))
        #expect(
            list.json
                == .array([.object([("token_id", .string(TestScenario.yes)), ("price", "0.48"), ("side", "SELL")])]))
    }

    @Test func theOfficialClientsReadEndpointsAnswer() throws {
        let ex = try TestScenario().exchange()  // bids 0.48 / asks 0.50
        var t = try Trader()
        #expect(ex.get("/spread?token_id=\(TestScenario.yes)").json == .object([("spread", "0.02")]))
        func post(_ path: String, _ body: String) -> JSON? {
            ex.handle(PaperRequest(method: "POST", target: path, body: Array(body.utf8))).json
        }
        let yes = TestScenario.yes
        #expect(post("/midpoints", #"[{"token_id":"\#(yes)"}]"#) == .object([(yes, .string("0.49"))]))
        #expect(post("/spreads", #"[{"token_id":"\#(yes)"}]"#) == .object([(yes, .string("0.02"))]))
        #expect(
            post("/prices", #"[{"token_id":"\#(yes)","side":"BUY"},{"token_id":"\#(yes)","side":"SELL"}]"#)
                == .object([(yes, .object([("BUY", "0.48"), ("SELL", "0.5")]))]))
        // Gamma's numeric id and slug, next to the CLOB's condition-id route.
        let gamma = ex.get("/markets/1").json
        #expect(gamma?["conditionId"]?.stringValue == TestScenario.standardCid)
        #expect(gamma?["clobTokenIds"] != nil)
        #expect(ex.get("/markets/slug/test").json?["id"]?.stringValue == "1")
        #expect(ex.get("/markets/3").status == 404)
        #expect(ex.get("/markets/\(TestScenario.standardCid)").json?["condition_id"] != nil)
        // The CLOB's paginated list (its clients send next_cursor) vs Gamma's array.
        let clobList = ex.get("/markets?next_cursor=MA==").json
        #expect(clobList?["next_cursor"]?.stringValue == "LTE=")
        #expect(clobList?["data"]?.arrayValue?.first?["condition_id"]?.stringValue == TestScenario.standardCid)
        #expect(ex.get("/markets?condition_ids=\(TestScenario.standardCid)").json?.arrayValue?.count == 1)
        // The relayer knows the scenario's proxy, Safe and deposit wallets, not the EOA.
        #expect(ex.get("/deployed?address=\(TestKey.safe)&type=SAFE").json == .object([("deployed", true)]))
        #expect(ex.get("/deployed?address=\(TestKey.deposit)&type=WALLET").json == .object([("deployed", true)]))
        #expect(ex.get("/deployed?address=\(TestKey.safe)&type=PROXY").json == .object([("deployed", false)]))
        #expect(ex.get("/deployed?address=\(TestKey.address)").json == .object([("deployed", false)]))
        // Cancel by market: the live order on that market goes, nothing else.
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("4.5"), takerAmount: units("10"))
        let id = try #require(ex.handle(t.post(o, .gtc)).json?["orderID"]?.stringValue)
        let body = #"{"market":"\#(TestScenario.standardCid)"}"#
        let r = ex.handle(
            PaperRequest(
                method: "DELETE", target: "/cancel-market-orders",
                headers: t.headers(method: "DELETE", path: "/cancel-market-orders", body: body),
                body: Array(body.utf8)))
        #expect(r.json?["canceled"] == .array([.string(id)]), "\(r.body)")
    }
}
