import Foundation
import LTCore
import LTPostgres
import Testing

/// Parallel posts (issue 15): once a decision's INTENT is durable its POST goes out beside other
/// strategies' posts (`--max-in-flight`); exactly-once is unchanged. The real binary, a private
/// database and the paper exchange, as in ExecuteIntegrationTests.
@Suite(.serialized) struct ExecuteParallelPostsTests {
    static let strategies = (1...6).map { "s\($0)" }

    /// One signal for each strategy, each strategy on its own FT wallet.
    func setUp(_ h: ExecuteHarness, _ strategies: [String]) throws {
        for (i, s) in strategies.enumerated() {
            try h.addStrategy(s, wallet: "ftw\(i)")
            try h.addSignal("ft-\(s)", wallet: "ftw\(i)")
        }
    }

    func assertBooks(_ h: ExecuteHarness, _ strategies: [String]) throws {
        let hashes = try h.assertBooksAndNothingTwice(strategies)
        let rows = try h.orders().values.compactMap(\.orderHash)
        #expect(Set(hashes) == Set(rows), "every order posted is a row, every row's order was posted once")
    }

    @Test func strategiesPostInParallelAndEveryOrderIsPlacedOnce() throws {
        let h = try ExecuteHarness()
        try setUp(h, Self.strategies)
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 300, "count": 6}"#)
        let r = try h.execute(["--max-in-flight", "4", "--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let result = try jsonObject(r.stdout)["result"] as? [String: Any]
        #expect(result?["placed"] as? Int == 6 && result?["filled"] as? Int == 6, "\(r.stdout)")
        let rows = try h.orders()
        for s in Self.strategies {
            #expect(rows["ft-\(s)"]?.status == "FILLED", "answer recorded for \(s): \(rows["ft-\(s)"]?.error ?? "")")
        }
        #expect(try h.orderLog().count == 6)
        try assertBooks(h, Self.strategies)
        // Nothing left to do: a second run places nothing.
        let again = try h.execute(["--format", "json"])
        #expect((try jsonObject(again.stdout)["result"] as? [String: Any])?["placed"] as? Int == 0)
        #expect(try h.orderLog().count == 6)
    }

    /// The exchange takes each order and holds its answer: all four reaching it while none was
    /// answered proves the posts were in flight together. SIGKILL then: the rows are INTENT, the
    /// next run makes them UNKNOWN (never re-posted) and sync finds the fills. Synchronous: an
    /// awaiting test can wait for a cooperative thread under the full suite for longer than the
    /// exchange holds the answers, and lt would book them before the kill.
    @Test func aKillWithSeveralPostsInFlightIsReconciledAndNothingIsPlacedTwice() throws {
        let h = try ExecuteHarness()
        let strategies = Array(Self.strategies.prefix(4))
        try setUp(h, strategies)
        try h.fault(
            #"{"method": "POST", "path": "/order", "kind": "timeout", "process": true, "latency_ms": 10000, "count": 4}"#
        )
        let run = try RunningLT(h, ["execute", "--max-in-flight", "8"])
        #expect(h.waitUntil(seconds: 30) { (try? h.orderLog().count) == 4 }, "four posts in flight at once")
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        #expect(try h.orders().values.allSatisfy { $0.status == "INTENT" })
        let next = try h.execute(["--format", "json"])
        #expect(next.status == 0, "\(next.output)")
        let result = try jsonObject(next.stdout)["result"] as? [String: Any]
        #expect(result?["abandoned_intents"] as? Int == 4 && result?["placed"] as? Int == 0, "\(next.stdout)")
        #expect(try h.orders().values.allSatisfy { $0.status == "UNKNOWN" })
        let sync = try h.lt(["sync-order-status"], env: ["LT_TEST_GRACE_SECONDS": "0"])
        #expect(sync.status == 0, "\(sync.output)")
        let statuses = try h.orders().mapValues(\.status)
        #expect(statuses.values.allSatisfy { $0 == "FILLED" }, "\(statuses)")
        #expect(try h.orderLog().count == 4)
        try assertBooks(h, strategies)
    }

    /// A pass reads the venue once for all its strategies (issue 15, burst): each market, fee
    /// schedule and book once, however many strategies trade it — before, every strategy read them
    /// again, one after another. What each signal then decides is unchanged.
    @Test func aPassReadsEachMarketAndBookOnceForAllItsStrategies() throws {
        let h = try ExecuteHarness()
        for (i, s) in Self.strategies.enumerated() {
            try h.addStrategy(s, wallet: "ftw\(i)")
            // Two of the six copy a signal on the closed market: skipped, as one at a time would.
            let closed = i >= 4
            try h.addSignal(
                "ft-\(s)", wallet: "ftw\(i)",
                condition: closed ? "'\(Market.closedCondition)'" : "'\(Market.condition)'")
        }
        try h.fault(#"{"method": "GET", "path": "/*", "kind": "latency", "latency_ms": 100, "count": 0}"#)
        let r = try h.execute(["--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let result = try jsonObject(r.stdout)["result"] as? [String: Any]
        #expect(result?["placed"] as? Int == 4 && result?["filled"] as? Int == 4, "\(r.stdout)")
        let rows = try h.orders()
        for s in Self.strategies.suffix(2) {
            #expect(rows["ft-\(s)"]?.status == "SKIPPED" && rows["ft-\(s)"]?.skipReason == "MARKET_UNAVAILABLE")
        }
        let counts = try h.requestCounts()
        #expect(counts["GET /markets/\(Market.condition)"] == 1, "\(counts)")
        #expect(counts["GET /markets/\(Market.closedCondition)"] == 1, "\(counts)")
        #expect(counts["GET /clob-markets/\(Market.condition)"] == 1, "\(counts)")
        #expect(counts["POST /books"] == 1, "\(counts)")
        #expect(counts["POST /order"] == 4, "\(counts)")
        try assertBooks(h, Array(Self.strategies.prefix(4)))
    }

    /// `--read-ahead` closes a wave at that many candidates: at 1 every strategy is its own wave
    /// and reads the market again; by default one wave reads it once.
    @Test func readAheadBoundsAWave() throws {
        for (readAhead, marketReads) in [("1", 3), ("200", 1)] {
            let h = try ExecuteHarness()
            for (i, s) in Self.strategies.prefix(3).enumerated() {
                try h.addStrategy(s, wallet: "ftw\(i)")
                try h.addSignal("ft-\(s)", wallet: "ftw\(i)")
            }
            let r = try h.execute(["--read-ahead", readAhead, "--format", "json"])
            #expect(r.status == 0, "\(r.output)")
            #expect((try jsonObject(r.stdout)["result"] as? [String: Any])?["filled"] as? Int == 3, "\(r.stdout)")
            let counts = try h.requestCounts()
            #expect(counts["GET /markets/\(Market.condition)"] == marketReads, "--read-ahead \(readAhead): \(counts)")
            #expect(counts["POST /books"] == marketReads, "--read-ahead \(readAhead): \(counts)")
            #expect(counts["GET /clob-markets/\(Market.condition)"] == 1, "fee schedule cached for the run")
        }
    }

    @Test func maxInFlightIsValidated() throws {
        let h = try ExecuteHarness()
        #expect(try h.execute(["--max-in-flight", "0"]).status == 64)
        #expect(try h.execute(["--max-in-flight", "65"]).status == 64)
        #expect(try h.execute(["--read-ahead", "0"]).status == 64)
    }
}
