import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres
import Testing

/// `lt check-exits` end to end (issue 12): the real binary, a private Postgres database and the
/// paper exchange, positions opened by the real `lt execute`.
@Suite(.serialized) struct CheckExitsIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let leaderA = "0x1111111111111111111111111111111111111111"
    static let leaderB = "0x2222222222222222222222222222222222222222"

    // MARK: Fixtures

    /// An FT BUY signal of `leader` (execute copies it).
    func signal(
        _ h: ExecuteHarness, _ id: String, leader: String = leaderA, wallet: String = "ftw1", size: String = "15"
    )
        throws
    {
        try h.db.runScript(
            """
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
                                   entry_price, size, trader_wallet, market_title)
            VALUES ('\(id)', '\(wallet)', now() - interval '5 seconds', 'BUY', '\(Market.condition)', 'Yes', NULL,
                    0.50, \(size), '\(leader)', 'Test')
            """)
    }

    func leader(_ h: ExecuteHarness, _ address: String, size: String) throws {
        try h.control(
            .post, "/_control/leader-position",
            #"{"address":"\#(address)","token_id":"\#(Market.yes)","size":"\#(size)","avg_price":"0.5"}"#)
    }

    func yesBids(_ h: ExecuteHarness, _ bids: String) throws {
        try h.control(
            .post, "/_control/book",
            #"{"token_id":"\#(Market.yes)","bids":\#(bids),"asks":[{"price":"0.50","size":"1000"}]}"#)
    }

    /// What sync-order-status does once the chain confirms the BUYs' trades (issue 10).
    func confirmBuys(_ h: ExecuteHarness) throws {
        try h.db.runScript("UPDATE lt_orders SET settlement = 'CONFIRMED' WHERE side = 'BUY' AND status = 'FILLED'")
    }

    func checkExits(_ h: ExecuteHarness, live: Bool = true, env: [String: String] = [:], _ extra: [String] = [])
        throws -> ProcessResult
    {
        try h.lt(["check-exits"] + extra, live: live, env: env)
    }

    struct Lot: Equatable {
        var shares: Fixed6
        var cost: Fixed6
        var outcome: String?
        var baseline: Fixed6?
    }

    func buys(_ h: ExecuteHarness, strategy: String) throws -> [String: Lot] {
        var out: [String: Lot] = [:]
        for r in try h.db.query(
            """
            SELECT signal_key, shares_remaining, cost_basis_remaining, outcome, trader_position_baseline
              FROM lt_orders WHERE strategy_id = \(strategy) AND side = 'BUY'
            """)
        {
            out[try r.decode("signal_key")] = Lot(
                shares: try r.decode("shares_remaining"), cost: try r.decode("cost_basis_remaining"),
                outcome: try r.text("outcome"), baseline: try r.decode("trader_position_baseline", as: Fixed6?.self))
        }
        return out
    }

    struct Sell {
        var key: String
        var status: String
        var reason: String?
        var requested: Fixed6?
        var executed: Fixed6
        var usd: Fixed6
        var leader: String?
        var pnl: Fixed6?
        var skip: String?
    }

    func sells(_ h: ExecuteHarness, strategy: String) throws -> [Sell] {
        try h.db.query(
            """
            SELECT signal_key, status, exit_reason, requested_shares, executed_shares, executed_usd, trader_wallet,
                   pnl, skip_reason
              FROM lt_orders WHERE strategy_id = \(strategy) AND side = 'SELL' ORDER BY lt_order_id
            """
        ).map { r in
            Sell(
                key: try r.decode("signal_key"), status: try r.decode("status"), reason: try r.text("exit_reason"),
                requested: try r.decode("requested_shares", as: Fixed6?.self),
                executed: try r.decode("executed_shares"),
                usd: try r.decode("executed_usd"), leader: try r.text("trader_wallet"),
                pnl: try r.decode("pnl", as: Fixed6?.self), skip: try r.text("skip_reason"))
        }
    }

    /// SELL orders the exchange received (its order log keeps each POST's body).
    func sellPosts(_ h: ExecuteHarness) throws -> Int {
        try h.orderLog().filter { ($0["body"] as? String)?.contains(#""SELL""#) == true }.count
    }

    /// The invariant, locked = the rows' open cost basis and pending locks, cooldown = the queue,
    /// and no secret in any output.
    func assertClean(_ h: ExecuteHarness, strategies: [String]) throws {
        for s in strategies {
            let c = try h.cash(s)
            #expect(c.invariantHolds, "capital invariant broken for \(s): \(c)")
            #expect(c.locked == (try h.lockedByRows(s)), "locked capital ≠ rows for \(s)")
            let q = try h.db.queryFirst(
                """
                SELECT COALESCE(SUM(amount), 0)::numeric(20,6)::text AS q FROM lt_cooldown_queue
                 WHERE strategy_id = \(s) AND released_at IS NULL
                """)
            #expect(c.cooldown == Self.fx(try q?.text("q") ?? "0"), "cooldown ≠ queue for \(s)")
            // Never more shares sold than bought.
            let n = try h.db.queryFirst(
                """
                SELECT (SELECT COALESCE(SUM(executed_shares), 0) FROM lt_orders
                         WHERE strategy_id = \(s) AND side = 'BUY' AND status = 'FILLED')::text AS bought,
                       (SELECT COALESCE(SUM(executed_shares), 0) FROM lt_orders
                         WHERE strategy_id = \(s) AND side = 'SELL')::text AS sold
                """)
            let bought = Self.fx(try n?.text("bought") ?? "0")
            let sold = Self.fx(try n?.text("sold") ?? "0")
            #expect(sold <= bought, "sold \(sold) > bought \(bought) for \(s)")
        }
        for secret in TestWallet.secrets {
            #expect(!h.allOutput.contains(secret), "a secret appeared in lt's output")
        }
    }

    /// A live position of 30 shares for $15 on leader A's signal, settled.
    func openLive(_ h: ExecuteHarness, strategy: String = "s1", extra: [String: String] = [:]) throws {
        try h.addStrategy(strategy, extra: extra)
        try signal(h, "ft-1")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        #expect(try buys(h, strategy: strategy)["ft-1"]?.shares == 30)
        try confirmBuys(h)
    }

    // MARK: Tests

    @Test func leaderSellsThirtyPercentThenAddsThenGoesFlat() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        try leader(h, Self.leaderA, size: "100")
        // First observation: the baseline, nothing sold.
        var r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        #expect(try buys(h, strategy: "s1")["ft-1"]?.baseline == 100)
        #expect(try sells(h, strategy: "s1").isEmpty)

        // 30 % sold: we sell 30 % of 30 = 9 shares at the 0.48 bid.
        try leader(h, Self.leaderA, size: "70")
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        var s = try sells(h, strategy: "s1")
        #expect(s.count == 1)
        #expect(s.first?.status == "FILLED" && s.first?.reason == "TRADER_PARTIAL")
        #expect(s.first?.executed == 9 && s.first?.usd == Self.fx("4.32"))
        var lot = try #require(try buys(h, strategy: "s1")["ft-1"])
        #expect(lot.shares == 21 && lot.cost == Self.fx("10.5") && lot.baseline == 70 && lot.outcome == "OPEN")
        var c = try h.cash("s1")
        // Proceeds to cooldown, the cost basis sold leaves locked, P&L 4.32 − 4.50.
        #expect(c.locked == Self.fx("10.5") && c.cooldown == Self.fx("4.32") && c.realized == Self.fx("-0.18"))
        #expect(s.first?.pnl == Self.fx("-0.18"))
        try assertClean(h, strategies: ["s1"])

        // The same observation again: one drop is mirrored once.
        r = try checkExits(h)
        #expect(try sells(h, strategy: "s1").count == 1)

        // The leader adds: the baseline rises, nothing is sold.
        try leader(h, Self.leaderA, size: "90")
        r = try checkExits(h)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.baseline == 90)
        #expect(try sells(h, strategy: "s1").count == 1)

        // Flat: the rest goes.
        try leader(h, Self.leaderA, size: "0")
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        s = try sells(h, strategy: "s1")
        #expect(s.count == 2)
        #expect(s.last?.status == "FILLED" && s.last?.reason == "TRADER_EXIT" && s.last?.executed == 21)
        lot = try #require(try buys(h, strategy: "s1")["ft-1"])
        #expect(lot.shares == 0 && lot.cost == 0 && lot.outcome == "CLOSED")
        c = try h.cash("s1")
        #expect(c.locked == 0 && c.cooldown == Self.fx("14.4") && c.realized == Self.fx("-0.6"))
        #expect(try sellPosts(h) == 2)
        // Flat: later runs do nothing.
        r = try checkExits(h)
        #expect(try sellPosts(h) == 2 && (try sells(h, strategy: "s1").count) == 2)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func flatBeforeTheFirstObservationIsAFullExit() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        let r = try checkExits(h, ["--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        let summary = try jsonObject(r.stdout)
        let result = summary["result"] as? [String: Any]
        #expect(summary["job"] as? String == "check-exits" && summary["status"] as? String == "ok")
        #expect(result?["sold"] as? Int == 1 && result?["exits_decided"] as? Int == 1, "\(r.stdout)")
        #expect((result?["by_reason"] as? [String: Int])?["TRADER_EXIT"] == 1, "\(r.stdout)")
        let s = try sells(h, strategy: "s1")
        #expect(s.count == 1 && s.first?.reason == "TRADER_EXIT" && s.first?.executed == 30)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.outcome == "CLOSED")
        try assertClean(h, strategies: ["s1"])
    }

    @Test func twoLeadersInOneOutcomeNeverSellEachOthersShares() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // Two strategies copy leader A (through two FT wallets).
        try h.addStrategy("s2", wallet: "ftw2")
        try signal(h, "a-1", leader: Self.leaderA)
        try signal(h, "b-1", leader: Self.leaderB)
        try signal(h, "a-2", leader: Self.leaderA, wallet: "ftw2")
        #expect(try h.execute().status == 0)
        try confirmBuys(h)
        try leader(h, Self.leaderA, size: "100")
        try leader(h, Self.leaderB, size: "100")
        #expect(try checkExits(h).status == 0)
        // A exits; B holds.
        try leader(h, Self.leaderA, size: "0")
        let r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        let b1 = try buys(h, strategy: "s1")
        #expect(b1["a-1"]?.outcome == "CLOSED" && b1["a-1"]?.shares == 0)
        #expect(b1["b-1"]?.outcome == "OPEN" && b1["b-1"]?.shares == 30, "B's shares are never sold for A's exit")
        #expect(try sells(h, strategy: "s1").map(\.leader) == [Self.leaderA])
        #expect(try buys(h, strategy: "s2")["a-2"]?.outcome == "CLOSED", "each strategy copying A follows A")
        try assertClean(h, strategies: ["s1", "s2"])
    }

    @Test func stopLossTakeProfitAndMaxHoldEachTriggerOnce() throws {
        let h = try ExecuteHarness()
        // Shadow strategies: the same decisions, the fill simulated on the bids.
        for (id, extra) in [
            ("sl", ["stop_loss_pct": "20", "mirror_exits": "false"]),
            ("tp", ["take_profit_pct": "20", "mirror_exits": "false"]),
            ("mh", ["max_hold_hours": "1", "mirror_exits": "false"]),
        ] {
            try h.addStrategy(id, wallet: "ftw1", mode: .shadow, extra: extra)
        }
        try signal(h, "ft-1")
        #expect(try h.execute(live: false).status == 0)
        // Cost 0.50/share. Bid 0.48: nothing.
        #expect(try checkExits(h, live: false).status == 0)
        for s in ["sl", "tp", "mh"] { #expect(try sells(h, strategy: s).isEmpty, "\(s)") }
        // Bid 0.40 = 0.50 × 0.8: stop-loss.
        try yesBids(h, #"[{"price":"0.40","size":"1000"}]"#)
        #expect(try checkExits(h, live: false).status == 0)
        #expect(try sells(h, strategy: "sl").map(\.reason) == ["STOP_LOSS"])
        #expect(try sells(h, strategy: "tp").isEmpty)
        // Bid 0.60 = 0.50 × 1.2: take-profit.
        try yesBids(h, #"[{"price":"0.60","size":"1000"}]"#)
        #expect(try checkExits(h, live: false).status == 0)
        #expect(try sells(h, strategy: "tp").map(\.reason) == ["TAKE_PROFIT"])
        #expect(try sells(h, strategy: "tp").first?.usd == Self.fx("18"))
        #expect(try sells(h, strategy: "mh").isEmpty)
        // Two hours later: max hold.
        let later = UTCTimestamp.format(Date().addingTimeInterval(2 * 3600))
        #expect(try checkExits(h, live: false, ["--now", later]).status == 0)
        #expect(try sells(h, strategy: "mh").map(\.reason) == ["TIME_EXIT"])
        // Each once.
        #expect(try checkExits(h, live: false, ["--now", later]).status == 0)
        for s in ["sl", "tp", "mh"] {
            #expect(try sells(h, strategy: s).count == 1, "\(s)")
            #expect(try buys(h, strategy: s)["ft-1"]?.outcome == "CLOSED", "\(s)")
        }
        #expect(try sellPosts(h) == 0, "shadow exits never post")
        try assertClean(h, strategies: ["sl", "tp", "mh"])
    }

    @Test func crashAfterTheSellIntentNeverSellsTwice() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        let r = try checkExits(h, env: ["LT_TEST_CRASH_POINT": "exit-after-intent"])
        #expect(r.status == 128 + 9 || r.status == 9, "killed by SIGKILL, got \(r.status)")
        #expect(try sells(h, strategy: "s1").map(\.status) == ["INTENT"])
        #expect(try sellPosts(h) == 0)
        // The next runs: the INTENT of a dead run is UNKNOWN (reconciled by sync), and no new
        // exit is decided for the position while it is in flight.
        for _ in 0..<2 {
            let r2 = try checkExits(h)
            #expect(r2.status == 0, "\(r2.output)")
        }
        #expect(try sells(h, strategy: "s1").map(\.status) == ["UNKNOWN"])
        #expect(try sellPosts(h) == 0)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.shares == 30)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func thinBookSellsPartAndRetriesUntilFlat() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        try yesBids(h, #"[{"price":"0.48","size":"20"}]"#)
        var r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        var s = try sells(h, strategy: "s1")
        #expect(s.count == 1 && s.first?.executed == 20 && s.first?.requested == 30, "FAK sells what the book holds")
        #expect(try buys(h, strategy: "s1")["ft-1"]?.shares == 10)
        try assertClean(h, strategies: ["s1"])
        // No bids at all: deferred, nothing written.
        try yesBids(h, "[]")
        r = try checkExits(h)
        #expect(try sells(h, strategy: "s1").count == 1)
        // The book refills: the rest is sold.
        try yesBids(h, #"[{"price":"0.48","size":"100"}]"#)
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        s = try sells(h, strategy: "s1")
        #expect(s.count == 2 && s.last?.executed == 10 && s.last?.reason == "TRADER_EXIT")
        #expect(try buys(h, strategy: "s1")["ft-1"]?.outcome == "CLOSED")
        try assertClean(h, strategies: ["s1"])
    }

    /// The book moves between check-exits' read and the venue's match: the FOK is killed, nothing
    /// moves, and the next run sells at the new bid (issue 12 "thin book: FOK fails").
    @Test func fokKilledByAMovedBookIsRetriedNextRun() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        try yesBids(h, #"[{"price":"0.48","size":"100"}]"#)
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 1500, "count": 1}"#)
        let (p, out, err) = try h.ltProcess(["check-exits"])
        try p.run()
        let inFlight = h.waitUntil(seconds: 15) {
            (try? h.control(.get, "/_control/faults")).map { !$0.contains("latency") } ?? false
        }
        #expect(inFlight)
        // The bids vanish while the FOK is held: the venue kills it.
        try yesBids(h, #"[{"price":"0.10","size":"100"}]"#)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var s = try sells(h, strategy: "s1")
        #expect(s.count == 1 && s.first?.status == "UNFILLED", "\(s)")
        #expect(try buys(h, strategy: "s1")["ft-1"]?.shares == 30, "a killed FOK moves no shares")
        try assertClean(h, strategies: ["s1"])
        // The bid comes back: the next run sells, once.
        try yesBids(h, #"[{"price":"0.48","size":"100"}]"#)
        let r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        s = try sells(h, strategy: "s1")
        #expect(s.last?.status == "FILLED" && s.last?.executed == 30, "\(s)")
        #expect(try buys(h, strategy: "s1")["ft-1"]?.outcome == "CLOSED")
        try assertClean(h, strategies: ["s1"])
    }

    @Test func unsettledSharesWaitAndRejectedExitsAreRetried() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try signal(h, "ft-1")
        #expect(try h.execute().status == 0)
        // Settlement MATCHED (not CONFIRMED): the leader is flat, but nothing is sold yet.
        var r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        #expect(try sells(h, strategy: "s1").isEmpty)
        #expect(try sellPosts(h) == 0)
        try confirmBuys(h)
        // The venue refuses the SELL ("not enough balance" right after a buy): retried, not given up.
        try h.control(
            .post, "/_control/wallet",
            #"{"address":"\#(TestWallet.address)","positions":[{"token_id":"\#(Market.yes)","size":"0"}]}"#)
        r = try checkExits(h)
        #expect(try sells(h, strategy: "s1").map(\.status) == ["REJECTED"], "\(r.output)")
        // Failing run after run: still retried, and the summary warns after three in a row.
        for _ in 0..<2 { r = try checkExits(h) }
        #expect(try sells(h, strategy: "s1").map(\.status) == ["REJECTED", "REJECTED", "REJECTED"])
        r = try checkExits(h)
        #expect(r.stdout.contains("failed 3 runs in a row"), "\(r.stdout)")
        try h.control(
            .post, "/_control/wallet",
            #"{"address":"\#(TestWallet.address)","positions":[{"token_id":"\#(Market.yes)","size":"30"}]}"#)
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        let s = try sells(h, strategy: "s1")
        #expect(
            s.map(\.status) == ["REJECTED", "REJECTED", "REJECTED", "REJECTED", "FILLED"] && s.last?.executed == 30)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.outcome == "CLOSED")
        try assertClean(h, strategies: ["s1"])
    }

    @Test func haltedStopsExitsReduceOnlyAndBreakersDoNot() throws {
        let h = try ExecuteHarness()
        for id in ["halted", "reduce", "breaker"] { try h.addStrategy(id, mode: .shadow) }
        try signal(h, "ft-1")
        #expect(try h.execute(live: false).status == 0)
        try h.db.runScript(
            """
            UPDATE lt_strategies SET trading_state = 'HALTED' WHERE strategy_id = 'halted';
            UPDATE lt_strategies SET trading_state = 'REDUCE_ONLY' WHERE strategy_id = 'reduce';
            UPDATE lt_strategies SET circuit_breaker_active = true, circuit_breaker_reason = 'DRAWDOWN test'
             WHERE strategy_id = 'breaker';
            """)
        let r = try checkExits(h, live: false)
        #expect(r.status == 0, "\(r.output)")
        #expect(try sells(h, strategy: "halted").isEmpty)
        #expect(try buys(h, strategy: "halted")["ft-1"]?.shares == 30, "HALTED: nothing sold")
        #expect(try sells(h, strategy: "reduce").map(\.reason) == ["TRADER_EXIT"])
        #expect(try sells(h, strategy: "breaker").map(\.reason) == ["TRADER_EXIT"])
        try assertClean(h, strategies: ["halted", "reduce", "breaker"])
    }

    @Test func shadowProportionalExitAndMarkToMarket() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("sh", mode: .shadow)
        try signal(h, "ft-1")
        #expect(try h.execute(live: false).status == 0)
        try leader(h, Self.leaderA, size: "100")
        #expect(try checkExits(h, live: false).status == 0)
        // Marked at the 0.48 bid: 30 × 0.48 − 15 = −0.60 unrealized on 1000 → 0.06 % drawdown.
        let dd = try h.db.queryFirst(
            "SELECT current_drawdown_pct::text AS d FROM lt_strategies WHERE strategy_id = 'sh'")
        #expect(Self.fx(try dd?.text("d") ?? "0") == Self.fx("0.06"))
        try leader(h, Self.leaderA, size: "50")
        let r = try checkExits(h, live: false)
        #expect(r.status == 0, "\(r.output)")
        let s = try sells(h, strategy: "sh")
        #expect(s.count == 1 && s.first?.executed == 15 && s.first?.reason == "TRADER_PARTIAL")
        #expect(try buys(h, strategy: "sh")["ft-1"]?.shares == 15)
        #expect(try sellPosts(h) == 0)
        // Half realized (−0.30), half still marked (−0.30): the sale is counted once.
        let dd2 = try h.db.queryFirst(
            "SELECT current_drawdown_pct::text AS d FROM lt_strategies WHERE strategy_id = 'sh'")
        #expect(Self.fx(try dd2?.text("d") ?? "0") == Self.fx("0.06"))
        try assertClean(h, strategies: ["sh"])
    }

    @Test func droppedAnswerLeavesTheSellUnknownAndItIsNeverPostedAgain() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        // The exchange takes the SELL and fills it, but the answer never arrives.
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "drop_after_accept", "count": 1}"#)
        var r = try checkExits(h)
        #expect(try sells(h, strategy: "s1").map(\.status) == ["UNKNOWN"], "\(r.output)")
        #expect(try sellPosts(h) == 1)
        // Later runs: in flight until sync settles it from the trades; never re-posted.
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        #expect(try sellPosts(h) == 1)
        #expect(try sells(h, strategy: "s1").count == 1)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.shares == 30, "cash and shares move only with a fill of record")
        try assertClean(h, strategies: ["s1"])
    }

    /// Issue 10 item 1, SELL side: the UNKNOWN SELL is reconciled by sync from the trades — the
    /// shares leave the BUY rows and the proceeds net of the fee go to cooldown, exactly once.
    @Test func syncBooksTheLostSellAnswerFromTheTrades() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "drop_after_accept", "count": 1}"#)
        _ = try checkExits(h)
        #expect(try sells(h, strategy: "s1").map(\.status) == ["UNKNOWN"])
        let before = try h.cash("s1")
        let sync = try h.lt(["sync-order-status"])
        #expect(sync.status == 0, "\(sync.output)")
        let sold = try sells(h, strategy: "s1")
        #expect(sold.map(\.status) == ["FILLED"], "\(sync.output)")
        let lot = try #require(try buys(h, strategy: "s1")["ft-1"])
        #expect(lot.shares == .zero, "the position is flat once the SELL's trades are booked")
        let after = try h.cash("s1")
        #expect(after.locked == .zero)
        #expect(after.cooldown > before.cooldown, "the proceeds wait in cooldown")
        #expect(after.invariantHolds)
        // A second sync and another check-exits change nothing; nothing is posted again.
        #expect(try h.lt(["sync-order-status"]).status == 0)
        #expect(try h.cash("s1") == after)
        _ = try checkExits(h)
        #expect(try sellPosts(h) == 1)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func concurrentRunsSellOnce() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        // Hold the POST so the runs overlap.
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 1500, "count": 1}"#)
        let procs = try (0..<3).map { _ in try h.ltProcess(["check-exits"]) }
        for (p, _, _) in procs { try p.run() }
        for (p, out, err) in procs {
            _ = out.fileHandleForReading.readDataToEndOfFile()
            _ = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        #expect(try sellPosts(h) == 1)
        let s = try sells(h, strategy: "s1")
        #expect(s.count == 1 && s.first?.status == "FILLED" && s.first?.executed == 30)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func dustBelowTheMinimumIsHeldToResolutionAndSaysSo() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        // The book takes 27 of 30: the 3 left are below the 5-share minimum.
        try yesBids(h, #"[{"price":"0.48","size":"27"}]"#)
        var r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        try yesBids(h, #"[{"price":"0.48","size":"100"}]"#)
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        r = try checkExits(h)
        let s = try sells(h, strategy: "s1")
        #expect(s.map(\.status) == ["FILLED", "SKIPPED"], "recorded once")
        #expect(s.last?.skip == "BELOW_MINIMUM")
        let error = try h.db.queryFirst(
            "SELECT error FROM lt_orders WHERE strategy_id = 's1' AND side = 'SELL' AND status = 'SKIPPED'")
        #expect(try error?.text("error")?.contains("held to resolution") == true)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.shares == 3)
        #expect(try sellPosts(h) == 1)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func leaderPositionsArePagedAndFallBackToClassicButAreNeverTakenForFlat() throws {
        let h = try ExecuteHarness()
        try h.control(
            .post, "/_control/leader-position",
            #"{"address":"\#(Self.leaderA)","token_id":"\#(Market.no)","size":"40","avg_price":"0.5"}"#)
        try leader(h, Self.leaderA, size: "100")
        let client = DataAPIClient(baseURL: h.exchangeURL, http: HTTPClient(), readPolicy: .none)
        // One row a page: two pages.
        let paged = try client.positionsV2(user: Self.leaderA, conditionIDs: [Market.condition], pageSize: 1)
        #expect(Set(paged.map(\.tokenID)) == [Market.yes, Market.no])
        #expect(paged.first { $0.tokenID == Market.yes }?.currentSize == 100)
        let reader = DataAPILeaderPositions(client: client)
        // /v2/positions missing (404): the classic path answers.
        try h.fault(#"{"path": "/v2/positions", "kind": "http_5xx", "status": 404, "count": 1}"#)
        let classic = try reader.positions(leader: Self.leaderA, conditionIDs: [Market.condition])
        #expect(classic.first { $0.tokenID == Market.yes }?.size == 100)
        // A failing Data API is an error, never an empty (flat) answer.
        try h.fault(#"{"path": "/v2/positions", "kind": "http_5xx", "status": 500, "count": 0}"#)
        #expect(throws: VenueError.self) {
            try reader.positions(leader: Self.leaderA, conditionIDs: [Market.condition])
        }

        // Whole process: the leader cannot be read → nothing mirrored, exit 69.
        try openLive(h)
        let r = try checkExits(h)
        #expect(r.status == 69, "\(r.output)")
        #expect(try sells(h, strategy: "s1").isEmpty)
        #expect(try buys(h, strategy: "s1")["ft-1"]?.baseline == nil)
        try assertClean(h, strategies: ["s1"])
    }

    @Test func openPositionsAreIndexBacked() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // History: 20,000 closed BUYs; a handful open.
        try h.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_id, token_label,
                                   executed_shares, shares_remaining, cost_basis_remaining, outcome)
            SELECT 's1', 'old-' || g, 'BUY', 'FILLED', 'c' || (g % 50), '1', 'Yes', 10, 0, 0, 'CLOSED'
              FROM generate_series(1, 20000) g;
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_id, token_label,
                                   executed_shares, shares_remaining, cost_basis_remaining, outcome, trader_wallet)
            SELECT 's1', 'open-' || g, 'BUY', 'FILLED', 'c' || g, '1', 'Yes', 10, 10, 5, 'OPEN', '0xabc'
              FROM generate_series(1, 5) g;
            ANALYZE lt_orders;
            """)
        let sql = ExitStore.openLotsSQL(strategyIDs: ["s1"])
        let plan = try h.db.query(SQL(unsafeRaw: "EXPLAIN ") + sql).compactMap { try? $0.text("QUERY PLAN") ?? nil }
            .joined(separator: "\n")
        #expect(plan.contains("lt_orders_open_positions_idx"), "\(plan)")
        #expect(!plan.contains("Seq Scan"), "\(plan)")
        #expect(try ExitStore(database: h.db).openLots(strategyIDs: ["s1"]).count == 5)
    }

    @Test func takeProfitCountsTheFeesAndTheSellFeeComesOutOfTheProceeds() throws {
        let scenario = ExecuteHarness.defaultScenario().replacingOccurrences(
            of: #""neg_risk": false,"#, with: #""neg_risk": false, "fee_schedule": {"rate": "0.02", "exponent": 1},"#)
        let h = try ExecuteHarness(scenario: scenario)
        // Cost 15 + 0.15 fee for 30 shares: 0.505 a share; take-profit 20 % needs a 0.606 bid.
        try openLive(h, extra: ["take_profit_pct": "20", "mirror_exits": "false"])
        #expect(try buys(h, strategy: "s1")["ft-1"]?.cost == Self.fx("15.15"))
        try yesBids(h, #"[{"price":"0.60","size":"100"}]"#)
        var r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        #expect(try sells(h, strategy: "s1").isEmpty, "0.60 is a take-profit only without the fee")
        try yesBids(h, #"[{"price":"0.61","size":"100"}]"#)
        r = try checkExits(h)
        #expect(r.status == 0, "\(r.output)")
        let s = try sells(h, strategy: "s1")
        #expect(s.map(\.reason) == ["TAKE_PROFIT"] && s.first?.executed == 30 && s.first?.usd == Self.fx("18.3"))
        // SELL fee 30 × 0.02 × 0.61 × 0.39 = 0.14274, out of the proceeds.
        let c = try h.cash("s1")
        #expect(c.cooldown == Self.fx("18.15726") && c.locked == 0)
        #expect(c.realized == Self.fx("3.00726") && s.first?.pnl == Self.fx("3.00726"))
        // The wallet received the same: 10000 − 15.15 + 18.15726.
        let state = try h.control(.get, "/_control/state")
        #expect(state.contains(#""collateral":"10003.00726""#), "\(state.prefix(600))")
        try assertClean(h, strategies: ["s1"])
    }

    @Test func killedWhileTheSellIsInFlightIsNeverPostedAgain() throws {
        let h = try ExecuteHarness()
        try openLive(h)
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "latency", "latency_ms": 3000, "count": 1}"#)
        let (p, _, _) = try h.ltProcess(["check-exits"])
        try p.run()
        // Wait until the SELL INTENT is committed (the post is then in flight), then SIGKILL.
        let committed = h.waitUntil(seconds: 5) {
            ((try? self.sells(h, strategy: "s1").map(\.status)) ?? []) == ["INTENT"]
        }
        #expect(committed)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // The exchange still fills it; lt never learns the answer from that run.
        #expect(h.waitUntil(seconds: 5) { ((try? self.sellPosts(h)) ?? 0) == 1 })
        for _ in 0..<2 {
            let r = try checkExits(h)
            #expect(r.status == 0, "\(r.output)")
        }
        #expect(try sells(h, strategy: "s1").map(\.status) == ["UNKNOWN"])
        #expect(try sellPosts(h) == 1, "never posted twice")
        try assertClean(h, strategies: ["s1"])
    }
}
