import Foundation
import Testing

@testable import LTCore

@Suite struct StrategyConfigValidationTests {
    static func tier(_ min: String?, _ max: String?, _ m: String) -> MultiplierTier {
        MultiplierTier(min: min.map(fx), max: max.map(fx), multiplier: fx(m))
    }

    @Test(
        arguments: [
            // tiers JSON, columns named in the problems (empty = valid)
            ("[]", [String]()),
            ("", []),
            (
                #"[{"min":null,"max":"10","multiplier":"2"},{"min":"10","max":"100","multiplier":"0.5"},{"min":"100","max":null,"multiplier":"0.1"}]"#,
                []
            ),
            (#"[{"min":0,"max":10,"multiplier":2},{"min":50,"multiplier":1}]"#, []),  // a gap is fine; numbers too
            (#"[{"min":"0","max":"10","multiplier":"0"}]"#, ["multiplier_tiers[0]"]),
            (#"[{"min":"0","max":"10","multiplier":"-1"}]"#, ["multiplier_tiers[0]"]),
            (#"[{"min":"10","max":"10","multiplier":"1"}]"#, ["multiplier_tiers[0]"]),
            (#"[{"min":"20","max":"10","multiplier":"1"}]"#, ["multiplier_tiers[0]"]),
            (#"[{"min":"-5","max":"10","multiplier":"1"}]"#, ["multiplier_tiers[0]"]),
            (
                #"[{"min":"0","max":"10","multiplier":"1"},{"min":"5","max":"20","multiplier":"1"}]"#,
                ["multiplier_tiers[1]"]
            ),
            (
                #"[{"min":"10","max":"20","multiplier":"1"},{"min":"0","max":"5","multiplier":"1"}]"#,
                ["multiplier_tiers[1]"]
            ),
            (#"[{"min":"0","multiplier":"1"},{"min":"5","max":"20","multiplier":"1"}]"#, ["multiplier_tiers[1]"]),
            (#"[{"min":"0","max":"5","multiplier":"1"},{"max":"20","multiplier":"1"}]"#, ["multiplier_tiers[1]"]),
            (#"{"min":"0"}"#, ["multiplier_tiers"]),
            (#"[{"min":"0","max":"5"}]"#, ["multiplier_tiers"]),  // no multiplier
            (#"[{"min":"abc","max":"5","multiplier":"1"}]"#, ["multiplier_tiers"]),
            (#"[{"min":1e30,"max":"5","multiplier":"1"}]"#, ["multiplier_tiers"]),  // beyond Fixed6
            ("not json", ["multiplier_tiers"]),
        ] as [(String, [String])])
    func tiers(json: String, columns: [String]) {
        switch StrategyConfigValidation.tiers(json: json) {
        case .success: #expect(columns.isEmpty, "expected problems in \(columns)")
        case .failure(let found):
            #expect(found.problems.map(\.column) == columns, "\(found)")
            #expect(found.problems.allSatisfy { !$0.reason.isEmpty && !$0.value.isEmpty })
        }
    }

    @Test func tierProblemNamesTheColumnAndValue() throws {
        let p = try #require(StrategyConfigValidation.check(tiers: [Self.tier("0", "10", "0")]).first)
        #expect(p.description == "multiplier_tiers[0] = {min: 0, max: 10, multiplier: 0}: multiplier must be > 0")
        guard case .failure(let found) = StrategyConfigValidation.tiers(json: #"[{"min":"x"}]"#) else {
            Issue.record("a non-decimal min must be a problem")
            return
        }
        #expect(found.problems[0].value == #"[{"min":"x"}]"#)
    }

    @Test(
        arguments: [
            (SizingConfig(mode: .signal), RiskLimits(), [String]()),
            (SizingConfig(mode: .signal, sizeMultiplier: .zero), RiskLimits(), ["size_multiplier"]),
            (SizingConfig(mode: .fixed), RiskLimits(), ["fixed_size_usd"]),
            (SizingConfig(mode: .fixed, fixedSizeUSD: .zero), RiskLimits(), ["fixed_size_usd"]),
            (SizingConfig(mode: .fixed, fixedSizeUSD: 25), RiskLimits(), []),
            (SizingConfig(mode: .percent), RiskLimits(), ["percent_of_cash"]),
            (SizingConfig(mode: .percent, percentOfCash: .zero), RiskLimits(), ["percent_of_cash"]),
            (SizingConfig(mode: .percent, percentOfCash: fx("100.000001")), RiskLimits(), ["percent_of_cash"]),
            (SizingConfig(mode: .percent, percentOfCash: 100), RiskLimits(), []),
            (SizingConfig(mode: .signal, minOrderUSD: fx("-1")), RiskLimits(), ["min_order_usd"]),
            (
                SizingConfig(mode: .signal),
                RiskLimits(
                    maxPositionSizeUSD: fx("-1"), maxTotalExposureUSD: fx("-1"), dailyBudgetUSD: fx("-1"),
                    maxDailyLossUSD: fx("-1"), circuitBreakerLossPct: fx("150")),
                [
                    "max_position_size_usd", "max_total_exposure_usd", "daily_budget_usd", "max_daily_loss_usd",
                    "circuit_breaker_loss_pct",
                ]
            ),
            (
                SizingConfig(mode: .signal, multiplierTiers: [tier("0", "10", "1"), tier("5", nil, "1")]),
                RiskLimits(), ["multiplier_tiers[1]"]
            ),
        ] as [(SizingConfig, RiskLimits, [String])])
    func sizingAndLimits(sizing: SizingConfig, limits: RiskLimits, columns: [String]) {
        let problems = StrategyConfigValidation.check(sizing: sizing, limits: limits)
        #expect(problems.map(\.column) == columns, "\(problems)")
    }

    @Test func capitalBeyondTheRangeOrOffTheInvariantIsReported() {
        let ok = StrategyConfigValidation.check(
            initialCapital: 1000, availableCash: 900, lockedCapital: 50, cooldownCapital: 50, realizedPnL: 0)
        #expect(ok.isEmpty)
        let huge = StrategyConfigValidation.check(
            initialCapital: Fixed6.max, availableCash: Fixed6.max, lockedCapital: Fixed6.max, cooldownCapital: 0,
            realizedPnL: 0)
        #expect(huge.count == 1 && huge[0].reason.contains("too large"))
        let off = StrategyConfigValidation.check(
            initialCapital: 1000, availableCash: 1000, lockedCapital: 50, cooldownCapital: 0, realizedPnL: 0)
        #expect(off.map(\.reason) == ["must equal initial_capital + realized_pnl (1000 + 0)"])
        let negative = StrategyConfigValidation.check(
            initialCapital: 0, availableCash: fx("-5"), lockedCapital: 5, cooldownCapital: 0, realizedPnL: 0)
        #expect(negative.map(\.column) == ["available_cash"])
        if case .failure(let p) = StrategyConfigValidation.amount(column: "initial_capital", text: "1e30") {
            #expect(p.column == "initial_capital" && p.value == "1e30")
        } else {
            Issue.record("1e30 is not a NUMERIC Fixed6 holds")
        }
        if case .failure(let p) = StrategyConfigValidation.amount(
            column: "initial_capital", text: "99999999999999999999.5")
        {
            #expect(p.reason.contains("too large"))
        } else {
            Issue.record("beyond Fixed6's range")
        }
    }

    /// A valid row, built through Strategy's Codable form (it has no memberwise initializer).
    static func strategy(_ f: (inout Strategy) -> Void = { _ in }) -> Strategy {
        let json = """
            {"strategyID": "s1", "ftWalletID": "ftw", "wallet": "main", "isActive": true, "mode": "shadow",
             "tradingState": "ACTIVE", "sizingMode": "SIGNAL", "sizeMultiplier": "1", "multiplierTiersJSON": "[]",
             "minOrderUSD": "1", "maxSignalAgeSeconds": 300, "maxSlippageBps": 300, "fakThresholdUSD": "100",
             "cooldownHours": 3, "mirrorExits": true, "exitThresholdPct": "5", "initialCapital": "1000",
             "availableCash": "1000", "lockedCapital": "0", "cooldownCapital": "0", "realizedPnL": "0",
             "dailySpentUSD": "0", "dailyLossUSD": "0", "consecutiveLosses": 0, "peakEquity": "1000",
             "currentDrawdownPct": "0", "circuitBreakerActive": false, "createdAt": 0, "updatedAt": 0}
            """
        var s = try! JSONDecoder().decode(Strategy.self, from: Data(json.utf8))
        f(&s)
        return s
    }

    @Test func wholeRowListsEveryProblem() {
        #expect(StrategyConfigValidation.check(Self.strategy()).isEmpty)
        let bad = Self.strategy {
            $0.sizingMode = .fixed
            $0.multiplierTiersJSON = #"[{"min":"5","max":"1","multiplier":"2"}]"#
            $0.maxSignalAgeSeconds = 0
            $0.maxSlippageBps = -1
            $0.cooldownHours = -1
            $0.exitThresholdPct = 101
            $0.stopLossPct = 0
            $0.takeProfitPct = fx("-1")
            $0.maxHoldHours = 0
            $0.fakThresholdUSD = fx("-1")
            $0.wallet = " "
            $0.availableCash = 999
        }
        #expect(
            StrategyConfigValidation.check(bad).map(\.column) == [
                "multiplier_tiers[0]", "fixed_size_usd", "fak_threshold_usd", "max_signal_age_seconds",
                "max_slippage_bps", "cooldown_hours", "exit_threshold_pct", "stop_loss_pct", "take_profit_pct",
                "max_hold_hours", "wallet", "available_cash + locked_capital + cooldown_capital",
            ])
    }

    @Test func valuesAreEscapedAndBounded() {
        let p = StrategyConfigValidation.problem("x", "a\nb" + String(repeating: "z", count: 500), "r")
        #expect(!p.value.contains("\n") && p.value.hasPrefix("a\\nb") && p.value.count < 140)
    }
}
