import Foundation
import LTCore
import LTPostgres
import Testing

/// Issue 8's whole-process guarantees: the real `lt`, a real Postgres and the paper exchange.
@Suite("execute foundations: liveness, durability, fresh reads, fill sanity", .serialized)
struct FoundationProcessTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    /// Waits until the exchange has taken the armed fault (the POST it delays is in flight).
    static func waitForFaultTaken(_ h: ExecuteHarness, kind: String = "latency") -> Bool {
        h.waitUntil(seconds: 15) { (try? h.control(.get, "/_control/faults")).map { !$0.contains(kind) } ?? false }
    }

    static func finish(_ p: Process, _ out: Pipe, _ err: Pipe) -> String {
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: o + e, as: UTF8.self)
    }

    @Test("run liveness: a live run's INTENT is never touched; a SIGKILLed run's is")
    func liveness() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 4000, "count": 1}"#)
        let (a, aOut, aErr) = try h.ltProcess(["execute"])
        try a.run()
        #expect(Self.waitForFaultTaken(h), "the first run's POST never reached the exchange")
        #expect(try h.orders()["ft-1"]?.status == "INTENT")
        // A second run with another job lock (a shard of one) overlaps on the same strategy.
        let b = try h.execute(["--shard", "0/1", "--format", "json"])
        #expect(b.status == 0, "\(b.output)")
        #expect(b.stdout.contains(#""abandoned_intents":0"#), "\(b.stdout)")
        #expect(try h.orders()["ft-1"]?.status == "INTENT", "a live run's row was taken over")
        let aText = Self.finish(a, aOut, aErr)
        #expect(a.terminationStatus == 0, "\(aText)")
        #expect(try h.orders()["ft-1"]?.status == "FILLED", "the posting run booked its own answer")

        // Now the posting run dies mid-POST: the next run proves it dead and marks the row UNKNOWN.
        try h.addSignal("ft-2", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 3000, "count": 1}"#)
        let (c, cOut, cErr) = try h.ltProcess(["execute"])
        try c.run()
        #expect(Self.waitForFaultTaken(h))
        kill(c.processIdentifier, SIGKILL)
        _ = Self.finish(c, cOut, cErr)
        #expect(try h.orders()["ft-2"]?.status == "INTENT")
        let posted = try h.orderLog().count
        let d = try h.execute(["--format", "json"])
        #expect(d.stdout.contains(#""abandoned_intents":1"#), "\(d.output)")
        #expect(try h.orders()["ft-2"]?.status == "UNKNOWN")
        #expect(try h.cash("s1").locked >= Self.fx("15"), "an unproven order keeps its cash locked")
        _ = h.waitUntil(seconds: 4) { false }  // let the delayed POST land
        #expect(try h.orderLog().count <= posted + 1, "never re-posted")
    }

    @Test(
        "durable INTENT: a Postgres crash-restart mid-POST never leads to a second order (server default: async commit)"
    )
    func durableIntentSurvivesACrash() throws {
        let cluster = try PrivateCluster(durableDefault: false)
        defer { cluster.stop() }
        let migrated = try LTProcess.run(["migrate", "--dev-tables"], environment: ["DATABASE_URL": cluster.url])
        try #require(migrated.status == 0, "lt migrate --dev-tables: \(migrated.stdout)\(migrated.stderr)")
        let h = try ExecuteHarness(databaseURL: cluster.url)
        try h.addStrategy("s1")
        try h.addSignal("ft-1", ageSeconds: 6, size: "15")
        try h.addSignal("ft-2", ageSeconds: 5, size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 2000, "count": 1}"#)
        let (p, out, err) = try h.ltProcess(["execute"])
        try p.run()
        let inFlight = Self.waitForFaultTaken(h)
        try cluster.restart()
        let text = Self.finish(p, out, err)
        #expect(inFlight, "ft-1's POST never reached the exchange")
        #expect(p.terminationStatus == 69, "\(text)")
        try h.reconnect()
        #expect(try h.orders()["ft-1"]?.status == "INTENT", "the INTENT committed before the POST survived the crash")
        _ = try h.execute()
        _ = try h.execute()
        // One order per signal reached the exchange: ft-1 once (its answer lost), ft-2 once.
        let log = try h.orderLog()
        #expect(log.count == 2, "\(log)")
        #expect(try h.orders()["ft-1"]?.status == "UNKNOWN")
        #expect(try h.orders()["ft-2"]?.status == "FILLED")
    }

    @Test("fresh reads: two overlapping runs never put a strategy over max_position_size_usd")
    func positionLimitHoldsUnderOverlappingRuns() throws {
        let h = try ExecuteHarness(
            scenario: ExecuteHarness.defaultScenario(yesAsks: #"[{"price":"0.50","size":"100000"}]"#))
        let ids = (1...12).map { "s\($0)" }
        for id in ids {
            try h.addStrategy(id, wallet: "w-\(id)", extra: ["max_position_size_usd": "20"])
            // One older signal (only the long lookback sees it) and one recent one, same outcome.
            try h.addSignal("\(id)-old", wallet: "w-\(id)", ageSeconds: 40 * 60, size: "15")
            try h.addSignal("\(id)-new", wallet: "w-\(id)", ageSeconds: 5, size: "15")
        }
        try h.db.runScript("UPDATE lt_strategies SET max_signal_age_seconds = 7200")
        let (a, aOut, aErr) = try h.ltProcess(["execute", "--lookback-minutes", "60"])
        let (b, bOut, bErr) = try h.ltProcess(["execute", "--shard", "0/1", "--lookback-minutes", "30"])
        try a.run()
        try b.run()
        let aText = Self.finish(a, aOut, aErr)
        let bText = Self.finish(b, bOut, bErr)
        #expect([0, 1].contains(a.terminationStatus), "\(aText)")
        #expect([0, 1].contains(b.terminationStatus), "\(bText)")
        for id in ids {
            let held = try h.db.queryFirst(
                LedgerStore.positionUSDSQL(
                    strategyID: id, position: PositionKey(conditionID: Market.condition, label: "Yes")))
            let usd = try Fixed6(parsing: try held?.text("usd") ?? "0")
            #expect(usd <= Self.fx("20"), "\(id) holds \(usd) > max position 20")
        }
    }

    @Test("fill sanity: a matched answer with impossible amounts is booked SUBMITTED, cash locked")
    func unbelievableAnswerIsNotBooked() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        let body =
            #"{\"success\":true,\"errorMsg\":\"\",\"orderID\":\"0xfeed\",\"status\":\"matched\",\"makingAmount\":\"999\",\"takingAmount\":\"1\"}"#
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "replace_body", "count": 1, "body": "\#(body)"}"#)
        let r = try h.execute()
        let row = try #require(try h.orders()["ft-1"])
        #expect(row.status == "SUBMITTED", "\(r.output)")
        #expect(row.executedUSD == .zero)
        #expect(row.error?.contains("not believable") == true)
        #expect(r.stdout.contains("matched answers not believable, left SUBMITTED 1"), "\(r.stdout)")
        #expect(try h.cash("s1").locked == Self.fx("15"))
        let venueID = try h.db.queryFirst("SELECT venue_order_id FROM lt_orders WHERE signal_key = 'ft-1'")
        #expect(try venueID?.text("venue_order_id") == "0xfeed")
    }
}

