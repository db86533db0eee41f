import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt execute` end to end: the real binary, a private Postgres database and the paper exchange.
@Suite(.serialized) struct ExecuteIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    /// Checks shared by every test: the capital invariant and that no secret leaked.
    func assertClean(_ h: ExecuteHarness, strategies: [String], preLocked: [String: String] = [:]) throws {
        for s in strategies {
            let c = try h.cash(s)
            #expect(c.invariantHolds, "capital invariant broken for \(s): \(c)")
            let pre = preLocked[s].map(Self.fx) ?? .zero
            #expect(c.locked == (try h.lockedByRows(s)) + pre, "locked capital ≠ rows for \(s)")
        }
        for secret in TestWallet.secrets {
            #expect(!h.allOutput.contains(secret), "a secret appeared in lt's output")
        }
    }

    @Test func liveHappyPathPlacesOnceAndSecondRunChangesNothing() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", price: "0.50", size: "15")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let row = try #require(try h.orders()["ft-1"])
        #expect(row.status == "FILLED", "\(row.error ?? "")")
        #expect(row.isShadow == false)
        #expect(row.orderType == "FOK")
        #expect(row.requestedUSD == Self.fx("15"))
        // Limit 0.51 (300 bps default) asks for at least 15/0.51 = 29.4117 shares; the book sells at
        // 0.50 and the venue fills a market BUY by its collateral (protocol §5.8): all $15 is spent
        // and the price improvement comes back as shares, 15/0.50 = 30.
        #expect(row.executedShares == Self.fx("30"))
        #expect(row.executedUSD == Self.fx("15"))
        #expect(row.orderHash?.hasPrefix("0x") == true)
        #expect(row.traceID != nil && row.latency != nil)
        // The trace id is on the log lines of that signal.
        #expect(r.stderr.contains(row.traceID!))
        #expect(r.stdout.contains("placed 1"))
        let log = try h.orderLog()
        #expect(log.count == 1)
        #expect(log.first?["order_id"] as? String == row.orderHash)
        let cash = try h.cash("s1")
        #expect(cash.available == Self.fx("985") && cash.locked == Self.fx("15"))
        #expect(cash.dailySpent == Self.fx("15"))

        // Second run right after: nothing placed, nothing changed.
        let before = (try h.orders(), try h.cash("s1"))
        let r2 = try h.execute(["--format", "json"])
        #expect(r2.status == 0)
        let summary = try jsonObject(r2.stdout)
        let result = summary["result"] as? [String: Any]
        #expect(summary["status"] as? String == "ok")
        #expect(result?["signals_seen"] as? Int == 0 && result?["placed"] as? Int == 0, "\(r2.stdout)")
        #expect(try h.orderLog().count == 1)
        #expect(try h.cash("s1") == before.1)
        #expect(try h.orders().mapValues(\.status) == before.0.mapValues(\.status))
        try assertClean(h, strategies: ["s1"])
    }

    @Test func shadowWalksTheBookAndNeverPosts() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("shadow", wallet: "ftw1", mode: .shadow)
        // A live strategy without LT_LIVE_TRADING=1 also runs as shadow (with a warning).
        try h.addStrategy("live-no-key", wallet: "ftw1", mode: .live)
        // $60, signal 0.51, 300 bps → limit 0.52: the order asks for 60/0.52 = 115.3846 shares, and
        // the venue fills a marketable BUY by its collateral (protocol §5.8): 100 @0.50 ($50), then
        // the remaining $10 buys 19.607843 @0.51: $60 for 119.607843 shares.
        try h.addSignal("ft-1", price: "0.51", size: "60")
        let r = try h.execute(live: false)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stderr.contains("LT_LIVE_TRADING"))
        for s in ["shadow", "live-no-key"] {
            let row = try #require(try h.orders(strategy: s)["ft-1"])
            #expect(row.isShadow)
            #expect(row.status == "FILLED")
            #expect(row.orderHash == nil)
            #expect(row.requestedUSD == Self.fx("60"))
            #expect(row.executedUSD == Self.fx("60"))
            #expect(row.executedShares == Self.fx("119.607843"))
            let c = try h.cash(s)
            #expect(c.locked == Self.fx("60") && c.available == Self.fx("940"))
        }
        #expect(try h.orderLog().isEmpty, "shadow mode must never call POST /order")
        try assertClean(h, strategies: ["shadow", "live-no-key"])
    }

    @Test func malformedSignalsAreSkippedAndTheBatchContinues() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("bad-price-0", price: "0")
        try h.addSignal("bad-price-1", price: "1")
        try h.addSignal("bad-size", size: "-5")
        try h.addSignal("bad-label", label: "'Maybe'")
        try h.addSignal("null-condition", condition: "NULL")
        try h.addSignal("sell", side: "'SELL'")
        try h.addSignal("stale", ageSeconds: 900)
        try h.addSignal("closed-market", condition: "'\(Market.closedCondition)'")
        try h.addSignal("good", price: "0.50", size: "10")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let rows = try h.orders()
        let expected: [String: String] = [
            "bad-price-0": "INVALID_PRICE", "bad-price-1": "INVALID_PRICE", "bad-size": "INVALID_SIZE",
            "bad-label": "UNKNOWN_OUTCOME", "null-condition": "MISSING_CONDITION", "sell": "NOT_AN_ENTRY",
            "stale": "STALE_SIGNAL", "closed-market": "MARKET_UNAVAILABLE",
        ]
        for (key, reason) in expected {
            #expect(rows[key]?.status == "SKIPPED", "\(key)")
            #expect(rows[key]?.skipReason == reason, "\(key): \(rows[key]?.skipReason ?? "no row")")
            #expect(rows[key]?.error?.isEmpty == false)
        }
        #expect(rows["good"]?.status == "FILLED")
        #expect(rows.count == expected.count + 1)
        #expect(try h.orderLog().count == 1)
        #expect(r.stdout.contains("INVALID_PRICE 2"))
        try assertClean(h, strategies: ["s1"])
    }

    @Test(arguments: ["drop_after_accept", "http_500", "malformed_json"])
    func unprovenPostLeavesUnknownAndIsNeverRetried(fault: String) throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "\#(fault)", "count": 1}"#)
        let r = try h.execute()
        #expect(r.status == 1, "\(r.output)")
        let row = try #require(try h.orders()["ft-1"])
        #expect(row.status == "UNKNOWN")
        #expect(row.orderHash != nil)
        #expect(try h.cash("s1").locked == Self.fx("15"), "cash stays locked while the outcome is unproven")
        #expect(try h.cash("s1").available == Self.fx("985"))
        let posted = try h.orderLog().count
        #expect(posted <= 1)
        // Later runs never re-sign or re-post it.
        let r2 = try h.execute()
        #expect(r2.status == 0)
        #expect(try h.orderLog().count == posted)
        #expect(try h.orders()["ft-1"]?.status == "UNKNOWN")
        try assertClean(h, strategies: ["s1"])
    }

    /// Provably not placed (issue 8 item 9): 429 and 425 on POST /order mean the matching engine never
    /// saw the order. The cash comes back, the row keeps the attempt and the error, and the next run
    /// decides the signal again — it is not lost.
    @Test(arguments: [429, 425])
    func postRefusedWithRateLimitIsNotPlacedAndDecidedAgain(status: Int) throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(
            #"{"method": "POST", "path": "/order", "kind": "http_429", "status": \#(status), "count": 1}"#)
        let r = try h.execute()
        #expect(r.status == 1)
        #expect(r.stdout.contains("not placed 1"))
        let first = try #require(try h.orders()["ft-1"])
        #expect(first.status == "NOT_PLACED")
        #expect(first.error?.contains("provably not placed") == true)
        #expect(try h.cash("s1").locked == .zero)
        #expect(try h.cash("s1").available == Self.fx("1000"))
        #expect(try h.cash("s1").dailySpent == .zero)
        let attempts = try h.db.queryFirst("SELECT attempts, lt_order_id FROM lt_orders WHERE signal_key = 'ft-1'")
        #expect(try attempts?.decode("attempts", as: Int.self) == 1)

        // The next run decides it again, on the same row, and places it once.
        let r2 = try h.execute()
        #expect(r2.status == 0, "\(r2.output)")
        let second = try #require(try h.orders()["ft-1"])
        #expect(second.status == "FILLED")
        #expect(second.orderHash != first.orderHash)
        let again = try h.db.queryFirst("SELECT attempts, lt_order_id FROM lt_orders WHERE signal_key = 'ft-1'")
        #expect(try again?.decode("attempts", as: Int.self) == 1)
        #expect(try again?.decode("lt_order_id", as: Int64.self) == attempts?.decode("lt_order_id", as: Int64.self))
        #expect(try h.orderLog().filter { ($0["fault"] as? String) == nil }.count == 1)
        // A third run has nothing to do.
        let r3 = try h.execute()
        #expect(r3.status == 0)
        #expect(try h.orderLog().filter { ($0["fault"] as? String) == nil }.count == 1)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func bookReadRetriesAfter429AndMalformedBookDefersToTheNextRun() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"path": "/books", "kind": "http_429", "retry_after": 1, "count": 1}"#)
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.orders()["ft-1"]?.status == "FILLED")

        try h.addSignal("ft-2", size: "15")
        try h.fault(#"{"path": "/books", "kind": "malformed_json", "count": 10}"#)
        let r2 = try h.execute(["--format", "json"])
        #expect(r2.status == 69, "\(r2.output)")
        // The summary says what the exit status says (it used to print "ok" and exit 69).
        let summary = try jsonObject(r2.stdout)
        #expect(summary["status"] as? String == "error" && summary["exit_status"] as? Int == 69, "\(r2.stdout)")
        #expect(try h.orders()["ft-2"] == nil, "an undecided signal keeps no row: the next run decides it")
        try h.control(.delete, "/_control/faults")
        let r3 = try h.execute()
        #expect(r3.status == 0, "\(r3.output)")
        #expect(try h.orders()["ft-2"]?.status == "FILLED")
        #expect(try h.orderLog().count == 2)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func fokUpToThresholdFakAbovePartialFakReleasesUnused() throws {
        let h = try ExecuteHarness()
        // Limit = signal price (no slippage): $50 of depth at 0.50.
        try h.addStrategy("s1", extra: ["fak_threshold_usd": "40", "max_slippage_bps": "0"])
        try h.addSignal("small", price: "0.50", size: "20")
        try h.addSignal("big", ageSeconds: 4, price: "0.50", size: "150")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let rows = try h.orders()
        #expect(rows["small"]?.orderType == "FOK")
        #expect(rows["small"]?.executedUSD == Self.fx("20"))
        #expect(rows["big"]?.orderType == "FAK")
        #expect(rows["big"]?.requestedUSD == Self.fx("150"))
        #expect(rows["big"]?.executedUSD == Self.fx("30"))  // what remained at 0.50 after the FOK took $20
        let c = try h.cash("s1")
        #expect(c.locked == Self.fx("50"), "the unused $120 of the FAK went back to available")
        #expect(c.available == Self.fx("950"))
        try assertClean(h, strategies: ["s1"])
    }

    @Test func slippageGuardAgainstTheSignalPrice() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("tight", wallet: "ftw1", extra: ["max_slippage_bps": "100"])
        try h.addStrategy("loose", wallet: "ftw1", extra: ["max_slippage_bps": "300"])
        // Best ask 0.50; signal at 0.485: 1 % → limit 0.48 (PRICE_MOVED), 3 % → limit 0.49 (moved too),
        // signal 0.49: 3 % → 0.50 fills.
        try h.addSignal("moved", price: "0.485")
        try h.addSignal("ok", wallet: "ftw1", price: "0.49")
        _ = try h.execute()
        let tight = try h.orders(strategy: "tight")
        let loose = try h.orders(strategy: "loose")
        #expect(tight["moved"]?.skipReason == "PRICE_MOVED")
        #expect(tight["ok"]?.skipReason == "PRICE_MOVED")
        #expect(loose["moved"]?.skipReason == "PRICE_MOVED")
        #expect(loose["ok"]?.status == "FILLED")
        try assertClean(h, strategies: ["tight", "loose"])
    }

    /// Each sizing mode and each risk rule, one strategy per case, one run.
    @Test func sizingModesAndRiskRulesThroughTheWholePipeline() throws {
        let h = try ExecuteHarness()
        struct Case {
            let id: String
            let extra: [String: String]
            var capital = "1000"
            var size = "15"
            let status: String
            var reason: String? = nil
            var requested: String? = nil
        }
        let cases: [Case] = [
            Case(id: "signal-x2", extra: ["size_multiplier": "2"], status: "FILLED", requested: "30"),
            Case(
                id: "signal-tiers",
                extra: ["multiplier_tiers": #"'[{"min":0,"max":10,"multiplier":3},{"min":10,"multiplier":0.5}]'"#],
                status: "FILLED", requested: "7.5"),
            Case(
                id: "fixed", extra: ["sizing_mode": "'FIXED'", "fixed_size_usd": "12"], status: "FILLED",
                requested: "12"),
            Case(
                id: "percent", extra: ["sizing_mode": "'PERCENT'", "percent_of_cash": "2"], status: "FILLED",
                requested: "20"),
            Case(id: "below-min", extra: ["min_order_usd": "20"], status: "SKIPPED", reason: "BELOW_MINIMUM"),
            Case(id: "cash-99pct", extra: [:], capital: "10", status: "FILLED", requested: "9.9"),
            Case(id: "position", extra: ["max_position_size_usd": "10"], status: "FILLED", requested: "10"),
            // $5 already held in the same outcome (row added below): 5 + 10 > 10.
            Case(
                id: "position-held",
                extra: ["max_position_size_usd": "10", "locked_capital": "5", "available_cash": "995"],
                status: "SKIPPED", reason: "POSITION_LIMIT"),
            Case(id: "no-cash", extra: [:], capital: "0.5", status: "SKIPPED", reason: "INSUFFICIENT_CASH"),
            Case(
                id: "exposure",
                extra: ["max_total_exposure_usd": "10", "locked_capital": "5", "available_cash": "995"],
                status: "SKIPPED", reason: "EXPOSURE_LIMIT"),
            Case(
                id: "budget", extra: ["daily_budget_usd": "20", "daily_spent_usd": "10"], status: "SKIPPED",
                reason: "DAILY_BUDGET"),
            Case(
                id: "daily-loss", extra: ["max_daily_loss_usd": "50", "daily_loss_usd": "50"], status: "SKIPPED",
                reason: "DAILY_LOSS_LIMIT"),
            Case(
                id: "breaker", extra: ["circuit_breaker_active": "true"], status: "SKIPPED", reason: "CIRCUIT_BREAKER"),
            Case(
                id: "drawdown", extra: ["circuit_breaker_loss_pct": "20", "current_drawdown_pct": "25"],
                status: "SKIPPED", reason: "CIRCUIT_BREAKER"),
            Case(id: "halted", extra: ["trading_state": "'HALTED'"], status: "SKIPPED", reason: "HALTED"),
            Case(
                id: "reduce-only", extra: ["trading_state": "'REDUCE_ONLY'"], status: "SKIPPED", reason: "REDUCE_ONLY"),
            // The seed's bug: $192.13 locked, equity $197.39, a $15 signal, ample available cash → allowed.
            Case(
                id: "seed-bug",
                extra: [
                    "locked_capital": "192.13", "available_cash": "807.87",
                    "max_total_exposure_usd": "500",
                ], status: "FILLED", requested: "15"),
        ]
        for (i, c) in cases.enumerated() {
            // Reset already done today, so housekeeping keeps the day's counters.
            var extra = c.extra
            extra["last_reset_date"] = "(now() AT TIME ZONE 'UTC')::date"
            try h.addStrategy(c.id, wallet: "w\(i)", capital: c.capital, extra: extra)
            try h.addSignal("sig-\(i)", wallet: "w\(i)", price: "0.51", size: c.size)
        }
        try h.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_label, token_id,
                                   executed_usd, executed_shares, cost_basis_remaining, shares_remaining, outcome)
            VALUES ('position-held', 'earlier', 'BUY', 'FILLED', '\(Market.condition)', 'Yes', '\(Market.yes)',
                    5, 10, 5, 10, 'OPEN')
            """)
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        for (i, c) in cases.enumerated() {
            let row = try h.orders(strategy: c.id)["sig-\(i)"]
            #expect(row?.status == c.status, "\(c.id): \(row?.status ?? "no row") \(row?.error ?? "")")
            if let reason = c.reason { #expect(row?.skipReason == reason, "\(c.id)") }
            if let req = c.requested { #expect(row?.requestedUSD == Self.fx(req), "\(c.id)") }
        }
        try assertClean(
            h, strategies: cases.map(\.id), preLocked: ["exposure": "5", "seed-bug": "192.13"])
    }

    @Test func fourConcurrentProcessesDecideEverySignalExactlyOnce() throws {
        let h = try ExecuteHarness(
            scenario: ExecuteHarness.defaultScenario(yesAsks: #"[{"price":"0.50","size":"100000"}]"#))
        for s in ["a", "b", "c"] { try h.addStrategy(s, wallet: "ftw1") }
        for i in 0..<12 { try h.addSignal("ft-\(i)", ageSeconds: 30 - i, size: "5") }
        // Two plain runs (the job lock lets one through) and two `--shard 0/1` runs (another lock
        // name, the same strategies): two runs really decide the same signals at the same time.
        var procs: [(Process, Pipe, Pipe)] = []
        for args in [["execute"], ["execute"], ["execute", "--shard", "0/1"], ["execute", "--shard", "0/1"]] {
            procs.append(try h.ltProcess(args))
        }
        for p in procs { try p.0.run() }
        for p in procs {
            _ = p.1.fileHandleForReading.readDataToEndOfFile()
            _ = p.2.fileHandleForReading.readDataToEndOfFile()
            p.0.waitUntilExit()
            #expect(p.0.terminationStatus == 0)
        }
        let count = try h.db.queryFirst("SELECT count(*)::int AS n FROM lt_orders")?.decode("n", as: Int.self)
        #expect(count == 36)
        let filled = try h.db.queryFirst("SELECT count(*)::int AS n FROM lt_orders WHERE status = 'FILLED'")?
            .decode("n", as: Int.self)
        let log = try h.orderLog()
        let ids = log.compactMap { $0["order_id"] as? String }
        #expect(Set(ids).count == ids.count, "an order reached the exchange twice")
        #expect(ids.count == filled)
        #expect(filled == 36)
        try assertClean(h, strategies: ["a", "b", "c"])
    }

    @Test func shardsPartitionStrategies() throws {
        let h = try ExecuteHarness()
        let ids = (0..<6).map { "st-\($0)" }
        for s in ids { try h.addStrategy(s, wallet: "ftw1", mode: .shadow) }
        try h.addSignal("ft-1", size: "5")
        let r0 = try h.execute(["--shard", "0/2"], live: false)
        let after0 = try h.db.queryFirst("SELECT count(*)::int AS n FROM lt_orders")?.decode("n", as: Int.self) ?? 0
        let r1 = try h.execute(["--shard", "1/2"], live: false)
        let after1 = try h.db.queryFirst("SELECT count(*)::int AS n FROM lt_orders")?.decode("n", as: Int.self) ?? 0
        #expect(r0.status == 0 && r1.status == 0)
        #expect(after0 > 0 && after0 < 6, "shard 0/2 took \(after0) of 6 strategies")
        #expect(after1 == 6)
        #expect(try h.execute(["--shard", "2/2"]).status == 64)
    }

    @Test func crashAfterIntentCommitThenRerunNeverRepostsAndLosesNothing() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.addSignal("ft-2", ageSeconds: 4, size: "15")
        let r = try h.execute(env: ["LT_TEST_CRASH_POINT": "after-intent"])
        #expect(r.status == 128 + 9 || r.status == 9, "killed by SIGKILL, got \(r.status)")
        #expect(try h.orders()["ft-1"]?.status == "INTENT")
        #expect(try h.orderLog().isEmpty)
        let r2 = try h.execute()
        #expect(r2.status == 0, "\(r2.output)")
        let rows = try h.orders()
        #expect(rows["ft-1"]?.status == "UNKNOWN", "never re-signed or re-posted; left for reconciliation")
        #expect(rows["ft-2"]?.status == "FILLED", "no signal lost")
        let log = try h.orderLog()
        #expect(log.count == 1)
        #expect(log.first?["order_id"] as? String == rows["ft-2"]?.orderHash)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func killedWhileTheExchangeHoldsThePostThenRerun() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 4000, "count": 1}"#)
        let (p, out, err) = try h.ltProcess(["execute"])
        try p.run()
        // Wait until the INTENT row is committed (the post is then in flight), then SIGKILL.
        let sawIntent = h.waitUntil { (try? h.orders()["ft-1"]?.status) == "INTENT" }
        usleep(300_000)
        kill(p.processIdentifier, SIGKILL)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(sawIntent)
        // Let the exchange finish holding the request (it may or may not process it after the kill).
        _ = h.waitUntil(seconds: 6) { ((try? h.orderLog().count) ?? 0) > 0 }
        let r2 = try h.execute()
        #expect(r2.status == 0, "\(r2.output)")
        #expect(try h.orders()["ft-1"]?.status == "UNKNOWN")
        let log = try h.orderLog()
        #expect(log.count <= 1, "the order reached the exchange at most once")
        #expect(try h.cash("s1").locked == Self.fx("15"))
        try assertClean(h, strategies: ["s1"])
    }

    /// The database goes away mid-run (its backend is terminated, which is what a server restart
    /// looks like to the client; restarting the shared test cluster would disturb parallel suites).
    @Test func databaseLostMidRunExits69AndTheNextRunCompletes() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", ageSeconds: 6, size: "15")
        try h.addSignal("ft-2", ageSeconds: 5, size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 1500, "count": 1}"#)
        let (p, out, err) = try h.ltProcess(["execute"])
        try p.run()
        let sawIntent = h.waitUntil { (try? h.orders()["ft-1"]?.status) == "INTENT" }
        try h.db.runScript(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name LIKE 'lt execute%'
            """)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(sawIntent)
        #expect(p.terminationStatus == 69, "\(String(decoding: o + e, as: UTF8.self))")
        let r2 = try h.execute()
        #expect(r2.status == 0, "\(r2.output)")
        let rows = try h.orders()
        #expect(rows["ft-1"]?.status == "UNKNOWN", "its post happened; the answer was not recorded")
        #expect(rows["ft-2"]?.status == "FILLED", "the next run completes the batch")
        let ids = try h.orderLog().compactMap { $0["order_id"] as? String }
        #expect(ids.count == 2 && Set(ids).count == 2)
        try assertClean(h, strategies: ["s1"])
    }

    /// A real server crash-restart (not only a dropped session) while `lt execute` waits on the venue.
    /// The shared `make test` cluster must stay up for the other suites, so this test brings its own.
    @Test func databaseRestartMidRunExits69AndTheNextRunCompletes() throws {
        let cluster = try PrivateCluster()
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
        // The exchange takes the fault when ft-1's POST arrives: its INTENT is committed, the order in flight.
        let inFlight = h.waitUntil(seconds: 15) {
            (try? h.control(.get, "/_control/faults")).map { !$0.contains("latency") } ?? false
        }
        try cluster.restart()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(inFlight, "ft-1's POST never reached the exchange")
        #expect(p.terminationStatus == 69, "\(String(decoding: o + e, as: UTF8.self))")

        try h.reconnect()
        let afterCrash = try h.orders()
        #expect(afterCrash["ft-1"]?.status == "INTENT", "a committed INTENT survives the crash")
        #expect(afterCrash["ft-2"] == nil, "ft-2 was never reached")

        let r2 = try h.execute()
        let rows = try h.orders()
        let unknown = rows.values.filter { $0.status == "UNKNOWN" }
        #expect(r2.status == 0 || (r2.status == 1 && !unknown.isEmpty), "\(r2.output)")
        #expect(rows["ft-1"]?.status == "UNKNOWN", "its post happened; the answer was never recorded")
        #expect(rows["ft-2"]?.status == "FILLED", "the next run completes the batch")
        for row in unknown {
            #expect((row.requestedUSD ?? .zero) > .zero, "UNKNOWN \(row.signalKey) holds its cash locked")
        }
        // Exactly one lt_orders row per signal (the map above would hide a second one).
        let counts = try h.db.query(
            """
            SELECT f.order_id, count(o.signal_key)::int8 AS n
              FROM ft_orders f LEFT JOIN lt_orders o ON o.signal_key = f.order_id GROUP BY f.order_id
            """)
        #expect(counts.count == 2)
        for c in counts {
            let n: Int64 = try c.decode("n")
            let key: String = try c.decode("order_id")
            #expect(n == 1, "signal \(key) has \(n) lt_orders rows")
        }
        // Each order reached the exchange once: one accepted entry per order id, one per signal.
        let accepted = try h.orderLog().filter { ($0["accepted"] as? Bool) == true }
        let ids = accepted.compactMap { $0["order_id"] as? String }
        #expect(ids.count == 2 && Set(ids).count == 2, "order log: \(ids)")
        let strategies = try h.db.query("SELECT strategy_id FROM lt_strategies").map { r -> String in
            try r.decode("strategy_id")
        }
        #expect(strategies == ["s1"])
        try assertClean(h, strategies: strategies)
    }

    @Test func antiJoinIsIndexBacked() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // History: many old signals already decided, so the planner sees realistic sizes.
        try h.db.runScript(
            """
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, entry_price, size)
            SELECT 'old-' || g, 'ftw1', now() - (g || ' minutes')::interval, 'BUY', 'c', 'Yes', 0.5, 10
              FROM generate_series(1, 20000) g;
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, skip_reason)
            SELECT 's1', 'old-' || g, 'BUY', 'SKIPPED', 'STALE_SIGNAL' FROM generate_series(1, 20000) g;
            ANALYZE ft_orders; ANALYZE lt_orders;
            """)
        let sql = ExecuteStore.newSignalsSQL(
            walletID: "ftw1", strategyID: "s1", since: Date().addingTimeInterval(-3600), limit: 500)
        let plan = try h.db.query(SQL(unsafeRaw: "EXPLAIN ") + sql).compactMap { try? $0.text("QUERY PLAN") ?? nil }
            .joined(separator: "\n")
        #expect(plan.contains("ft_orders_wallet_time_idx"), "\(plan)")
        #expect(plan.contains("lt_orders_strategy_signal_key"), "\(plan)")
        #expect(!plan.contains("Seq Scan"), "\(plan)")

        // The all-strategies pre-check uses the same two indexes, and answers from them.
        let since = Date().addingTimeInterval(-3600)
        let check = ExecuteStore.strategiesWithNewSignalsSQL(strategyIDs: ["s1"], since: since)
        let checkPlan = try h.db.query(SQL(unsafeRaw: "EXPLAIN ") + check).compactMap {
            try? $0.text("QUERY PLAN") ?? nil
        }.joined(separator: "\n")
        #expect(checkPlan.contains("ft_orders_wallet_time_idx"), "\(checkPlan)")
        #expect(checkPlan.contains("lt_orders_strategy_signal_key"), "\(checkPlan)")
        #expect(!checkPlan.contains("Seq Scan on ft_orders") && !checkPlan.contains("Seq Scan on lt_orders"))
        let store = ExecuteStore(database: h.db)
        #expect(try store.strategiesWithNewSignals(strategyIDs: ["s1"], since: since).isEmpty)
        try h.db.runScript(
            """
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, entry_price, size)
            VALUES ('fresh-1', 'ftw1', now(), 'BUY', 'c', 'Yes', 0.5, 10);
            """)
        #expect(try store.strategiesWithNewSignals(strategyIDs: ["s1"], since: since) == ["s1"])
    }

    /// The position-size rule's query reads only pending and open rows: resolved history (here
    /// 20,000 filled-and-resolved BUYs in the same market) is outside its partial index, so its
    /// cost follows open positions, not history (lt-bench execute found the scan before sql/002).
    @Test func positionQueryIgnoresResolvedHistory() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_label, token_id,
                requested_usd, executed_usd, executed_shares, cost_basis_remaining, outcome)
            SELECT 's1', 'old-' || g, 'BUY', 'FILLED', 'c', 'Yes', 't', 10, 10, 20, 0,
                   CASE WHEN g % 2 = 0 THEN 'WON' ELSE 'LOST' END
              FROM generate_series(1, 20000) g;
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_label, token_id,
                requested_usd, executed_usd, executed_shares, cost_basis_remaining, outcome)
            VALUES ('s1', 'open-1', 'BUY', 'FILLED', 'c', 'Yes', 't', 10, 9.5, 19, 9.5, 'OPEN');
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_label, requested_usd)
            VALUES ('s1', 'pending-1', 'BUY', 'UNKNOWN', 'c', 'Yes', 7);
            ANALYZE lt_orders;
            """)
        let sql = LedgerStore.positionUSDSQL(strategyID: "s1", position: PositionKey(conditionID: "c", label: "yes"))
        let plan = try h.db.query(SQL(unsafeRaw: "EXPLAIN ") + sql).compactMap { try? $0.text("QUERY PLAN") ?? nil }
            .joined(separator: "\n")
        #expect(plan.contains("lt_orders_held_buys_idx"), "\(plan)")
        #expect(!plan.contains("Seq Scan"), "\(plan)")
        // Held: the open position's remaining cost basis plus the pending order's request.
        let held = try h.db.queryFirst(
            LedgerStore.positionUSDSQL(strategyID: "s1", position: PositionKey(conditionID: "c", label: "Yes")))
        #expect(try Fixed6(parsing: try held?.text("usd") ?? "") == Fixed6(micros: 16_500_000))
    }
}
