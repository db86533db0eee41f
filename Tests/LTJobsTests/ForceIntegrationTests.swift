import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt force …` end to end (issue 14 §3): the real binary, a private database and the paper
/// exchange. Each action goes through the jobs' own code; rows are flagged; a rerun places nothing
/// twice; bad input is a clear error with 64 (usage) or 1 (refused).
@Suite(.serialized) struct ForceIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let buyArgs = ["force", "buy", "s1", "--condition", Market.condition, "--outcome", "Yes", "--usd", "5"]

    struct Row {
        var key: String
        var side: String
        var status: String
        var forced: Bool
        var shadow: Bool
        var ftOrderID: String?
        var leader: String?
        var exitReason: String?
        var skip: String?
        var shares: Fixed6
        var remaining: Fixed6
    }

    func rows(_ h: ExecuteHarness) throws -> [Row] {
        try h.db.query(
            """
            SELECT signal_key, side, status, forced, is_shadow, ft_order_id, trader_wallet, exit_reason, skip_reason,
                   executed_shares, shares_remaining
              FROM lt_orders ORDER BY lt_order_id
            """
        ).map { r in
            Row(
                key: try r.decode("signal_key"), side: try r.decode("side"), status: try r.decode("status"),
                forced: try r.decode("forced"), shadow: try r.decode("is_shadow"), ftOrderID: try r.text("ft_order_id"),
                leader: try r.text("trader_wallet"), exitReason: try r.text("exit_reason"),
                skip: try r.text("skip_reason"), shares: try r.decode("executed_shares"),
                remaining: try r.decode("shares_remaining"))
        }
    }

    func result(_ r: ProcessResult) throws -> [String: Any] {
        try #require(try jsonObject(r.stdout)["result"] as? [String: Any])
    }

    func assertInvariant(_ h: ExecuteHarness, _ s: String = "s1") throws {
        let c = try h.cash(s)
        #expect(c.invariantHolds, "\(c)")
        #expect(c.locked == (try h.lockedByRows(s)))
        #expect(!TestWallet.secrets.contains { h.allOutput.contains($0) })
    }

    @Test("buy: live through execute's pipeline, flagged; the same command again places nothing")
    func buyLive() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let first = try h.lt(Self.buyArgs + ["--format", "json"])
        #expect(first.status == 0, "\(first.output)")
        let r1 = try result(first)
        #expect(r1["rerun"] as? Bool == false)
        let key = try #require(r1["key"] as? String)
        #expect(key.hasPrefix("buy-"))
        var rs = try rows(h)
        #expect(rs.count == 1)
        #expect(rs[0].key == "force:" + key && rs[0].forced && !rs[0].shadow && rs[0].status == "FILLED")
        #expect(rs[0].ftOrderID == nil && rs[0].side == "BUY")
        #expect(rs[0].shares == 10)  // $5 at the best ask 0.50
        #expect(try h.orderLog().count == 1)
        #expect(try h.cash("s1").dailySpent.isPositive)

        let again = try h.lt(Self.buyArgs + ["--format", "json"])
        #expect(again.status == 0, "\(again.output)")
        #expect(try result(again)["rerun"] as? Bool == true)
        #expect(try h.orderLog().count == 1)
        #expect(try rows(h).count == 1)
        let text = try h.lt(Self.buyArgs)
        #expect(text.stdout.contains("already done under key \(key): nothing placed"))

        let second = try h.lt(Self.buyArgs + ["--key", "second-test"])
        #expect(second.status == 0, "\(second.output)")
        rs = try rows(h)
        #expect(rs.map(\.key) == ["force:" + key, "force:second-test"])
        #expect(try h.orderLog().count == 2)
        try assertInvariant(h)

        // Forced rows are not signals: the report counts them apart, status compares nothing.
        let report = try h.lt(["report", "--format", "json"])
        let s1 = try #require((try result(report)["strategies"] as? [[String: Any]])?.first)
        #expect(s1["forced_orders"] as? Int == 2)
        #expect((s1["figures"] as? [String: Any])?["signals_seen"] as? Int == 0)
    }

    @Test("buy without LT_LIVE_TRADING runs as shadow, as execute does; risk rules apply")
    func buyShadowAndRefused() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addStrategy("s2", extra: ["trading_state": "'HALTED'"])
        let shadow = try h.lt(Self.buyArgs, live: false)
        #expect(shadow.status == 0, "\(shadow.output)")
        #expect(shadow.stdout.contains("FILLED (shadow) forced"))
        #expect(try rows(h).first?.shadow == true)
        #expect(try h.orderLog().isEmpty)

        // The HALTED strategy's risk check refuses the buy: a SKIPPED row, said, exit 1.
        var halted = Self.buyArgs
        halted[2] = "s2"
        let refused = try h.lt(halted)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stdout.contains("SKIPPED") && refused.stdout.contains("HALTED"))
        // Over the cash cap: $5000 of $1000 is capped at 99 % of cash, not refused.
        let big = try h.lt(Self.buyArgs + ["--usd", "5000", "--format", "json"], live: false)
        #expect(big.status == 0, "\(big.output)")
        let order = try #require(try result(big)["order"] as? [String: Any])
        #expect(Self.fx(order["requested_usd"] as? String ?? "0") <= 990)
        try assertInvariant(h)
    }

    @Test("bad input: unknown strategy (1), bad amounts, fractions, keys and times (64)")
    func badInput() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        var unknown = Self.buyArgs
        unknown[2] = "nope"
        let r = try h.lt(unknown)
        #expect(r.status == 1 && r.stdout.contains("no active strategy nope"), "\(r.output)")
        let usage: [[String]] = [
            Self.buyArgs.dropLast() + ["-5"], Self.buyArgs + ["--price", "1.5"], Self.buyArgs + ["--key", "has space"],
            Self.buyArgs + ["--key", String(repeating: "k", count: 101)],
            ["force", "sell", "s1", "--condition", Market.condition, "--outcome", "Yes", "--fraction", "1.5"],
            ["force", "sell", "s1", "--condition", Market.condition, "--outcome", "Yes", "--fraction", "0"],
            ["force", "sell", "s1", "--condition", Market.condition, "--outcome", "Yes"],
            [
                "force", "simulate-ft", "s1", "--condition", Market.condition, "--outcome", "Yes", "--price", "x",
                "--size-usd", "5",
            ],
            [
                "force", "simulate-ft", "s1", "--condition", Market.condition, "--outcome", "Yes", "--price", "0.5",
                "--size-usd", "5", "--signal-time", "today",
            ],
        ]
        for args in usage {
            let u = try h.lt(args)
            #expect(u.status == 64, "\(args): \(u.output)")
        }
        #expect(try rows(h).isEmpty)
        #expect(try h.orderLog().isEmpty)
        let noPosition = try h.lt(
            ["force", "sell", "s1", "--condition", Market.condition, "--outcome", "Yes", "--fraction", "0.5"])
        #expect(noPosition.status == 1 && noPosition.stdout.contains("no open position"), "\(noPosition.output)")
        let noStrategy = try h.lt(["force", "cooldown", "--strategy", "nope"])
        #expect(noStrategy.status == 1 && noStrategy.stdout.contains("no strategy nope"))
    }

    @Test("sell: a fraction of a position through check-exits' SELL path, MANUAL, flagged, once")
    func sellLive() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        #expect(try h.lt(Self.buyArgs).status == 0)
        let sellArgs = [
            "force", "sell", "s1", "--condition", Market.condition, "--outcome", "Yes", "--fraction", "0.5",
        ]
        // The BUY's trade is not CONFIRMED yet: check-exits' settlement rule holds the sale.
        let early = try h.lt(sellArgs)
        #expect(early.status == 1 && early.stdout.contains("not settled"), "\(early.output)")
        try h.db.runScript("UPDATE lt_orders SET settlement = 'CONFIRMED' WHERE side = 'BUY'")
        let sold = try h.lt(sellArgs + ["--format", "json"])
        #expect(sold.status == 0, "\(sold.output)")
        let key = try #require(try result(sold)["key"] as? String)
        var rs = try rows(h)
        let sell = try #require(rs.first { $0.side == "SELL" })
        #expect(sell.key == "force:" + key && sell.forced && sell.exitReason == "MANUAL" && sell.status == "FILLED")
        #expect(sell.shares == 5)
        #expect(rs.first { $0.side == "BUY" }?.remaining == 5)
        let posts = try h.orderLog().filter { ($0["body"] as? String)?.contains(#""SELL""#) == true }.count
        #expect(posts == 1)

        let again = try h.lt(sellArgs)
        #expect(again.status == 0 && again.stdout.contains("already done"), "\(again.output)")
        rs = try rows(h)
        #expect(rs.filter { $0.side == "SELL" }.count == 1)
        #expect(try h.orderLog().filter { ($0["body"] as? String)?.contains(#""SELL""#) == true }.count == 1)
        // A forced sell's proceeds go to cooldown like any exit's.
        #expect(try h.cash("s1").cooldown.isPositive)
        try assertInvariant(h)
    }

    @Test("cooldown: matured money released now through the ledger; immature stays; a rerun releases nothing")
    func cooldown() throws {
        let h = try ExecuteHarness()
        try h.addStrategy(
            "s1", capital: "1000", extra: ["available_cash": "970", "cooldown_capital": "30"])
        try h.db.runScript(
            """
            INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at)
            VALUES ('s1', 10, now() - interval '1 minute'), ('s1', 20, now() + interval '1 hour')
            """)
        let r = try h.lt(["force", "cooldown", "--strategy", "s1", "--format", "json"])
        #expect(r.status == 0, "\(r.output)")
        #expect(try result(r)["released"] as? [String: String] == ["s1": "10"])
        var c = try h.cash("s1")
        #expect(c.available == 980 && c.cooldown == 20)
        let again = try h.lt(["force", "cooldown"])
        #expect(again.status == 0 && again.stdout.contains("nothing matured"), "\(again.output)")
        c = try h.cash("s1")
        #expect(c.available == 980 && c.cooldown == 20)
        try assertInvariant(h)
    }

    @Test("simulate-ft: decided by execute's code (sizing, staleness), executed, FT's table untouched")
    func simulateFT() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1", extra: ["size_multiplier": "0.5"])
        let leader = "0x1111111111111111111111111111111111111111"
        let args = [
            "force", "simulate-ft", "s1", "--condition", Market.condition, "--outcome", "Yes", "--price", "0.50",
            "--size-usd", "20", "--leader", leader,
        ]
        let r = try h.lt(args + ["--format", "json"], live: false)
        #expect(r.status == 0, "\(r.output)")
        let order = try #require(try result(r)["order"] as? [String: Any])
        #expect(order["requested_usd"] as? String == "10")  // the strategy's SIGNAL sizing: 20 × 0.5
        var rs = try rows(h)
        #expect(rs.count == 1 && rs[0].forced && rs[0].shadow && rs[0].status == "FILLED" && rs[0].leader == leader)
        #expect(rs[0].ftOrderID == nil)
        let ft = try h.db.queryFirst("SELECT count(*) AS n FROM ft_orders")
        #expect(try ft?.decode("n", as: Int.self) == 0)
        #expect(try h.lt(args, live: false).stdout.contains("already done"))
        #expect(try rows(h).count == 1)

        // An old signal is stale for the same code: the decision is the answer (exit 0).
        let stale = try h.lt(args + ["--signal-time", "2020-01-01T00:00:00Z"], live: false)
        #expect(stale.status == 0, "\(stale.output)")
        #expect(stale.stdout.contains("SKIPPED") && stale.stdout.contains("STALE_SIGNAL"))
        rs = try rows(h)
        #expect(rs.count == 2 && rs[1].skip == "STALE_SIGNAL" && rs[1].forced)
        #expect(try h.orderLog().isEmpty)
        try assertInvariant(h)
    }

    @Test("forced rows settle like any row, get no ft_pnl, and stay out of status' and report's LT vs FT")
    func forcedRowsAreLeftOutOfTheFTGap() throws {
        let h = try ExecuteHarness(scenario: ResolveMarkets.scenario())
        try h.addStrategy("s1", wallet: "w", mode: .shadow)
        try h.addSignal("f1", wallet: "w", condition: "'\(ResolveMarkets.a)'", price: "0.50", size: "15")
        #expect(try h.execute(live: false).status == 0)
        let buy = ["force", "buy", "s1", "--condition", ResolveMarkets.a, "--outcome", "Yes", "--usd", "5"]
        #expect(try h.lt(buy, live: false).status == 0)
        let sim = [
            "force", "simulate-ft", "s1", "--condition", ResolveMarkets.a, "--outcome", "No", "--price", "0.50",
            "--size-usd", "10", "--leader", "0x1111111111111111111111111111111111111111",
        ]
        #expect(try h.lt(sim, live: false).status == 0)
        // Even a forced row that names an FT order gets no FT P&L from resolve.
        try h.db.runScript("UPDATE lt_orders SET ft_order_id = 'f1' WHERE forced AND token_label = 'No'")
        try h.setFT("f1", outcome: "WON", pnl: "15")
        try h.resolveMarket(#"{"winner_token_id": "\#(ResolveMarkets.aYes)"}"#)
        #expect(try h.resolve().status == 0)
        let settled = try h.db.query(
            "SELECT signal_key, forced, outcome, pnl, ft_pnl FROM lt_orders ORDER BY lt_order_id"
        ) { r throws(RowDecodingError) in
            (
                try r.decode("signal_key", as: String.self), try r.decode("forced", as: Bool.self),
                try r.text("outcome"), try r.decode("pnl", as: Fixed6?.self), try r.decode("ft_pnl", as: Fixed6?.self)
            )
        }
        #expect(settled.count == 3)
        #expect(settled.allSatisfy { $0.2 == "WON" || $0.2 == "LOST" } && settled.allSatisfy { $0.3 != nil })
        #expect(settled.filter { $0.1 }.allSatisfy { $0.4 == nil })
        #expect(settled.first { $0.0 == "f1" }?.4 == 15)

        let status = try h.lt(["status", "--format", "json"])
        let st = try #require((try result(status)["strategies"] as? [[String: Any]])?.first)
        let gap = try #require(st["ft_comparison"] as? [String: Any])
        #expect(gap["compared_rows"] as? Int == 1 && gap["ft_unresolved_rows"] as? Int == 0, "\(gap)")
        #expect(gap["gap"] as? String == "-0.3", "\(gap)")
        let report = try h.lt(["report", "--format", "json"])
        let s1 = try #require((try result(report)["strategies"] as? [[String: Any]])?.first)
        #expect(s1["forced_orders"] as? Int == 2)
        let f = try #require(s1["figures"] as? [String: Any])
        #expect(f["signals_seen"] as? Int == 1)
        let rg = try #require(f["ft_comparison"] as? [String: Any])
        #expect(rg["compared_rows"] as? Int == 1 && rg["gap"] as? String == "-0.3", "\(rg)")
        try assertInvariant(h)
    }
}
