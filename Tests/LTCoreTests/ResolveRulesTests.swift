import Foundation
import Testing

@testable import LTCore

/// resolve's decisions (issue 11), table-driven: payout per position, P&L incl. fees, naming, what
/// waits, the risk state and its breakers, and the LT-vs-FT decomposition.
@Suite struct ResolveRulesTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    static let yes = "111"
    static let no = "222"

    static func vector(_ yes: Int64, _ no: Int64, proven: Bool = true) -> ConditionResolution {
        .resolved(
            ConditionPayout(
                outcomes: [
                    PayoutOutcome(tokenID: Self.yes, label: "Yes", numerator: yes),
                    PayoutOutcome(tokenID: Self.no, label: "No", numerator: no),
                ], denominator: yes + no, proven: proven))
    }

    static func position(
        token: String? = yes, label: String = "Yes", shares: String, cost: String, status: OrderStatus = .filled,
        settlement: Settlement? = nil, shadow: Bool = false
    ) -> OpenPosition {
        OpenPosition(
            ltOrderID: 1, strategyID: "s", conditionID: "0xc", tokenID: token, label: label, status: status,
            settlement: settlement, isShadow: shadow, sharesRemaining: fx(shares), costBasisRemaining: fx(cost),
            cooldownHours: 3, ftPnL: nil)
    }

    @Test func payoutIsTheContractsIntegerDivision() {
        let cases: [(String, Int64, Int64, String)] = [
            ("30", 1, 1, "30"), ("30", 0, 1, "0"), ("30", 1, 2, "15"),
            ("33.333333", 1, 2, "16.666666"),  // rounded down, as the CTF pays
            ("0.000001", 1, 2, "0"), ("25", 2, 3, "16.666666"), ("0", 1, 1, "0"),
        ]
        for (shares, n, d, want) in cases {
            #expect(ResolveRules.payout(shares: Self.fx(shares), numerator: n, denominator: d) == Self.fx(want))
        }
    }

    /// Hand-computed: cost basis = executed USD + fee (design §3).
    @Test func settlementTable() {
        struct Case {
            var name: String
            var p: OpenPosition
            var r: ConditionResolution
            var outcome: PositionOutcome
            var label: String
            var perShare: String
            var payout: String
            var pnl: String
            var redemption: RedemptionStatus
        }
        let cases = [
            Case(
                name: "won", p: Self.position(shares: "30", cost: "15.30"), r: Self.vector(1, 0), outcome: .won,
                label: "Yes", perShare: "1", payout: "30", pnl: "14.70", redemption: .pending),
            Case(
                name: "lost", p: Self.position(token: Self.no, label: "No", shares: "30", cost: "15.30"),
                r: Self.vector(1, 0), outcome: .lost, label: "Yes", perShare: "0", payout: "0", pnl: "-15.30",
                redemption: .lossConfirmed),
            Case(
                name: "50/50 bought at 0.60 loses money but is paid", p: Self.position(shares: "20", cost: "12.192"),
                r: Self.vector(1, 1), outcome: .won, label: "50/50: Yes 1/2, No 1/2", perShare: "0.5", payout: "10",
                pnl: "-2.192", redemption: .pending),
            Case(
                name: "matched by label when the row has no token id",
                p: Self.position(token: nil, label: "yes", shares: "10", cost: "4"), r: Self.vector(1, 0),
                outcome: .won, label: "Yes", perShare: "1", payout: "10", pnl: "6", redemption: .pending),
            Case(
                name: "shadow: nothing to redeem", p: Self.position(shares: "10", cost: "4", shadow: true),
                r: Self.vector(1, 0), outcome: .won, label: "Yes", perShare: "1", payout: "10", pnl: "6",
                redemption: .redeemed),
            Case(
                name: "confirmed live fill", p: Self.position(shares: "10", cost: "4.1", settlement: .confirmed),
                r: Self.vector(0, 1), outcome: .lost, label: "No", perShare: "0", payout: "0", pnl: "-4.1",
                redemption: .lossConfirmed),
        ]
        for c in cases {
            guard case .settle(let s) = ResolveRules.decide(c.p, c.r) else {
                Issue.record("\(c.name): not settled")
                continue
            }
            #expect(s.outcome == c.outcome, "\(c.name)")
            #expect(s.winningLabel == c.label, "\(c.name)")
            #expect(s.payoutPerShare == Self.fx(c.perShare), "\(c.name)")
            #expect(s.payout == Self.fx(c.payout), "\(c.name)")
            #expect(s.pnl == Self.fx(c.pnl), "\(c.name)")
            #expect(s.redemption == c.redemption, "\(c.name)")
            // The capital event moves exactly the cost basis out of locked and the payout in.
            var b = try! CashBuckets(
                available: .zero, locked: c.p.costBasisRemaining, cooldown: .zero, realizedPnl: .zero,
                initial: c.p.costBasisRemaining)
            for e in s.events { b = try! b.applying(e) }
            #expect(b.locked == .zero && b.cooldown == s.payout && b.realizedPnl == s.pnl, "\(c.name)")
        }
    }

    @Test func whatWaits() {
        let p = Self.position(shares: "30", cost: "15")
        let cases: [(OpenPosition, ConditionResolution)] = [
            (p, .open),
            (p, .awaitingPayout("closed, not reported")),
            (p, .unreadable("timeout")),
            (Self.position(shares: "30", cost: "15", status: .submitted), Self.vector(1, 0)),
            (Self.position(shares: "30", cost: "15", status: .unknown), Self.vector(1, 0)),
            (Self.position(shares: "30", cost: "15", status: .partial), Self.vector(1, 0)),
            (Self.position(shares: "30", cost: "15", settlement: .matched), Self.vector(1, 0)),
            (Self.position(shares: "30", cost: "15", settlement: .mined), Self.vector(1, 0)),
            (Self.position(shares: "30", cost: "15", settlement: .retrying), Self.vector(1, 0)),
            (Self.position(token: "999", label: "Maybe", shares: "30", cost: "15"), Self.vector(1, 0)),
            (p, .resolved(ConditionPayout(outcomes: [], denominator: 0, proven: true))),
        ]
        for (position, resolution) in cases {
            guard case .wait = ResolveRules.decide(position, resolution) else {
                Issue.record("settled but should wait: \(position.status) \(resolution)")
                continue
            }
        }
    }

    static func risk(
        equity: String, peak: String = "1000", dailyLoss: String = "0", losses: Int = 0, maxDaily: String? = nil,
        breakerPct: String? = nil, active: Bool = false, reason: String? = nil
    ) -> RiskSnapshot {
        RiskSnapshot(
            equity: fx(equity), maxDailyLossUSD: maxDaily.map(fx), circuitBreakerLossPct: breakerPct.map(fx),
            dailyLossUSD: fx(dailyLoss), consecutiveLosses: losses, peakEquity: fx(peak), currentDrawdownPct: .zero,
            circuitBreakerActive: active, circuitBreakerReason: reason)
    }

    @Test func riskStateAfterSettlements() {
        // A loss counts: daily loss and consecutive losses grow, drawdown follows equity.
        var r = ResolveRules.riskAfter(Self.risk(equity: "990", losses: 2), pnl: Self.fx("-10"))
        #expect(r.dailyLossUSD == Self.fx("10") && r.consecutiveLosses == 3)
        #expect(r.peakEquity == Self.fx("1000") && r.currentDrawdownPct == Self.fx("1"))
        #expect(!r.circuitBreakerActive)
        // A win resets the count, raises the peak, and does not reduce today's loss.
        r = ResolveRules.riskAfter(Self.risk(equity: "1020", dailyLoss: "10", losses: 3), pnl: Self.fx("30"))
        #expect(r.consecutiveLosses == 0 && r.dailyLossUSD == Self.fx("10"))
        #expect(r.peakEquity == Self.fx("1020") && r.currentDrawdownPct == .zero)
        // Zero P&L changes neither counter.
        r = ResolveRules.riskAfter(Self.risk(equity: "1000", losses: 2), pnl: .zero)
        #expect(r.consecutiveLosses == 2)
        // Daily loss reaching the limit exactly trips DAILY_LOSS.
        r = ResolveRules.riskAfter(
            Self.risk(equity: "950", dailyLoss: "30", maxDaily: "50", breakerPct: "20"), pnl: Self.fx("-20"))
        #expect(r.circuitBreakerActive && r.circuitBreakerReason?.hasPrefix("DAILY_LOSS") == true)
        // Drawdown exactly at the limit trips DRAWDOWN (exact comparison, no rounding decides).
        r = ResolveRules.riskAfter(Self.risk(equity: "800", breakerPct: "20"), pnl: Self.fx("-5"))
        #expect(r.circuitBreakerActive && r.circuitBreakerReason?.hasPrefix("DRAWDOWN") == true)
        #expect(r.currentDrawdownPct == Self.fx("20"))
        r = ResolveRules.riskAfter(Self.risk(equity: "800.000001", breakerPct: "20"), pnl: Self.fx("-5"))
        #expect(!r.circuitBreakerActive)
        // Both at once: DRAWDOWN wins, so daily-reset does not clear it.
        r = ResolveRules.riskAfter(
            Self.risk(equity: "700", dailyLoss: "100", maxDaily: "50", breakerPct: "20"), pnl: Self.fx("-100"))
        #expect(r.circuitBreakerReason?.hasPrefix("DRAWDOWN") == true)
        // A DAILY_LOSS breaker is upgraded to DRAWDOWN; a MANUAL one is kept.
        r = ResolveRules.riskAfter(
            Self.risk(equity: "700", breakerPct: "20", active: true, reason: "DAILY_LOSS: x"), pnl: Self.fx("-1"))
        #expect(r.circuitBreakerReason?.hasPrefix("DRAWDOWN") == true)
        r = ResolveRules.riskAfter(
            Self.risk(equity: "700", breakerPct: "20", active: true, reason: "MANUAL: operator"), pnl: Self.fx("-1"))
        #expect(r.circuitBreakerReason == "MANUAL: operator")
        // No limits: never trips.
        r = ResolveRules.riskAfter(Self.risk(equity: "1", dailyLoss: "999"), pnl: Self.fx("-999"))
        #expect(!r.circuitBreakerActive && r.currentDrawdownPct == Self.fx("99.9"))
    }

    @Test func winningLabels() {
        func v(_ n: [Int64]) -> ConditionPayout {
            ConditionPayout(
                outcomes: n.enumerated().map {
                    PayoutOutcome(tokenID: "\($0)", label: ["A", "B", "C"][$0], numerator: $1)
                },
                denominator: n.reduce(0, +), proven: true)
        }
        #expect(ResolveRules.winningLabel(v([1, 0])) == "A")
        #expect(ResolveRules.winningLabel(v([0, 1])) == "B")
        #expect(ResolveRules.winningLabel(v([1, 1])) == "50/50: A 1/2, B 1/2")
        #expect(ResolveRules.winningLabel(v([2, 2])) == "50/50: A 1/2, B 1/2")
        #expect(ResolveRules.winningLabel(v([1, 3])) == "split: A 1/4, B 3/4")
    }

    /// FT bought $15 at 0.50 and made 15 (30 shares paid 1). We asked $15, filled $15 at 0.51 for
    /// 29.411764 shares and paid 0.30 fee: 14.111764. The gap, −0.888236, is −0.30 fees and
    /// −0.588236 entry slippage.
    @Test func ftGapDecomposition() {
        let row = FTComparisonRow(
            skipped: false, signalPrice: Self.fx("0.50"), signalSizeUSD: Self.fx("15"), requestedUSD: Self.fx("15"),
            executedUSD: Self.fx("15"), executedShares: Self.fx("29.411764"), feesUSD: Self.fx("0.30"),
            payoutPerShare: .one, pnl: Self.fx("14.111764"), ftPnL: Self.fx("15"))
        let g = FTGap.of(row)
        #expect(g.gap == Self.fx("-0.888236"))
        #expect(g.fees == Self.fx("-0.30") && g.entrySlippage == Self.fx("-0.588236"))
        #expect(g.sizing == .zero && g.partialFill == .zero && g.unexplained == .zero)

        // Half the leader's size, half filled: sizing and partial fill explain the rest.
        let small = FTComparisonRow(
            skipped: false, signalPrice: Self.fx("0.50"), signalSizeUSD: Self.fx("20"), requestedUSD: Self.fx("10"),
            executedUSD: Self.fx("5"), executedShares: Self.fx("10"), feesUSD: .zero, payoutPerShare: .zero,
            pnl: Self.fx("-5"), ftPnL: Self.fx("-20"))
        let s = FTGap.of(small)
        #expect(s.gap == Self.fx("15") && s.sizing == Self.fx("10") && s.partialFill == Self.fx("5"))
        #expect(s.unexplained == .zero)

        // Skipped: FT's whole P&L is the gap. FT unresolved: counted, not compared.
        let skipped = FTGap.of(
            FTComparisonRow(
                skipped: true, signalPrice: nil, signalSizeUSD: nil, requestedUSD: nil, executedUSD: .zero,
                executedShares: .zero, feesUSD: .zero, payoutPerShare: nil, pnl: nil, ftPnL: Self.fx("7")))
        #expect(skipped.skipped == Self.fx("-7") && skipped.gap == Self.fx("-7"))
        var unresolved = row
        unresolved.ftPnL = nil
        let u = FTGap.of(unresolved)
        #expect(u.ftUnresolvedRows == 1 && u.comparedRows == 0 && u.gap == .zero)

        let total = g + s + skipped + u
        #expect(total.comparedRows == 3 && total.ftUnresolvedRows == 1)
        #expect(
            total.gap == total.fees + total.entrySlippage + total.partialFill + total.sizing + total.skipped
                + total.unexplained)
    }
}
