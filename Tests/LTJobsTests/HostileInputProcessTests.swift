import Foundation
import LTCore
import LTPostgres
import Testing

/// Issue 9 §1, §2, §5 through the real `lt`: one bad strategy, row or wallet never stops the others.
@Suite("execute: hostile input never stops a run")
struct HostileInputProcessTests {
    @Test("a misconfigured strategy is reported by id and skipped; the others run; status says so")
    func misconfiguredStrategiesAreSkipped() throws {
        let h = try ExecuteHarness()
        // Tiers out of order, and capital beyond what Fixed6 holds: both unusable as they are.
        try h.addStrategy(
            "bad-tiers", wallet: "w-bad", extra: ["multiplier_tiers": #"'[{"min": 50, "max": 10, "multiplier": 2}]'"#])
        try h.addStrategy("huge", wallet: "w-huge", capital: "99999999999999")
        try h.addStrategy("good", wallet: "w-good")
        for w in ["w-bad", "w-huge", "w-good"] { try h.addSignal("sig-\(w)", wallet: w, size: "15") }
        let r = try h.execute(["--format", "json"])
        #expect(r.status == 1, "\(r.output)")
        #expect(try h.orders(strategy: "good")["sig-w-good"]?.status == "FILLED")
        #expect(try h.orders(strategy: "bad-tiers").isEmpty)
        #expect(try h.orders(strategy: "huge").isEmpty)
        #expect(r.stdout.contains(#""strategy_id":"bad-tiers""#), "\(r.stdout)")
        #expect(r.stdout.contains(#""strategy_id":"huge""#))
        #expect(r.stdout.contains(#""status":"failed""#))
        #expect(r.stderr.contains("multiplier_tiers"), "the reason names the column")

        let status = try h.lt(["status"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("MISCONFIGURED bad-tiers"), "\(status.stdout)")
        #expect(status.stdout.contains("MISCONFIGURED huge"))
        #expect(!status.stdout.contains("invariants: ok"))
        #expect(status.stdout.contains("good"))
    }

    @Test("FT's token id is verified against the market: wrong outcome or wrong market → TOKEN_MISMATCH")
    func tokenMismatch() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("yes-with-no-token", tokenID: "'\(Market.no)'")
        try h.addSignal("other-market-token", tokenID: "'\(Market.closedYes)'")
        try h.addSignal("right-token", tokenID: "'\(Market.yes)'")
        let r = try h.execute()
        let rows = try h.orders()
        #expect(rows["yes-with-no-token"]?.skipReason == "TOKEN_MISMATCH", "\(r.output)")
        #expect(rows["other-market-token"]?.skipReason == "TOKEN_MISMATCH")
        #expect(rows["right-token"]?.status == "FILLED")
        // Nothing but the verified token was bought.
        let log = try h.orderLog()
        #expect(log.count == 1)
    }

    @Test("a closed market is never traded, shadow included, even with FT's token id")
    func closedMarketWithTokenID() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("shadow1", mode: .shadow)
        try h.addSignal("closed", condition: "'\(Market.closedCondition)'", tokenID: "'\(Market.closedYes)'")
        _ = try h.execute()
        let row = try #require(try h.orders()["closed"])
        #expect(row.status == "SKIPPED")
        #expect(row.skipReason == "MARKET_UNAVAILABLE")
        #expect(try h.cash("shadow1").locked == .zero)
    }

    @Test("a wallet that cannot sign is named once in the summary, not once per signal")
    func walletErrorsOnce() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1", extra: ["wallet": "'nowhere'"])
        for i in 1...3 { try h.addSignal("ft-\(i)", size: "15") }
        let r = try h.execute()
        #expect(r.status == 78, "\(r.output)")
        #expect(r.stdout.contains("not signed (wallet configuration) 3"), "\(r.stdout)")
        #expect(r.stdout.contains("wallet nowhere:"))
        #expect(r.stderr.components(separatedBy: "wallet cannot sign").count - 1 == 1, "\(r.stderr)")
        #expect(try h.orders().isEmpty, "the signals stay undecided for when the wallet is fixed")
        #expect(try h.cash("s1").locked == .zero)
    }

