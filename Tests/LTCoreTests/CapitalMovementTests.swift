import Testing

@testable import LTCore

@Suite struct CapitalMovementTests {
    /// available 550, locked 300, cooldown 100, realized −50 on 1000: equity 950.
    static func books() throws -> CashBuckets {
        try CashBuckets(
            available: fx("550"), locked: fx("300"), cooldown: fx("100"), realizedPnl: fx("-50"), initial: fx("1000"))
    }

    @Test(
        "deposits and withdrawals move initial capital and available cash together; P&L and drawdown stay",
        arguments: [
            // kind, amount, peak before → available, initial, peak after
            (CapitalMovement.Kind.deposit, "500", "1000", "1050", "1500", "1526.315789"),
            (.withdrawal, "500", "1000", "50", "500", "473.684211"),
            (.withdrawal, "550", "1000", "0", "450", "421.052632"),
            // A peak below equity (no drawdown) stays below it.
            (.deposit, "50", "900", "600", "1050", "947.368421"),
            // No peak recorded: the strategy's peak is its equity after the movement.
            (.deposit, "50", "0", "600", "1050", "1000"),
        ])
    func moves(
        kind: CapitalMovement.Kind, amount: String, peak: String, available: String, initial: String, newPeak: String
    )
        throws
    {
        let before = try Self.books()
        let after = try CapitalMovement.apply(kind, amount: fx(amount), to: before, peakEquity: fx(peak)).get()
        #expect(after.buckets.available == fx(available))
        #expect(after.buckets.initial == fx(initial))
        #expect(after.buckets.locked == before.locked && after.buckets.cooldown == before.cooldown)
        #expect(after.buckets.realizedPnl == before.realizedPnl, "a movement is not profit or loss")
        #expect(after.buckets.invariantHolds)
        #expect(after.peakEquity == fx(newPeak))
        // The drawdown percentage is the same before and after (to the rounding of the peak).
        let ddBefore = ResolveRules.drawdownPct(peak: fx(peak), equity: before.initial + before.realizedPnl)
        let ddAfter = ResolveRules.drawdownPct(
            peak: after.peakEquity, equity: after.buckets.initial + after.buckets.realizedPnl)
        if fx(peak).isPositive { #expect((ddAfter - ddBefore).magnitude <= fx("0.000001"), "\(ddBefore) → \(ddAfter)") }
    }

    @Test func refusals() throws {
        let b = try Self.books()
        #expect(
            CapitalMovement.apply(.withdrawal, amount: fx("550.000001"), to: b, peakEquity: fx("1000"))
                == .failure(.exceedsAvailable(available: fx("550"))))
        #expect(
            CapitalMovement.apply(.deposit, amount: .zero, to: b, peakEquity: fx("1000"))
                == .failure(.nonPositiveAmount))
        #expect(
            CapitalMovement.apply(.withdrawal, amount: fx("-1"), to: b, peakEquity: fx("1000"))
                == .failure(.nonPositiveAmount))
        #expect(CapitalMovement.apply(.deposit, amount: .max, to: b, peakEquity: fx("1000")) == .failure(.outOfRange))
        #expect(
            CapitalMovement.Refusal.exceedsAvailable(available: fx("5")).description.contains("5.000000 is available"))
    }
}
