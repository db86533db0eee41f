import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt strategy …` through the real binary (issue 14 item 2): every change validated like execute's,
/// dry runs change nothing, cash is never a setting.
@Suite("lt strategy: create, inspect and steer strategies")
struct StrategyCommandTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    struct Env {
        let t: TestDatabase
        let db: PostgresConnection
        init() throws {
            t = try TestDatabase()
            db = try t.connect()
        }
        func lt(_ args: [String], env: [String: String] = [:]) throws -> LTProcess.Result {
            try LTProcess.run(
                ["strategy"] + args,
                environment: ["DATABASE_URL": t.url, "LT_LOG_FORMAT": "json"].merging(env) { _, new in new })
        }
        func column(_ id: String, _ c: String) throws -> String? {
            try db.queryFirst("SELECT \(unsafeRaw: c)::text AS v FROM lt_strategies WHERE strategy_id = \(id)")?.text(
                "v")
        }
    }

    @Test("create with a preset and settings; list and show; the seeds' conservative limits")
    func createWithPreset() throws {
        let e = try Env()
        let r = try e.lt([
            "create", "s1", "--ft-wallet", "ftw", "--wallet", "main", "--capital", "1000", "--preset", "conservative",
            "--set", "max_signal_age_seconds=120",
        ])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try e.column("s1", "max_position_size_usd") == "50.000000")
        #expect(try e.column("s1", "max_total_exposure_usd") == "500.000000")
        #expect(try e.column("s1", "circuit_breaker_loss_pct") == "10.000000")
        #expect(try e.column("s1", "max_signal_age_seconds") == "120")
        #expect(try e.column("s1", "available_cash") == "1000.000000")
        #expect(try e.column("s1", "peak_equity") == "1000.000000", "peak equity starts at the capital")
        #expect(try e.column("s1", "mode") == "shadow")
        let list = try e.lt(["list"])
        #expect(list.stdout.contains("s1  shadow  ACTIVE"), "\(list.stdout)")
        let show = try e.lt(["show", "s1", "--format", "json"])
        #expect(show.status == 0)
        #expect(show.stdout.contains(#""strategy_id":"s1""#), "\(show.stdout)")
        // A second create of the same id is refused, nothing changed.
        let again = try e.lt(["create", "s1", "--ft-wallet", "x", "--wallet", "main", "--capital", "5"])
        #expect(again.status == 1)
        #expect(try e.column("s1", "ft_wallet_id") == "ftw")
    }

    @Test("a change the shared validator refuses is rolled back and names the column; a dry run changes nothing")
    func validationAndDryRun() throws {
        let e = try Env()
        _ = try e.lt(["create", "s1", "--ft-wallet", "ftw", "--wallet", "main", "--capital", "100"])
        let bad = try e.lt(["set", "s1", "sizing_mode=FIXED"])
        #expect(bad.status == 1, "FIXED without fixed_size_usd")
        #expect(bad.stdout.contains("fixed_size_usd"), "\(bad.stdout)")
        #expect(try e.column("s1", "sizing_mode") == "SIGNAL")
        let ok = try e.lt(["set", "s1", "sizing_mode=FIXED", "fixed_size_usd=10"])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(try e.column("s1", "fixed_size_usd") == "10.000000")
        let dry = try e.lt(["set", "s1", "fixed_size_usd=25", "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("dry run: nothing was changed"))
        #expect(try e.column("s1", "fixed_size_usd") == "10.000000")
        // Cash is not a setting; unknown columns and bad values are usage errors.
        let cash = try e.lt(["set", "s1", "available_cash=1000000"])
        #expect(cash.status == 64)
        #expect(cash.stderr.contains("ledger"), "\(cash.stderr)")
        #expect(try e.lt(["set", "s1", "drop_table=1"]).status == 64)
        #expect(try e.lt(["set", "s1", "max_slippage_bps=-3"]).status == 64)
        let tiers = try e.lt(["set", "s1", #"multiplier_tiers=[{"min": 50, "max": 10, "multiplier": 2}]"#])
        #expect(tiers.status != 0)
    }

    @Test(
        "pause, reduce-only, resume (clears a breaker, needs --confirm and --reason), retire refused with open positions"
    )
    func states() throws {
        let e = try Env()
        _ = try e.lt(["create", "s1", "--ft-wallet", "ftw", "--wallet", "main", "--capital", "100"])
        #expect(try e.lt(["pause", "s1"]).status == 0)
        #expect(try e.column("s1", "trading_state") == "HALTED")
        #expect(try e.lt(["reduce-only", "s1"]).status == 0)
        #expect(try e.column("s1", "trading_state") == "REDUCE_ONLY")
        try e.db.runScript(
            "UPDATE lt_strategies SET circuit_breaker_active = true, circuit_breaker_reason = 'DRAWDOWN: 21 >= 20'")
        #expect(try e.lt(["resume", "s1", "--reason", "reviewed"]).status == 64, "needs --confirm")
        let resumed = try e.lt(["resume", "s1", "--confirm", "--reason", "reviewed the drawdown"])
        #expect(resumed.status == 0)
        #expect(resumed.stderr.contains("reviewed the drawdown"))
        #expect(try e.column("s1", "trading_state") == "ACTIVE")
        #expect(try e.column("s1", "circuit_breaker_active") == "false")
        try e.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, outcome, shares_remaining, executed_usd,
                                   cost_basis_remaining)
            VALUES ('s1', 'open', 'BUY', 'FILLED', 'OPEN', 10, 5, 5)
            """)
        let refused = try e.lt(["retire", "s1"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("open position"))
        #expect(try e.column("s1", "is_active") == "true")
        #expect(try e.lt(["retire", "s1", "--force-exit"]).status == 0)
        #expect(try e.column("s1", "is_active") == "false")
        #expect(try e.lt(["pause", "nobody"]).status == 1)
    }
}