    @Test("a row the database refuses is reported with its strategy and signal; the run goes on")
    func databaseRefusalIsPerSignal() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("poison", ageSeconds: 6, size: "15")
        try h.addSignal("fine", ageSeconds: 5, size: "15")
        // A rule of the operator's database that lt knows nothing about.
        try h.db.runScript(
            """
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.signal_key = 'poison' THEN RAISE EXCEPTION 'poisoned row refused'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON lt_orders FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """)
        let r = try h.execute()
        #expect(r.status == 1, "\(r.output)")
        #expect(
            r.stdout.contains("ERROR strategy s1 signal poison: database refused it: poisoned row refused"),
            "\(r.stdout)")
        #expect(!r.stdout.contains("SELECT"), "the statement stays out of the summary")
        #expect(try h.orders()["fine"]?.status == "FILLED")
        #expect(try h.orders()["poison"] == nil)
    }

    @Test("FT's order_time without a time zone is read as UTC: its signals trade, none is skipped as future")
    func orderTimeWithoutTimeZone() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // FT owns the table; the contract names the column, not its type.
        try h.db.runScript(
            "ALTER TABLE ft_orders ALTER COLUMN order_time TYPE timestamp USING order_time AT TIME ZONE 'UTC'")
        try h.addSignal("naive-time", size: "15")
        try h.addSignal("naive-stale", ageSeconds: 900, size: "15")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let rows = try h.orders()
        #expect(rows["naive-time"]?.status == "FILLED", "\(String(describing: rows["naive-time"]))")
        #expect(rows["naive-stale"]?.skipReason == "STALE_SIGNAL")
    }

    @Test(
        "over-long text, future and infinite dates, NaN and infinite numbers, a huge size and a malformed condition are SKIPPED rows; the run goes on"
    )
    func hostileSignalsBecomeSkippedRows() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1", extra: ["size_multiplier": "2"])
        try h.addStrategy("s2", wallet: "ftw2")
        let long = String(repeating: "x", count: 10_000)
        try h.addSignal("long-label", label: "'\(long)'")
        try h.addSignal("long-condition", condition: "'0x\(long)'")
        try h.addSignal("future", ageSeconds: -365 * 24 * 3600)
        try h.addSignal("huge", size: "9000000000000")
        try h.addSignal("short-condition", condition: "'0xabc'")
        // Values a numeric or timestamptz column holds that no price, size or instant can be.
        try h.addSignal("infinite-time", orderTime: "'infinity'")
        try h.addSignal("year-20000", orderTime: "'20000-01-01 00:00:00+00'")
        try h.addSignal("nan-price", price: "'NaN'")
        try h.addSignal("infinite-price", price: "'Infinity'")
        try h.addSignal("nan-size", size: "'NaN'")
        try h.addSignal("minus-infinite-size", size: "'-Infinity'")
        try h.addSignal("ok", size: "15")
        try h.addSignal("other-strategy", wallet: "ftw2", size: "15")
        let r = try h.execute()
        #expect(r.status == 0, "\(r.output)")
        let rows = try h.orders(strategy: "s1")
        #expect(rows["long-label"]?.skipReason == "FIELD_TOO_LONG")
        #expect(rows["long-label"]?.error?.contains("token_label") == true)
        #expect(rows["long-condition"]?.skipReason == "FIELD_TOO_LONG")
        #expect(rows["future"]?.skipReason == "FUTURE_SIGNAL")
        #expect(rows["huge"]?.skipReason == "SIZE_OUT_OF_RANGE")
        #expect(rows["huge"]?.error?.contains("too large") == true)
        #expect(rows["short-condition"]?.skipReason == "INVALID_CONDITION")
        #expect(rows["infinite-time"]?.skipReason == "FUTURE_SIGNAL")
        #expect(rows["infinite-time"]?.error?.contains("'infinity' is not a usable time") == true)
        #expect(rows["year-20000"]?.skipReason == "FUTURE_SIGNAL")
        #expect(rows["nan-price"]?.skipReason == "INVALID_PRICE")
        #expect(rows["infinite-price"]?.skipReason == "INVALID_PRICE")
        #expect(rows["nan-size"]?.skipReason == "INVALID_SIZE")
        #expect(rows["minus-infinite-size"]?.skipReason == "INVALID_SIZE")
        #expect(rows["ok"]?.status == "FILLED")
        #expect(try h.orders(strategy: "s2")["other-strategy"]?.status == "FILLED")
        // Every later run is a no-op: the hostile rows are decided, not retried.
        let again = try h.execute()
        #expect(again.status == 0)
        #expect(try h.orderLog().count == 2)
    }
}

/// `lt doctor` through the real binary against the paper exchange (issue 14 item 1).
@Suite("lt doctor: the preflight")
struct DoctorProcessTests {
    @Test("all checks pass on healthy books; broken books and a short wallet fail with the fix")
    func doctor() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        #expect(try h.execute().status == 0)
        let ok = try h.lt(["doctor"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("✓ books"))
        #expect(ok.stdout.contains("✓ credentials main: L2 read ok, collateral 9985"), "\(ok.stdout)")
        #expect(ok.stdout.contains("✓ drift main"))
        #expect(ok.stdout.contains("✓ schema"))
        // Books that disagree with their rows.
        try h.db.runScript(
            "UPDATE lt_strategies SET locked_capital = locked_capital - 1, available_cash = available_cash + 1")
        let books = try h.lt(["doctor", "--format", "json"])
        #expect(books.status == 1)
        #expect(books.stdout.contains(#""name":"books","ok":false"#), "\(books.stdout)")
        // Books that promise more than the wallet holds.
        try h.db.runScript(
            """
            UPDATE lt_strategies SET locked_capital = locked_capital + 1, available_cash = available_cash + 20000 - 1,
                   initial_capital = initial_capital + 20000
            """)
        let drift = try h.lt(["doctor"])
        #expect(drift.status == 1)
        #expect(drift.stdout.contains("✗ drift main"), "\(drift.stdout)")
        #expect(drift.stdout.contains("short by"))
        for secret in TestWallet.secrets { #expect(!h.allOutput.contains(secret)) }
    }
}
