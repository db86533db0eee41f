import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt sync-order-status` end to end (issue 10): the real binary, a private Postgres database and
/// the paper exchange. Every test ends with the books checked: the capital invariant, locked cash
/// = the rows' locks, and every FILLED row agreeing with the exchange's trades.
@Suite(.serialized) struct SyncIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    /// The default market with a 2 % taker fee (so fees of record matter) and a settlement clock
    /// that only moves when a test forces it.
    static func scenario() -> String {
        ExecuteHarness.defaultScenario()
            .replacingOccurrences(
                of: #""clock": {}"#,
                with: #""clock": {"mined_after_seconds": 100000, "confirmed_after_seconds": 200000}"#
            )
            .replacingOccurrences(
                of: #""neg_risk": false,"#,
                with: #""neg_risk": false, "fee_schedule": {"rate": "0.02", "exponent": 1},"#)
    }

    static func harness() throws -> ExecuteHarness {
        let h = try ExecuteHarness(scenario: scenario())
        try h.addStrategy("s1")
        return h
    }

    struct Row: Equatable {
        var status: String
        var executedUSD: Fixed6
        var executedShares: Fixed6
        var executedPrice: Fixed6?
        var feesUSD: Fixed6
        var expectedFeeUSD: Fixed6
        var sharesRemaining: Fixed6
        var costBasisRemaining: Fixed6
        var settlement: String?
        var tradeIDs: String
        var orderHash: String?
        var updatedAt: Date?
    }

    func rows(_ h: ExecuteHarness) throws -> [String: Row] {
        var out: [String: Row] = [:]
        for r in try h.db.query(
            """
            SELECT signal_key, status, executed_usd, executed_shares, executed_price, fees_usd, expected_fee_usd,
                   shares_remaining, cost_basis_remaining, settlement, array_to_string(trade_ids, ',') AS trade_ids,
                   order_hash, updated_at
              FROM lt_orders
            """)
        {
            out[try r.decode("signal_key")] = Row(
                status: try r.decode("status"), executedUSD: try r.decode("executed_usd"),
                executedShares: try r.decode("executed_shares"),
                executedPrice: try r.decode("executed_price", as: Fixed6?.self), feesUSD: try r.decode("fees_usd"),
                expectedFeeUSD: try r.decode("expected_fee_usd"), sharesRemaining: try r.decode("shares_remaining"),
                costBasisRemaining: try r.decode("cost_basis_remaining"), settlement: try r.text("settlement"),
                tradeIDs: try r.text("trade_ids") ?? "", orderHash: try r.text("order_hash"),
                updatedAt: try r.decode("updated_at", as: Date?.self))
        }
        return out
    }

    /// The exchange's trades: (shares, collateral, fee, status) per taker order id.
    func exchangeTrades(_ h: ExecuteHarness) throws -> [String: [(Fixed6, Fixed6, Fixed6, String)]] {
        let text = try h.control(.get, "/_control/state")
        let state = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        var out: [String: [(Fixed6, Fixed6, Fixed6, String)]] = [:]
        for t in (state?["trades"] as? [[String: Any]]) ?? [] {
            let size = Self.fx(t["size"] as? String ?? "0")
            let price = Self.fx(t["price"] as? String ?? "0")
            out[(t["taker_order_id"] as? String ?? "").lowercased(), default: []].append(
                (
                    size, size.multiplied(by: price, rounding: .ceiling), Self.fx(t["paper_fee"] as? String ?? "0"),
                    t["status"] as? String ?? ""
                ))
        }
        return out
    }

    func walletCollateral(_ h: ExecuteHarness) throws -> Fixed6 {
        let text = try h.control(.get, "/_control/state")
        let state = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let w = (state?["wallets"] as? [[String: Any]])?.first
        return Self.fx(w?["collateral"] as? String ?? "0")
    }

    /// The books hold: invariant, locked = rows, each FILLED row = its trades (failed ones out),
    /// and the strategy spent exactly what the wallet was debited.
    func assertBooks(_ h: ExecuteHarness, _ strategy: String = "s1") throws {
        let c = try h.cash(strategy)
        #expect(c.invariantHolds, "capital invariant broken: \(c)")
        #expect(c.locked == (try h.lockedByRows(strategy)), "locked capital ≠ rows")
        let trades = try exchangeTrades(h)
        var spent = Fixed6.zero
        for (key, row) in try rows(h) where row.status == "FILLED" {
            let mine = (trades[(row.orderHash ?? "").lowercased()] ?? []).filter { $0.3 != "FAILED" }
            let shares = mine.reduce(Fixed6.zero) { $0 + $1.0 }
            let fee = mine.reduce(Fixed6.zero) { $0 + $1.2 }
            #expect(row.executedShares == shares, "\(key): shares \(row.executedShares) ≠ trades \(shares)")
            #expect(row.feesUSD == fee, "\(key): fee \(row.feesUSD) ≠ trades \(fee)")
            #expect(row.costBasisRemaining == row.executedUSD + row.feesUSD, "\(key): cost basis")
            spent += row.executedUSD + row.feesUSD
        }
        // One strategy on the wallet: what the books spent is what the wallet paid.
        #expect(Self.fx("10000") - (try walletCollateral(h)) == spent, "wallet debit ≠ booked spend")
        #expect(c.available == Self.fx("1000") - c.locked)
        for secret in TestWallet.secrets { #expect(!h.allOutput.contains(secret)) }
    }

    func sync(_ h: ExecuteHarness, _ extra: [String] = [], env: [String: String] = [:]) throws -> ProcessResult {
        try h.lt(["sync-order-status"] + extra, env: env)
    }

    /// An UNKNOWN order the exchange really filled: the POST's answer was dropped after the accept.
    func unknownFill(_ h: ExecuteHarness, signals: [String] = ["ft-1"]) throws {
        for (i, s) in signals.enumerated() { try h.addSignal(s, ageSeconds: 10 - i, size: "15") }
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "drop_after_accept", "count": \#(signals.count)}"#)
        let r = try h.execute()
        #expect(r.status == 1, "\(r.output)")
        for s in signals { #expect(try rows(h)[s]?.status == "UNKNOWN") }
    }

    // MARK: Unknown outcomes

    @Test func dropAfterAcceptIsReconciledToTheExactFillAndASecondSyncChangesNothing() throws {
        let h = try Self.harness()
        try unknownFill(h)
        let r = try sync(h, ["--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(try rows(h)["ft-1"])
        #expect(row.status == "FILLED")
        let trades = try #require(try exchangeTrades(h)[(row.orderHash ?? "").lowercased()])
        #expect(row.executedShares == Self.fx("30"))
        #expect(row.executedUSD == Self.fx("15"))
        #expect(row.executedPrice == Self.fx("0.5"))
        #expect(row.feesUSD == trades.reduce(Fixed6.zero) { $0 + $1.2 })
        #expect(row.feesUSD == Self.fx("0.15"), "30 × 0.02 × 0.25")
        #expect(row.settlement == "MATCHED")
        #expect(r.stdout.contains("\"filled\":1") || r.stdout.contains("\"filled\" : 1"), "\(r.stdout)")
        try assertBooks(h)
        let cash = try h.cash("s1")
        #expect(cash.available == Self.fx("984.85"), "cash released to the micro-unit")
        // A second sync changes nothing.
        let again = try sync(h)
        #expect(again.status == 0, "\(again.output)")
        #expect(try rows(h)["ft-1"] == row)
        #expect(try h.cash("s1") == cash)
        // The JSON line about the row carries its trace id.
        #expect(r.stderr.contains("trace_id"))
    }

    @Test func postNeverReceivedFailsOnlyPastGraceWithItsRunDead() throws {
        let h = try Self.harness()
        try h.addSignal("ft-1", size: "15")
        // The exchange never processes the POST and holds the connection: the run is killed in flight.
        try h.fault(
            #"{"method": "POST", "path": "/order", "kind": "timeout", "process": false, "latency_ms": 4000, "count": 1}"#
        )
        let (p, out, err) = try h.ltProcess(["execute"])
        try p.run()
        #expect(h.waitUntil { (try? rows(h)["ft-1"]?.status) == "INTENT" })
        // While the posting run is alive: untouched, whatever the grace period.
        let during = try sync(h, env: ["LT_TEST_GRACE_SECONDS": "0"])
        #expect(during.status == 0, "\(during.output)")
        #expect(try rows(h)["ft-1"]?.status == "INTENT")
        kill(p.processIdentifier, SIGKILL)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let locked = try h.cash("s1").locked
        #expect(locked == Self.fx("15.15"))
        // Dead run, within the grace period: still unproven, cash untouched.
        let early = try sync(h, env: ["LT_TEST_GRACE_SECONDS": "3600"])
        #expect(early.status == 0, "\(early.output)")
        #expect(try rows(h)["ft-1"]?.status == "UNKNOWN")
        #expect(try h.cash("s1").locked == locked)
        // Past it: FAILED, everything released.
        let late = try sync(h, env: ["LT_TEST_GRACE_SECONDS": "0"])
        #expect(late.status == 0, "\(late.output)")
        #expect(try rows(h)["ft-1"]?.status == "FAILED")
        #expect(try h.cash("s1").available == Self.fx("1000"))
        #expect(try h.orderLog().isEmpty, "the exchange never received it")
        try assertBooks(h)
    }

    @Test func orderThatAnswers404IsResolvedFromItsTrades() throws {
        let h = try Self.harness()
        try h.control(.post, "/_control/flags", #"{"drop_filled_orders": true}"#)
        try unknownFill(h)
        let r = try sync(h)
        #expect(r.status == 0, "\(r.output)")
        #expect(try rows(h)["ft-1"]?.status == "FILLED")
        try assertBooks(h)
    }

    // MARK: Fills of record, settlement

    @Test func provisionalFillIsCorrectedByTheTrades() throws {
        let h = try Self.harness()
        try h.addSignal("ft-1", size: "15")
        // A proxy mangles the answer: believable, but not what was traded (15 USD for 30 shares).
        let body =
            #"{\"success\": true, \"errorMsg\": \"\", \"orderID\": \"0x01\", \"status\": \"matched\", \"makingAmount\": \"14\", \"takingAmount\": \"28\", \"transactionsHashes\": [], \"tradeIDs\": []}"#
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "replace_body", "count": 1, "body": "\#(body)"}"#)
        #expect(try h.execute().status == 0)
        #expect(try rows(h)["ft-1"]?.executedUSD == Self.fx("14"))
        let r = try sync(h)
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(try rows(h)["ft-1"])
        #expect(row.executedUSD == Self.fx("15") && row.executedShares == Self.fx("30"))
        try assertBooks(h)
    }

    @Test func settlementRetryingIsNotFinalConfirmedIsFinal() throws {
        let h = try Self.harness()
        try h.addSignal("ft-1", size: "15")
        #expect(try h.execute().status == 0)
        try h.control(.post, "/_control/trade-status", #"{"status": "RETRYING"}"#)
        #expect(try sync(h).status == 0)
        #expect(try rows(h)["ft-1"]?.settlement == "RETRYING")
        try h.control(.post, "/_control/trade-status", #"{"status": "CONFIRMED"}"#)
        let r = try sync(h, ["--format", "json"])
        #expect(r.status == 0)
        #expect(try rows(h)["ft-1"]?.settlement == "CONFIRMED")
        try assertBooks(h)
        // Final: the next run does not visit it.
        let idle = try sync(h, ["--format", "json"])
        #expect(idle.stdout.contains("\"visited\":0") || idle.stdout.contains("\"visited\" : 0"), "\(idle.stdout)")
    }

    @Test func settlementFailedReversesTheFill() throws {
        let h = try Self.harness()
        try h.addSignal("ft-1", size: "15")
        #expect(try h.execute().status == 0)
        #expect(try h.cash("s1").available == Self.fx("984.85"))
        try h.control(.post, "/_control/trade-status", #"{"status": "FAILED"}"#)
        let r = try sync(h)
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(try rows(h)["ft-1"])
        #expect(row.status == "FAILED")
        #expect(row.settlement == "FAILED")
        #expect(row.sharesRemaining == .zero && row.costBasisRemaining == .zero)
        #expect(try h.cash("s1").available == Self.fx("1000"))
        #expect(try walletCollateral(h) == Self.fx("10000"), "the exchange undid the trade too")
        try assertBooks(h)
    }

    // MARK: Crashes, concurrency, faults

    @Test(arguments: ["after-read", "after-lookups", "before-apply", "after-apply"])
    func killedAtEveryStepThenRerunReachesTheSameEndState(point: String) throws {
        let h = try Self.harness()
        try unknownFill(h, signals: ["ft-1", "ft-2"])
        let killed = try sync(h, env: ["LT_TEST_CRASH_POINT": point])
        #expect(killed.status == 128 + 9 || killed.status == 9, "killed by SIGKILL, got \(killed.status)")
        let r = try sync(h)
        #expect(r.status == 0, "\(r.output)")
        let all = try rows(h)
        #expect(all["ft-1"]?.status == "FILLED" && all["ft-2"]?.status == "FILLED")
        #expect(try h.cash("s1").available == Self.fx("969.7"), "each release exactly once")
        try assertBooks(h)
    }

    @Test func killedAtRandomInstantsThenRerun() throws {
        let h = try Self.harness()
        try unknownFill(h, signals: ["ft-1", "ft-2", "ft-3"])
        for _ in 0..<3 {
            let (p, out, err) = try h.ltProcess(["sync-order-status"])
            try p.run()
            usleep(UInt32.random(in: 0..<150_000))
            kill(p.processIdentifier, SIGKILL)
            _ = out.fileHandleForReading.readDataToEndOfFile()
            _ = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            try assertBooksPartial(h)
        }
        #expect(try sync(h).status == 0)
        #expect(try rows(h).values.allSatisfy { $0.status == "FILLED" })
        #expect(try h.cash("s1").available == Self.fx("954.55"))
        try assertBooks(h)
    }

    /// Between kills only the invariant and locked = rows can be checked (UNKNOWN rows still hold
    /// their lock while the wallet already paid).
    func assertBooksPartial(_ h: ExecuteHarness) throws {
        let c = try h.cash("s1")
        #expect(c.invariantHolds)
        #expect(c.locked == (try h.lockedByRows("s1")))
    }

    @Test func concurrentSyncsAndExecuteReleaseExactlyOnce() throws {
        let h = try Self.harness()
        try unknownFill(h, signals: (0..<6).map { "ft-\($0)" })
        // New signals for execute to place while the syncs run.
        for i in 6..<9 { try h.addSignal("ft-\(i)", ageSeconds: 2, size: "15") }
        var procs: [(Process, Pipe, Pipe)] = []
        for args in [
            ["sync-order-status"], ["sync-order-status"], ["sync-order-status", "--shard", "0/1"], ["execute"],
            ["sync-order-status", "--shard", "0/1"],
        ] {
            procs.append(try h.ltProcess(args))
        }
        for p in procs { try p.0.run() }
        for p in procs {
            _ = p.1.fileHandleForReading.readDataToEndOfFile()
            _ = p.2.fileHandleForReading.readDataToEndOfFile()
            p.0.waitUntilExit()
            #expect([0, 1].contains(p.0.terminationStatus))
        }
        #expect(try sync(h).status == 0)
        let all = try rows(h)
        #expect(all.count == 9)
        #expect(all.values.allSatisfy { $0.status == "FILLED" }, "\(all.mapValues(\.status))")
        // Exactly once: available = initial − Σ cost of record (assertBooks also ties it to the wallet).
        let cost = all.values.reduce(Fixed6.zero) { $0 + $1.costBasisRemaining }
        #expect(try h.cash("s1").available == Self.fx("1000") - cost)
        try assertBooks(h)
    }

    @Test(arguments: ["http_429", "http_500", "malformed_json", "drop_after_accept"])
    func lookupFaultsChangeNothingAndTheNextRunCompletes(kind: String) throws {
        let h = try Self.harness()
        try unknownFill(h)
        let before = try rows(h)
        let cash = try h.cash("s1")
        try h.fault(#"{"method": "GET", "path": "/data/trades", "kind": "\#(kind)", "retry_after": 0, "count": 0}"#)
        let r = try sync(h)
        #expect(r.status == 69, "\(r.output)")
        #expect(try rows(h) == before)
        #expect(try h.cash("s1") == cash)
        try h.control(.delete, "/_control/faults")
        #expect(try sync(h).status == 0)
        #expect(try rows(h)["ft-1"]?.status == "FILLED")
        try assertBooks(h)
    }

    @Test func orderLookupFaultDefersTheVerdict() throws {
        let h = try Self.harness()
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "http_500", "process": false, "count": 1}"#)
        #expect(try h.execute().status == 1)
        try h.fault(#"{"method": "GET", "path": "/data/order/*", "kind": "drop_after_accept", "count": 0}"#)
        let r = try sync(h, env: ["LT_TEST_GRACE_SECONDS": "0"])
        #expect(r.status == 69, "\(r.output)")
        #expect(try rows(h)["ft-1"]?.status == "UNKNOWN")
        try h.control(.delete, "/_control/faults")
        #expect(try sync(h, env: ["LT_TEST_GRACE_SECONDS": "0"]).status == 0)
        #expect(try rows(h)["ft-1"]?.status == "FAILED")
        #expect(try h.cash("s1").available == Self.fx("1000"))
        try assertBooks(h)
    }

    // MARK: Cost, usage

    @Test func anIdleRunIsOneQueryAndBadUsageIs64() throws {
        let h = try Self.harness()
        // The first run of the day also completes the daily reset; the idle tick is the next one.
        #expect(try sync(h).status == 0)
        let r = try sync(h, ["--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let result = json?["result"] as? [String: Any]
        #expect(result?["visited"] as? Int == 0, "\(r.stdout)")
        let timings = result?["timings"] as? [String: Any]
        // Housekeeping's two probes (daily reset due, matured cooldowns) and the non-final query; no
        // venue call at all.
        #expect(timings?["db_calls"] as? Int == 3, "\(r.stdout)")
        #expect(timings?["http_calls"] as? Int == 0, "\(r.stdout)")
        #expect(try sync(h, ["--shard", "2/2"]).status == 64)
        #expect(try sync(h, ["--grace-minutes", "-1"]).status == 64)
    }

    @Test func nonFinalQueryIsIndexBacked() throws {
        let h = try Self.harness()
        // History: many final rows; a handful of non-final ones.
        try h.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, settlement, executed_usd, executed_shares)
            SELECT 's1', 'h-' || g, 'BUY', 'FILLED', 'CONFIRMED', 1, 2 FROM generate_series(1, 30000) g;
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, order_hash, wallet)
            SELECT 's1', 'u-' || g, 'BUY', 'UNKNOWN', '0x' || g, 'main' FROM generate_series(1, 5) g;
            ANALYZE lt_orders;
            """)
        let plan = try h.db.query(SQL(unsafeRaw: "EXPLAIN ") + SyncStore.nonFinalOrdersSQL).compactMap {
            try? $0.text("QUERY PLAN") ?? nil
        }.joined(separator: "\n")
        #expect(plan.contains("lt_orders_nonfinal_idx"), "\(plan)")
        #expect(plan.contains("lt_orders_unsettled_idx"), "\(plan)")
        #expect(!plan.contains("Seq Scan"), "\(plan)")
    }
}
