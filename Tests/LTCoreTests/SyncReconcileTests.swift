import Foundation
import Testing

@testable import LTCore

/// SyncReconcile's decisions, one row of the venue's possible answers at a time (design §4
/// "sync-order-status"). Every applied decision is also checked against the books: the cash it
/// moves equals the change of the row's lock, so locked cash keeps matching the rows.
@Suite struct SyncReconcileTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let policy = SyncReconcile.Policy(graceSeconds: 300, ttlSeconds: 3600)
    static let hash = "0xabc"

    /// A BUY of $15 at limit 0.51 with $0.15 expected fee, posted `age` seconds before t0.
    static func row(
        _ status: OrderStatus, age: TimeInterval = 600, type: OrderType = .fok, executed: (String, String)? = nil,
        fee: String = "0.15", settlement: Settlement? = nil, tradeIDs: [String] = []
    ) -> LTOrder {
        var o = LTOrder(strategyID: "s1", signalKey: "k1", side: .buy, status: status)
        o.ltOrderID = 7
        o.orderType = type
        o.requestedUSD = fx("15")
        o.limitPrice = fx("0.51")
        o.orderHash = hash
        o.wallet = "main"
        o.runID = "r1"
        o.expectedFeeUSD = fx(fee)
        o.createdAt = t0.addingTimeInterval(-age)
        o.submittedAt = t0.addingTimeInterval(-age)
        if let (usd, shares) = executed {
            o.executedUSD = fx(usd)
            o.executedShares = fx(shares)
            o.sharesRemaining = fx(shares)
            o.costBasisRemaining = fx(usd) + fx(fee)
            o.outcome = .open
            o.settlement = settlement ?? .matched
            o.tradeIDs = tradeIDs
        }
        return o
    }

    static func trade(
        _ id: String, _ shares: String, at price: String, fee: String? = "0", _ s: Settlement? = .matched
    ) -> VenueTrade {
        VenueTrade(id: id, price: fx(price), shares: fx(shares), fee: fee.map(fx), settlement: s)
    }

    static func decide(
        _ row: LTOrder, order: VenueOrder? = nil, trades: [VenueTrade] = [], runAlive: Bool = false,
        policy: SyncReconcile.Policy = policy
    ) -> SyncReconcile.Decision {
        SyncReconcile.decide(
            row: row, runAlive: runAlive, view: .init(order: order, trades: trades), policy: policy, now: t0)
    }

    /// The row's lock after the decision, from its new status and fields.
    static func lockAfter(_ row: LTOrder, to: OrderStatus, fields f: OrderFields) -> Fixed6 {
        switch to {
        case .intent, .submitted, .unknown, .partial: return (row.requestedUSD ?? .zero) + row.expectedFeeUSD
        case .filled: return f.costBasisRemaining ?? row.costBasisRemaining
        default: return .zero
        }
    }

    static func lockBefore(_ row: LTOrder) -> Fixed6 {
        let p = SyncReconcile.lockedParts(row)
        return p.amount + p.fee
    }

    /// The decision's events move exactly the change of the row's lock (and keep the invariant).
    static func expectBooksHold(_ row: LTOrder, _ d: SyncReconcile.Decision) throws {
        guard case .apply(let to, let fields, let events, _, _) = d else { return }
        let released = events.reduce(Fixed6.zero) { $0 + $1.delta.available }
        #expect(released == lockBefore(row) - lockAfter(row, to: to, fields: fields))
        var b = try CashBuckets(
            available: fx("900"), locked: lockBefore(row), cooldown: .zero, realizedPnl: .zero,
            initial: fx("900") + lockBefore(row))
        for e in events { b = try b.applying(e) }
        #expect(b.locked == lockAfter(row, to: to, fields: fields))
        #expect(b.invariantHolds)
    }

    // MARK: Fills of record

    @Test func fillOfRecordSumsTradesRoundsUpPerTradeAndCapsAtTheSignedAmount() {
        let f = SyncReconcile.fillOfRecord(
            [Self.trade("t2", "10", at: "0.51", fee: "0.05"), Self.trade("t1", "3.333333", at: "0.3", fee: "0.01")],
            side: .buy, cap: fx("15"))
        // 10 × 0.51 = 5.1; 3.333333 × 0.3 = 0.9999999 → 1.000000 (rounded up per trade)
        #expect(f.usd == fx("6.1"))
        #expect(f.shares == fx("13.333333"))
        #expect(f.fee == fx("0.06"))
        #expect(f.tradeIDs == ["t1", "t2"])
        #expect(f.price == fx("6.1").divided(by: fx("13.333333"), rounding: .halfEven))
        let capped = SyncReconcile.fillOfRecord([Self.trade("t", "30", at: "0.51")], side: .buy, cap: fx("15"))
        #expect(capped.usd == fx("15"))
    }

    @Test(
        arguments: [
            ([Settlement.matched, .mined], Settlement.matched), ([.mined, .confirmed], .mined),
            ([.confirmed, .confirmed], .confirmed), ([.confirmed, .retrying, .mined], .retrying),
        ])
    func settlementIsTheLeastAdvancedTrade(statuses: [Settlement], expected: Settlement) {
        let trades = statuses.enumerated().map { Self.trade("t\($0.offset)", "1", at: "0.5", $0.element) }
        #expect(SyncReconcile.fillOfRecord(trades, side: .buy, cap: nil).settlement == expected)
    }

    @Test func failedTradesLeaveTheFillAndAllFailedIsFailed() {
        let some = SyncReconcile.fillOfRecord(
            [Self.trade("a", "10", at: "0.5", .failed), Self.trade("b", "4", at: "0.5", .confirmed)], side: .buy,
            cap: nil)
        #expect(some.shares == fx("4"))
        #expect(some.reverted)
        #expect(some.settlement == .confirmed)
        #expect(some.tradeIDs == ["a", "b"])
        let all = SyncReconcile.fillOfRecord([Self.trade("a", "10", at: "0.5", .failed)], side: .buy, cap: nil)
        #expect(all.shares == .zero && all.settlement == .failed)
    }

    // MARK: Unknown outcomes

    @Test func unknownFoundFilledAdoptsTheTradesAndReleasesTheRest() throws {
        let row = Self.row(.unknown)
        let d = Self.decide(row, trades: [Self.trade("t1", "29.411764", at: "0.51", fee: "0.149999")])
        guard case .apply(let to, let f, let events, let kind, _) = d else {
            Issue.record("expected apply, got \(d)")
            return
        }
        #expect(to == .filled && kind == .filled)
        #expect(f.executedShares == fx("29.411764"))
        #expect(f.executedUSD == fx("15"))  // 14.99999964 rounded up
        #expect(f.feesUSD == fx("0.149999") && f.expectedFeeUSD == fx("0.149999"))
        #expect(f.costBasisRemaining == fx("15.149999"))
        #expect(f.settlement == .matched && f.tradeIDs == ["t1"])
        #expect(events == [.feeSettled(expected: fx("0.15"), actual: fx("0.149999"))])
        try Self.expectBooksHold(row, d)
    }

    @Test func unknownPartlyFilledAndKilledReleasesTheUnusedPart() throws {
        let row = Self.row(.unknown, type: .fak)
        let d = Self.decide(row, trades: [Self.trade("t1", "10", at: "0.5", fee: "0.05")])
        guard case .apply(.filled, let f, let events, .filled, _) = d else {
            Issue.record("expected a fill, got \(d)")
            return
        }
        #expect(f.executedUSD == fx("5") && f.costBasisRemaining == fx("5.05"))
        #expect(events == [.releaseUnused(fx("10")), .feeSettled(expected: fx("0.15"), actual: fx("0.05"))])
        try Self.expectBooksHold(row, d)
    }

    @Test func notFoundIsDeadOnlyPastGraceWithItsRunDead() throws {
        // Within the grace period: untouched.
        if case .apply = Self.decide(Self.row(.unknown, age: 60)) { Issue.record("declared dead within grace") }
        // Its run is alive: untouched, whatever the age.
        if case .apply = Self.decide(Self.row(.unknown, age: 6000), runAlive: true) {
            Issue.record("declared dead while its run is alive")
        }
        // Dead run, past grace, nobody knows it: FAILED, everything released.
        let row = Self.row(.unknown, age: 301)
        let d = Self.decide(row)
        guard case .apply(.failed, _, let events, .failed, _) = d else {
            Issue.record("expected FAILED, got \(d)")
            return
        }
        #expect(events == [.releaseUnused(fx("15.15"))])
        try Self.expectBooksHold(row, d)
    }

    @Test func deadRunsIntentWithinGraceBecomesUnknownLiveRunsIsLeft() {
        guard case .apply(.unknown, _, let events, .stillUnknown, _) = Self.decide(Self.row(.intent, age: 10)) else {
            Issue.record("a dead run's INTENT should become UNKNOWN")
            return
        }
        #expect(events.isEmpty)
        guard case .leave(.stillUnknown, _) = Self.decide(Self.row(.intent, age: 10_000), runAlive: true) else {
            Issue.record("a live run's INTENT must be left alone")
            return
        }
    }

    @Test func knownButDoneWithNothingFilledIsUnfilled() throws {
        let row = Self.row(.unknown, type: .gtc)
        let d = Self.decide(row, order: VenueOrder(id: Self.hash, status: "CANCELED", sizeMatched: .zero, tradeIDs: []))
        guard case .apply(.unfilled, _, let events, .unfilled, _) = d else {
            Issue.record("expected UNFILLED, got \(d)")
            return
        }
        #expect(events == [.releaseUnused(fx("15.15"))])
        try Self.expectBooksHold(row, d)
    }

    @Test func matchedAtTheVenueWithoutTradesWaits() {
        let order = VenueOrder(id: Self.hash, status: "MATCHED", sizeMatched: fx("10"), tradeIDs: ["t1"])
        guard case .leave(.stillUnknown, _) = Self.decide(Self.row(.unknown), order: order) else {
            Issue.record("must wait for the trades")
            return
        }
    }

    // MARK: Provisional fills corrected, settlement

    @Test func provisionalFillCorrectedByTheTrades() throws {
        // The POST answer said 15 USD for 29.4 shares; the trades say 14 shares at 0.5 (7 USD).
        let row = Self.row(.filled, executed: ("15", "29.4"), fee: "0.15")
        let d = Self.decide(row, trades: [Self.trade("t1", "14", at: "0.5", fee: "0.07")])
        guard case .apply(.filled, let f, _, .corrected, _) = d else {
            Issue.record("expected a correction, got \(d)")
            return
        }
        #expect(f.executedUSD == fx("7") && f.executedShares == fx("14") && f.sharesRemaining == fx("14"))
        #expect(f.costBasisRemaining == fx("7.07"))
        try Self.expectBooksHold(row, d)
    }

    @Test func moreSpentThanTheAnswerSaidLocksTheDifference() throws {
        let row = Self.row(.filled, executed: ("5", "10"), fee: "0.05")
        let d = Self.decide(row, trades: [Self.trade("t1", "20", at: "0.5", fee: "0.1")])
        guard case .apply(.filled, _, let events, .corrected, _) = d else {
            Issue.record("expected a correction, got \(d)")
            return
        }
        #expect(events.first == .lockForBuy(fx("5")))
        try Self.expectBooksHold(row, d)
    }

    @Test func settlementProgressesThenConfirmsThenNothingChanges() throws {
        let row = Self.row(.filled, executed: ("5", "10"), fee: "0.05", tradeIDs: ["t1"])
        let mined = Self.decide(row, trades: [Self.trade("t1", "10", at: "0.5", fee: "0.05", .mined)])
        guard case .apply(.filled, let f, let events, .settling, _) = mined else {
            Issue.record("expected settling, got \(mined)")
            return
        }
        #expect(events.isEmpty && f.settlement == .mined)
        let retrying = Self.decide(row, trades: [Self.trade("t1", "10", at: "0.5", fee: "0.05", .retrying)])
        guard case .apply(_, let rf, _, .settling, _) = retrying else {
            Issue.record("RETRYING is not final, got \(retrying)")
            return
        }
        #expect(rf.settlement == .retrying)
        let confirmed = Self.decide(row, trades: [Self.trade("t1", "10", at: "0.5", fee: "0.05", .confirmed)])
        guard case .apply(_, let cf, _, .settled, _) = confirmed else {
            Issue.record("expected settled, got \(confirmed)")
            return
        }
        #expect(cf.settlement == .confirmed)
        var done = row
        done.settlement = .confirmed
        done.feesUSD = fx("0.05")
        guard
            case .leave(.unchanged, _) = Self.decide(
                done, trades: [Self.trade("t1", "10", at: "0.5", fee: "0.05", .confirmed)])
        else {
            Issue.record("a second sync must change nothing")
            return
        }
    }

    @Test func failedSettlementReversesTheFill() throws {
        let row = Self.row(.filled, executed: ("7", "14"), fee: "0.07", tradeIDs: ["t1"])
        let d = Self.decide(row, trades: [Self.trade("t1", "14", at: "0.5", fee: "0.07", .failed)])
        guard case .apply(.failed, let f, let events, .reverted, _) = d else {
            Issue.record("expected the reversal, got \(d)")
            return
        }
        #expect(events == [.settlementFailed(revertedCost: fx("7.07"))])
        #expect(f.sharesRemaining == .zero && f.costBasisRemaining == .zero && f.settlement == .failed)
        try Self.expectBooksHold(row, d)
        // One of two trades failed: the other stays, the reverted part is released.
        let two = Self.row(.filled, executed: ("10", "20"), fee: "0.1", tradeIDs: ["a", "b"])
        let partial = Self.decide(
            two,
            trades: [
                Self.trade("a", "10", at: "0.5", fee: "0.05", .failed), Self.trade("b", "10", at: "0.5", fee: "0.05"),
            ])
        guard case .apply(.filled, let pf, let pe, .reverted, _) = partial else {
            Issue.record("expected a partial reversal, got \(partial)")
            return
        }
        #expect(pf.sharesRemaining == fx("10") && pf.costBasisRemaining == fx("5.05"))
        #expect(pe.first == .settlementFailed(revertedCost: fx("5")))
        try Self.expectBooksHold(two, partial)
    }

    @Test func orderThatAnswers404IsResolvedFromItsTrades() throws {
        let row = Self.row(.submitted, type: .gtc)
        let d = Self.decide(row, order: nil, trades: [Self.trade("t1", "20", at: "0.5", fee: "0")])
        guard case .apply(.filled, _, _, .filled, _) = d else {
            Issue.record("expected a fill from trades, got \(d)")
            return
        }
        try Self.expectBooksHold(row, d)
    }

    // MARK: Resting orders

    @Test func restingOrdersPartlyFilledKeepTheirLockAndAreCancelledPastTheTTL() throws {
        let live = VenueOrder(id: Self.hash, status: "LIVE", sizeMatched: fx("10"), tradeIDs: ["t1"])
        let young = Self.row(.submitted, age: 60, type: .gtc)
        let d = Self.decide(young, order: live, trades: [Self.trade("t1", "10", at: "0.5")])
        guard case .apply(.partial, _, let events, .live, _) = d else {
            Issue.record("expected PARTIAL, got \(d)")
            return
        }
        #expect(events.isEmpty)
        let old = Self.row(.partial, age: 4000, type: .gtc)
        guard case .cancel = Self.decide(old, order: live, trades: [Self.trade("t1", "10", at: "0.5")]) else {
            Issue.record("past the TTL it must be cancelled")
            return
        }
        // Once cancelled: the filled part stays, the rest is released.
        var cancelled = live
        cancelled.status = "CANCELED"
        let after = Self.decide(
            old, order: cancelled, trades: [Self.trade("t1", "10", at: "0.5")],
            policy: .init(graceSeconds: 300, ttlSeconds: nil))
        guard case .apply(.filled, _, _, .partlyFilled, _) = after else {
            Issue.record("expected the filled part kept, got \(after)")
            return
        }
        try Self.expectBooksHold(old, after)
    }

    @Test func sellRowsAreReconciledFromTheirTradesAndFinalRowsAreLeft() {
        var sell = Self.row(.unknown)
        sell.side = .sell
        sell.conditionID = "0xc"
        sell.tokenLabel = "Yes"
        sell.traderWallet = "0xleader"
        // Its trades sold 30 shares at 0.48 with a 0.10 fee: the proceeds net of the fee leave the
        // position through the ledger's FIFO reduction; a SELL locks no cash.
        let filled = Self.decide(sell, trades: [Self.trade("t1", "30", at: "0.48", fee: "0.10")])
        guard case .applySell(.filled, let f, let reduction, .filled, _) = filled else {
            Issue.record("expected the SELL's fill of record, got \(filled)")
            return
        }
        #expect(f.executedShares == fx("30"))
        #expect(f.executedUSD == fx("14.4"))
        #expect(reduction.shares == fx("30"))
        #expect(reduction.position == PositionKey(conditionID: "0xc", label: "Yes"))
        #expect(reduction.traderWallet == "0xleader")
        #expect(reduction.netProceeds == fx("14.4") - (f.feesUSD ?? .zero))
        // Not found: left within the grace period, failed (no cash) after it; check-exits sells again.
        if case .apply = Self.decide(sell, policy: .init(graceSeconds: 6000, ttlSeconds: nil)) {
            Issue.record("declared dead within grace")
        }
        guard case .apply(.failed, _, let events, .failed, _) = Self.decide(sell) else {
            Issue.record("a SELL nobody knows past the grace period ends FAILED")
            return
        }
        #expect(events.isEmpty)
        guard case .leave = Self.decide(Self.row(.unfilled)) else {
            Issue.record("final rows are left")
            return
        }
    }
}