/// Fees in the model (issue 8 item 7) against a paper exchange that charges the V2 taker fee on top
/// of the signed amount (polymarket-protocol.md §5.7).
@Suite("execute: the expected fee is locked with the order and counted in the cost basis")
struct FeeProcessTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    /// The default scenario with the test market charging r = 0.02, e = 1.
    static func feeScenario() -> String {
        ExecuteHarness.defaultScenario().replacingOccurrences(
            of: #""neg_risk": false,"#, with: #""neg_risk": false, "fee_schedule": {"rate": "0.02", "exponent": 1},"#)
    }

    @Test("live: amount + expected fee locked; the fill keeps cost + fee as its cost basis; the wallet paid both")
    func liveOrderLocksAndBooksTheFee() throws {
        let h = try ExecuteHarness(scenario: Self.feeScenario())
        try h.addStrategy("s1")
        try h.addSignal("ft-1", price: "0.50", size: "15")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(
            try h.db.queryFirst(
                """
                SELECT status, executed_usd, executed_shares, expected_fee_usd, cost_basis_remaining, settlement
                  FROM lt_orders WHERE signal_key = 'ft-1'
                """))
        #expect(try row.decode("status", as: String.self) == "FILLED")
        // $15 at 0.50 buys 30 shares; the fee is 30 × 0.02 × 0.5 × 0.5 = 0.15 on top.
        #expect(try row.decode("executed_usd", as: Fixed6.self) == Self.fx("15"))
        #expect(try row.decode("executed_shares", as: Fixed6.self) == Self.fx("30"))
        #expect(try row.decode("expected_fee_usd", as: Fixed6.self) == Self.fx("0.15"))
        #expect(try row.decode("cost_basis_remaining", as: Fixed6.self) == Self.fx("15.15"))
        #expect(try row.decode("settlement", as: String.self) == "MATCHED")
        let cash = try h.cash("s1")
        #expect(cash.locked == Self.fx("15.15"))
        #expect(cash.available == Self.fx("984.85"))
        #expect(cash.dailySpent == Self.fx("15.15"))
        #expect(cash.invariantHolds)
        // The venue charged the same: the wallet paid amount + fee.
        let state = try h.control(.get, "/_control/state")
        #expect(state.contains(#""collateral":"9984.85""#), "\(state.prefix(600))")
    }

    @Test("shadow: the simulated fill pays the same simulated fee")
    func shadowFillSimulatesTheFee() throws {
        let h = try ExecuteHarness(scenario: Self.feeScenario())
        try h.addStrategy("s1", mode: .shadow)
        try h.addSignal("ft-1", price: "0.50", size: "15")
        _ = try h.execute()
        let row = try #require(
            try h.db.queryFirst(
                "SELECT status, fees_usd, cost_basis_remaining FROM lt_orders WHERE signal_key = 'ft-1'"))
        #expect(try row.decode("status", as: String.self) == "FILLED")
        #expect(try row.decode("fees_usd", as: Fixed6.self) == Self.fx("0.15"))
        #expect(try row.decode("cost_basis_remaining", as: Fixed6.self) == Self.fx("15.15"))
        #expect(try h.cash("s1").locked == Self.fx("15.15"))
    }

    @Test("the 99 % cash cap counts the fee: the amount shrinks so that amount + fee fits")
    func cashCapCountsTheFee() throws {
        let h = try ExecuteHarness(scenario: Self.feeScenario())
        try h.addStrategy("s1", capital: "10")
        try h.addSignal("ft-1", price: "0.50", size: "50")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(try h.orders()["ft-1"])
        #expect(row.status == "FILLED", "\(row.error ?? "")")
        let cash = try h.cash("s1")
        #expect(cash.locked <= Self.fx("9.90"), "amount + fee within 99 % of 10")
        #expect(cash.available >= Self.fx("0.10"))
        #expect(cash.invariantHolds)
    }
}
