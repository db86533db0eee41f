import Foundation
import LTCore
import Testing

@testable import LTPaperExchange

@Suite struct ScenarioAndReadTests {
    @Test func demoScenarioLoadsAndServesTheBookInVenueOrder() throws {
        let ex = try PaperExchange(scenarioFile: Paths.demo)
        let r = ex.get("/book?token_id=\(TestScenario.yes)")
        #expect(r.status == 200)
        let book = try #require(r.json)
        let keys = book.objectValue?.map(\.0)
        #expect(
            keys == [
                "market", "asset_id", "timestamp", "hash", "bids", "asks", "min_order_size", "tick_size", "neg_risk",
                "last_trade_price",
            ])
        // Best bid last (ascending), best ask last (descending).
        #expect(book["bids"]?.arrayValue?.compactMap { $0["price"]?.stringValue } == ["0.45", "0.47", "0.48"])
        #expect(book["asks"]?.arrayValue?.compactMap { $0["price"]?.stringValue } == ["0.55", "0.51", "0.5"])
        #expect(book["market"]?.stringValue == TestScenario.standardCid)
        #expect(book["tick_size"]?.stringValue == "0.01")
        #expect(book["neg_risk"] == .bool(false))
        #expect(book["timestamp"]?.stringValue == "1767225600000")
        #expect(ex.get("/book?token_id=123").status == 404)
    }

    @Test func readEndpointsAnswerTheVenueShapes() throws {
        let ex = try TestScenario().exchange()
        #expect(ex.get("/version").json == .object([("version", .int(2))]))
        #expect(ex.get("/time").body == "1767225600")
        #expect(ex.get("/tick-size?token_id=\(TestScenario.yes)").body == #"{"minimum_tick_size":0.01}"#)
        #expect(ex.get("/neg-risk?token_id=\(TestScenario.nrYes)").body == #"{"neg_risk":true}"#)
        let clob = try #require(ex.get("/markets/\(TestScenario.standardCid)").json)
        #expect(clob["tokens"]?.arrayValue?.count == 2)
        #expect(clob["minimum_tick_size"] == .number("0.01"))
        let compact = try #require(ex.get("/clob-markets/\(TestScenario.negRiskCid)").json)
        #expect(compact["nr"] == .bool(true))
        #expect(compact["t"]?.arrayValue?.first?["t"]?.stringValue == TestScenario.nrYes)
        #expect(ex.get("/clob-markets/\(TestScenario.standardCid)").json?["nr"] == nil)
        let books = ex.handle(
            PaperRequest(
                method: "POST", target: "/books",
                body: Array(#"[{"token_id":"\#(TestScenario.yes)"},{"token_id":"\#(TestScenario.nrYes)"}]"#.utf8)))
        #expect(books.json?.arrayValue?.count == 2)
    }

    @Test func gammaAndDataAPIAnswerFromTheScenario() throws {
        let ex = try TestScenario().exchange()
        let gamma = try #require(ex.get("/markets?condition_ids=\(TestScenario.negRiskCid)").json?.arrayValue)
        #expect(gamma.count == 1)
        #expect(gamma[0]["negRisk"] == .bool(true))
        #expect(gamma[0]["clobTokenIds"]?.stringValue == #"["\#(TestScenario.nrYes)","\#(TestScenario.nrNo)"]"#)
        #expect(gamma[0]["closed"] == .bool(false))
        let leader = try #require(ex.get("/positions?user=0x1111111111111111111111111111111111111111").json?.arrayValue)
        #expect(leader.count == 1)
        #expect(leader[0]["size"] == .number("100"))
        #expect(leader[0]["avgPrice"] == .number("0.4"))
        let v2 = try #require(ex.get("/v2/positions?user=\(TestKey.address)").json)
        #expect(v2["data"]?.arrayValue?.first?["current_size"] == .number("50"))
        #expect(v2["data"]?.arrayValue?.first?["status"]?.stringValue == "OPEN")
    }

    @Test func badScenariosAreRejectedWithTheField() throws {
        #expect(throws: PaperInputError.self) {
            try PaperScenario.parse(JSON.parse(#"{"markets":[{"question":"x"}]}"#))
        }
        do {
            _ = try PaperScenario.parse(
                JSON.parse(
                    #"{"markets":[{"condition_id":"0x1","tick_size":"0.03","outcomes":"#
                        + #"[{"outcome":"a","token_id":"1"},{"outcome":"b","token_id":"2"}]}]}"#
                ))
            Issue.record("accepted a bad tick")
        } catch let e as PaperInputError {
            #expect(e.message.contains("tick_size"))
        }
    }
}

@Suite struct MatchingTests {
    let asks = [
        PaperLevel(price: Fixed6(micros: 500_000), size: 10), PaperLevel(price: Fixed6(micros: 520_000), size: 10),
    ]

    @Test func buyWalksAsksUpToItsLimitAndPaysEachLevelsPrice() {
        // 15 shares for at most 0.52 each: 10 at 0.50 then 5 at 0.52.
        let (fills, rest) = Matching.take(
            levels: asks, side: .buy, makerAmount: Fixed6(micros: 7_800_000), takerAmount: 15, targetShares: 15)
        #expect(fills.map(\.shares) == [10, 5])
        #expect(fills.map(\.collateral) == [5, Fixed6(micros: 2_600_000)])
        #expect(rest == [PaperLevel(price: Fixed6(micros: 520_000), size: 5)])
    }

    @Test func buyStopsAtALevelAboveItsLimit() {
        let (fills, rest) = Matching.take(
            levels: asks, side: .buy, makerAmount: Fixed6(micros: 7_650_000), takerAmount: 15, targetShares: 15)
        #expect(fills.map(\.shares) == [10])
        #expect(rest.count == 1)
    }

    @Test func sellWalksBidsDownToItsLimitAndRoundsProceedsDown() {
        let bids = [
            PaperLevel(price: Fixed6(micros: 333_300), size: 3), PaperLevel(price: Fixed6(micros: 300_000), size: 100),
        ]
        let (fills, _) = Matching.take(
            levels: bids, side: .sell, makerAmount: Fixed6(micros: 3_330_000), takerAmount: Fixed6(micros: 999_000),
            targetShares: Fixed6(micros: 3_330_000))
        #expect(fills.map(\.shares) == [3, Fixed6(micros: 330_000)])
        #expect(fills[0].collateral == Fixed6(micros: 999_900))
        #expect(fills[1].collateral == Fixed6(micros: 99_000))
    }

    @Test func restingOrderSettlesExactlyItsSignedAmounts() {
        let order = OrderRecord(
            id: "x", owner: "k", maker: "m", signer: "m", tokenID: "t", conditionID: "c", outcome: "Yes", side: .buy,
            orderType: .gtc, makerAmount: Fixed6(micros: 3_330_000), takerAmount: 10, price: Fixed6(micros: 333_000),
            originalSize: 10, status: "LIVE", createdAtMs: 0, expiration: "0")
        let levels = [
            PaperLevel(price: Fixed6(micros: 300_000), size: 3), PaperLevel(price: Fixed6(micros: 330_000), size: 20),
        ]
        let (fills, rest) = Matching.makerFills(levels: levels, order: order)
        #expect(fills.map(\.shares) == [3, 7])
        #expect(fills.reduce(Fixed6.zero) { $0 + $1.collateral } == Fixed6(micros: 3_330_000))
        #expect(rest == [PaperLevel(price: Fixed6(micros: 330_000), size: 13)])
    }
}

@Suite struct ControlTests {
    @Test func bookControlReplacesTheBookAndEventsFireWithTheClock() throws {
        let ex = try PaperExchange(scenarioFile: Paths.demo)
        #expect(
            ex.control(
                "book",
                .object([
                    ("token_id", .string(TestScenario.no)), ("bids", .array([])),
                    ("asks", .array([.object([("price", "0.61"), ("size", "7")])])),
                ])
            ).status == 200)
        #expect(ex.get("/book?token_id=\(TestScenario.no)").json?["asks"]?.arrayValue?.count == 1)
        // demo.json: the YES book changes 60 s in; the leader gets a neg-risk position at 120 s.
        #expect(ex.get("/book?token_id=\(TestScenario.yes)").json?["bids"]?.arrayValue?.last?["price"] == "0.48")
        let clock = ex.control("clock", .object([("advance_seconds", .int(61))]))
        #expect(clock.json?["now"] == .int(1_767_225_661))
        #expect(ex.get("/book?token_id=\(TestScenario.yes)").json?["bids"]?.arrayValue?.last?["price"] == "0.52")
        let leader = "0x1111111111111111111111111111111111111111"
        #expect(ex.get("/positions?user=\(leader)").json?.arrayValue?.count == 1)
        _ = ex.control("clock", .object([("advance_seconds", .int(60))]))
        #expect(ex.get("/positions?user=\(leader)").json?.arrayValue?.count == 2)
        #expect(ex.stateJSON()["event_errors"]?.arrayValue?.isEmpty == true)
    }

    @Test func leaderPositionAndResolutionShowInGammaAndDataAPI() throws {
        let ex = try TestScenario().exchange()
        let leader = "0x2222222222222222222222222222222222222222"
        #expect(
            ex.control(
                "leader-position",
                .object([
                    ("address", .string(leader)), ("token_id", .string(TestScenario.nrYes)), ("size", "12.5"),
                    ("avg_price", "0.3"),
                ])
            ).status == 200)
        #expect(ex.get("/positions?user=\(leader)").json?.arrayValue?.first?["size"] == .number("12.5"))
        #expect(ex.control("resolve", .object([("winner_token_id", .string(TestScenario.yes))])).status == 200)
        let gamma = try #require(ex.get("/markets?condition_ids=\(TestScenario.standardCid)").json?.arrayValue?.first)
        #expect(gamma["closed"] == .bool(true))
        #expect(gamma["outcomePrices"]?.stringValue == #"["1","0"]"#)
        #expect(gamma["umaResolutionStatus"]?.stringValue == "resolved")
        let v2 = try #require(
            ex.get("/v2/positions?user=\(TestKey.address)&status=REDEEMABLE").json?["data"]?.arrayValue)
        #expect(v2.count == 1)
        #expect(v2.first?["token_id"]?.stringValue == TestScenario.yes)
        #expect(
            ex.control(
                "leader-position",
                .object([
                    ("address", .string(leader)), ("token_id", .string(TestScenario.nrYes)), ("size", "0"),
                ])
            ).status == 200)
        #expect(ex.get("/positions?user=\(leader)").json?.arrayValue?.isEmpty == true)
    }

    @Test func resetRestoresTheInitialScenario() throws {
        let ex = try TestScenario().exchange()
        _ = ex.control("resolve", .object([("winner_token_id", .string(TestScenario.yes))]))
        #expect(ex.get("/markets/\(TestScenario.standardCid)").json?["closed"] == .bool(true))
        #expect(ex.handle(PaperRequest(method: "POST", target: "/_control/scenario")).status == 200)
        #expect(ex.get("/markets/\(TestScenario.standardCid)").json?["closed"] == .bool(false))
        // Loading another file: the demo's wallets replace the test ones.
        #expect(ex.control("scenario", .object([("path", .string(Paths.demo))])).status == 200)
        #expect(ex.collateral(TestKey.proxy) == "500")
        #expect(ex.control("scenario", .object([("path", "/nonexistent.json")])).status == 400)
    }

    @Test func faultsAreValidated() throws {
        let ex = try TestScenario().exchange()
        #expect(ex.control("faults", .object([("path", "/order"), ("kind", "explode")])).status == 400)
        #expect(
            ex.control("faults", .object([("path", "/order"), ("kind", "http_429"), ("count", .int(2))])).status == 200)
        #expect(ex.takeFault(method: "POST", path: "/order")?.kind == "http_429")
        #expect(ex.takeFault(method: "POST", path: "/order")?.kind == "http_429")
        #expect(ex.takeFault(method: "POST", path: "/order") == nil)
    }
}

@Suite struct JSONTests {
    @Test func parsesAndPrintsExactly() throws {
        let text = #"{"a":[1,2.50,true,null],"b":"x\"y\u00e9","c":{}}"#
        let v = try JSON.parse(text)
        #expect(v["a"]?.arrayValue?[1] == .number("2.50"))
        #expect(v["b"]?.stringValue == "x\"yé")
        #expect(v.text == #"{"a":[1,2.50,true,null],"b":"x\"yé","c":{}}"#)
        #expect(throws: JSON.ParseError.self) { try JSON.parse(#"{"a":1"#) }
        #expect(throws: JSON.ParseError.self) { try JSON.parse("[1] x") }
    }
}
