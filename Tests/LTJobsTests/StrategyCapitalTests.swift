import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt strategy deposit|withdraw` through the real binary and Postgres (issue 14 item 2): the
/// capital invariant holds, P&L and the drawdown percentage do not move, a withdrawal never exceeds
/// available cash, and every movement leaves a row and a log line.
@Suite("lt strategy deposit / withdraw")
struct StrategyCapitalTests {
    typealias Env = StrategyCommandTests.Env

    @Test("withdraw: refused beyond available cash, dry run changes nothing, then booked with its trace")
    func withdraw() throws {
        let e = try Env()
        #expect(
            try e.alice(["create", "s1", "--ft-wallet", "ftw", "--wallet", "main", "--capital", "1000"]).status == 0)
        // A position (locked 300), proceeds in cooldown (100) and a realized loss of 50: equity 950,
        // 5 % below its 1000 peak — books as the ledger would have left them.
        try e.db.runScript(
            """
            UPDATE lt_strategies SET available_cash = 550, locked_capital = 300, cooldown_capital = 100,
                   realized_pnl = -50, current_drawdown_pct = 5
             WHERE strategy_id = 's1'
            """)
        let before = try e.books("s1")
        #expect(before == "550 300 100 -50 1000 1000 5")

        let tooMuch = try e.alice(["withdraw", "s1", "550.000001", "--reason", "payout"])
        #expect(tooMuch.status == 1)
        #expect(
            tooMuch.stdout.contains("only available cash can be withdrawn: 550.000000 is available"),
            "\(tooMuch.stdout)")
        #expect(try e.books("s1") == before)

        let dry = try e.alice(["withdraw", "s1", "500", "--reason", "payout", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("would withdraw 500.000000 from s1"), "\(dry.stdout)")
        #expect(dry.stdout.contains("initial capital 500.000000, available 50.000000, peak equity 473.684211"))
        #expect(dry.stdout.contains("dry run: nothing was changed"))
        #expect(try e.books("s1") == before)
        #expect(try e.movements().isEmpty)

        let done = try e.alice(["withdraw", "s1", "500", "--reason", "monthly payout", "--format", "json"])
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        // Realized P&L and the drawdown percentage stay; the peak moved in proportion (1000 × 450 / 950).
        #expect(try e.books("s1") == "50 300 100 -50 500 473.684211 5")
        #expect(try e.movements() == ["s1 WITHDRAWAL 500 monthly payout alice 500 50 473.684211"])
        #expect(done.stdout.contains(#""kind":"WITHDRAWAL""#), "\(done.stdout)")
        #expect(done.stderr.contains(#""msg":"strategy capital moved""#), "\(done.stderr)")
        #expect(done.stderr.contains(#""reason":"monthly payout""#) && done.stderr.contains(#""operator":"alice""#))
        // The next settlement's breaker test (6 %) sees the same 5 % drawdown, not the 10 % a peak
        // lowered by the amount (500 against equity 450) would show: a withdrawal is not a drawdown.
        let peak = try #require(try e.db.queryFirst("SELECT peak_equity::text AS v FROM lt_strategies")?.text("v"))
        #expect(!ResolveRules.drawdownReached(peak: try Fixed6(parsing: peak), equity: Fixed6(450), pct: Fixed6(6)))
        #expect(ResolveRules.drawdownReached(peak: Fixed6(500), equity: Fixed6(450), pct: Fixed6(6)))
    }

    @Test("deposit: capital and available grow, P&L does not; usage errors; unknown strategy")
    func deposit() throws {
        let e = try Env()
        #expect(
            try e.alice(["create", "s1", "--ft-wallet", "ftw", "--wallet", "main", "--capital", "1000"]).status == 0)
        let r = try e.alice(["deposit", "s1", "250.5", "--reason", "top-up"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("deposited 250.500000 into s1 (movement #1)"), "\(r.stdout)")
        #expect(try e.books("s1") == "1250.5 0 0 0 1250.5 1250.5 0")
        #expect(try e.movements() == ["s1 DEPOSIT 250.5 top-up alice 1250.5 1250.5 1250.5"])
        // The invariant as the database checks it.
        #expect(
            try e.db.queryFirst(
                """
                SELECT (available_cash + locked_capital + cooldown_capital = initial_capital + realized_pnl)::text AS v
                  FROM lt_strategies
                """)?.text("v") == "true")
        #expect(try e.alice(["deposit", "s1", "0", "--reason", "x"]).status == 64)
        #expect(try e.alice(["deposit", "s1", "1.0000001", "--reason", "x"]).status == 64)
        #expect(try e.alice(["deposit", "s1", "5", "--reason", " "]).status == 64)
        #expect(try e.alice(["deposit", "s1", "5"]).status == 64, "--reason is required")
        let missing = try e.alice(["deposit", "nope", "5", "--reason", "x"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("no strategy nope"))
        #expect(try e.movements().count == 1)
    }
}

extension StrategyCommandTests.Env {
    /// `lt strategy …` as the operator alice.
    func alice(_ args: [String]) throws -> LTProcess.Result { try lt(args, env: ["USER": "alice"]) }

    /// available locked cooldown realized initial peak drawdown, trailing zeros trimmed.
    func books(_ id: String) throws -> String {
        try db.queryFirst(
            """
            SELECT concat_ws(' ', trim_scale(available_cash), trim_scale(locked_capital),
                   trim_scale(cooldown_capital), trim_scale(realized_pnl), trim_scale(initial_capital),
                   trim_scale(peak_equity), trim_scale(current_drawdown_pct)) AS v
              FROM lt_strategies WHERE strategy_id = \(id)
            """)?.text("v") ?? "-"
    }
    func movements() throws -> [String] {
        try db.query(
            """
            SELECT concat_ws(' ', strategy_id, kind, trim_scale(amount), reason, operator,
                   trim_scale(initial_capital_after), trim_scale(available_cash_after),
                   trim_scale(peak_equity_after)) AS v
              FROM lt_capital_movements ORDER BY id
            """
        ) { r throws(RowDecodingError) in try r.decode("v", as: String.self) }
    }
}
