import Foundation
import Testing

@testable import LTCore

/// check-exits' decisions (issue 12): table tests of the pure rules.
struct ExitRulesTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static func ofx(_ s: String?) -> Fixed6? { s.map(fx) }

    @Test(
        arguments: [
            // baseline, leader size, threshold → expected
            (nil, "100", "5", "set 100"),  // first observation sets it
            (nil, "0", "5", "sell 1 full"),  // flat before any observation: exited in full
            ("100", "100", "5", "none"),
            ("100", "120", "5", "set 120"),  // the leader added: the baseline rises, nothing sold
            ("100", "96", "5", "none"),  // a 4 % drop is under the threshold
            ("100", "95", "5", "none"),  // exactly 5 % is not "more than"
            ("100", "70", "5", "sell 0.3 partial 70"),  // sold 30 %
            ("100", "0", "5", "sell 1 full"),  // flat
            ("0", "0", "5", "none"),  // already mirrored flat
            ("3", "1", "0", "sell 0.666667 partial 1"),
        ] as [(String?, String, String, String)])
    func mirror(_ baseline: String?, _ size: String, _ threshold: String, _ expected: String) {
        let m = ExitRules.mirror(
            baseline: Self.ofx(baseline), leaderSize: Self.fx(size), thresholdPct: Self.fx(threshold))
        let text: String
        switch m {
        case .none: text = "none"
        case .setBaseline(let b): text = "set \(b)"
        case .sell(let f, let full, let b): text = full ? "sell \(f) full" : "sell \(f) partial \(b)"
        }
        #expect(text == expected)
    }

    @Test(
        arguments: [
            // bid, cost/share, sl, tp, held hours, max hold → reason
            ("0.40", "0.50", "20", nil, 0.0, nil, "STOP_LOSS"),  // 0.40 ≤ 0.50 × 0.8
            ("0.41", "0.50", "20", nil, 0.0, nil, "-"),
            ("0.60", "0.50", nil, "20", 0.0, nil, "TAKE_PROFIT"),  // 0.60 ≥ 0.50 × 1.2
            ("0.59", "0.50", nil, "20", 0.0, nil, "-"),
            ("0.50", "0.50", "20", "20", 24.0, 24, "TIME_EXIT"),
            ("0.50", "0.50", "20", "20", 23.9, 24, "-"),
            // Fees in the cost: $15 + $0.30 fee for 30 shares → 0.51/share; TP 10 % needs 0.561.
            ("0.56", "0.51", nil, "10", 0.0, nil, "-"),
            ("0.57", "0.51", nil, "10", 0.0, nil, "TAKE_PROFIT"),
        ] as [(String, String, String?, String?, Double, Int?, String)])
    func priceExit(
        _ bid: String, _ cost: String, _ sl: String?, _ tp: String?, _ hours: Double, _ maxHold: Int?,
        _ expected: String
    ) {
        let r = ExitRules.priceExit(
            bestBid: Self.fx(bid), costPerShare: Self.fx(cost), stopLossPct: Self.ofx(sl), takeProfitPct: Self.ofx(tp),
            heldSeconds: hours * 3600, maxHoldHours: maxHold)
        #expect((r?.rawValue ?? "-") == expected)
    }

    @Test(arguments: [
        // wanted, held, minimum → result
        ("9", "30", "5", "sell 9"),
        ("9.123", "30", "5", "sell 9.12"),  // the share grid
        ("27", "30", "5", "sell 30"),  // would leave 3 < 5 behind: sell all
        ("30", "30.123456", "5", "sell 30.12"),  // dust under a hundredth stays
        ("3", "30", "5", "below 3"),  // below the minimum: not placed
        ("4", "4", "5", "below 4"),  // a remainder below the minimum: held to resolution
        ("0", "0", "5", "nothing"),
    ])
    func sellSize(_ wanted: String, _ held: String, _ min: String, _ expected: String) {
        let r = ExitRules.sellSize(wanted: Self.fx(wanted), held: Self.fx(held), minOrderSize: Self.fx(min))
        let text: String
        switch r {
        case .sell(let s): text = "sell \(s)"
        case .belowMinimum(let s): text = "below \(s)"
        case .nothing: text = "nothing"
        }
        #expect(text == expected)
    }

    @Test func proportionalSharesRoundUpToTheGridAndNeverExceedHeld() {
        #expect(ExitRules.shares(fraction: Self.fx("0.3"), of: Self.fx("30")) == Self.fx("9"))
        #expect(ExitRules.shares(fraction: Self.fx("0.333333"), of: Self.fx("10")) == Self.fx("3.34"))
        #expect(ExitRules.shares(fraction: Self.fx("1"), of: Self.fx("29.5")) == Self.fx("29.5"))
        #expect(ExitRules.shares(fraction: Self.fx("0.999999"), of: Self.fx("29.5")) == Self.fx("29.5"))
    }

    @Test func carryRetriesWhatAnExitDidNotSell() {
        typealias P = ExitRules.PastExit
        #expect(ExitRules.carry([]) == .none)
        #expect(
            ExitRules.carry([P(status: .filled, requestedShares: 9, executedShares: 9, exitReason: .traderPartial)])
                == .none)
        #expect(
            ExitRules.carry([P(status: .intent, requestedShares: 9, executedShares: 0, exitReason: .traderPartial)])
                == .pending)
        #expect(
            ExitRules.carry([P(status: .unknown, requestedShares: 9, executedShares: 0, exitReason: .stopLoss)])
                == .pending)
        // A FAK that sold part: the rest is owed.
        #expect(
            ExitRules.carry([P(status: .filled, requestedShares: 30, executedShares: 20, exitReason: .traderExit)])
                == .owed(shares: 10, reason: .traderExit, failures: 1))
        // Failures in a row are counted (for the warning); they never stop the retries.
        let failing = [
            P(status: .filled, requestedShares: 5, executedShares: 5, exitReason: .traderPartial),
            P(status: .rejected, requestedShares: 25, executedShares: 0, exitReason: .traderExit),
            P(status: .unfilled, requestedShares: 25, executedShares: 0, exitReason: .traderExit),
            P(status: .notPlaced, requestedShares: 25, executedShares: 0, exitReason: .traderExit),
        ]
        #expect(ExitRules.carry(failing) == .owed(shares: 25, reason: .traderExit, failures: 3))
        // Dust held to resolution is not retried.
        #expect(
            ExitRules.carry([
                P(
                    status: .skipped, requestedShares: 3, executedShares: 0, exitReason: .traderExit,
                    skipReason: "BELOW_MINIMUM")
            ]) == .none)
    }

    @Test func settlementGate() {
        #expect(ExitRules.isSellable(settlement: .confirmed, isShadow: false))
        for s in [nil, Settlement.matched, .mined, .retrying, .failed] as [Settlement?] {
            #expect(!ExitRules.isSellable(settlement: s, isShadow: false), "\(String(describing: s))")
        }
        #expect(ExitRules.isSellable(settlement: nil, isShadow: true))
    }

    @Test func planFOKWhenTheBookHoldsItFAKWhenThin() throws {
        let bids = [BookLevel(price: Self.fx("0.48"), size: 100), BookLevel(price: Self.fx("0.47"), size: 50)]
        // 300 bps below 0.48 = 0.4656 → 0.47 on the tick grid.
        let fok = try ExitRules.plan(
            shares: 120, bids: bids, maxSlippageBps: 300, tickSize: Self.fx("0.01"), minOrderSize: 5
        ).get()
        #expect(fok.orderType == .fok && fok.limitPrice == Self.fx("0.47") && fok.shares == 120)
        #expect(fok.expectedFill.shares == 120 && fok.expectedFill.usd == Self.fx("57.4"))
        let fak = try ExitRules.plan(
            shares: 200, bids: bids, maxSlippageBps: 300, tickSize: Self.fx("0.01"), minOrderSize: 5
        ).get()
        #expect(fak.orderType == .fak && fak.expectedFill.shares == 150)
        // 100 bps: only the 0.48 level is within the allowance.
        let tight = try ExitRules.plan(
            shares: 120, bids: bids, maxSlippageBps: 100, tickSize: Self.fx("0.01"), minOrderSize: 5
        ).get()
        #expect(tight.orderType == .fak && tight.limitPrice == Self.fx("0.48") && tight.expectedFill.shares == 100)
        #expect(
            ExitRules.plan(shares: 10, bids: [], maxSlippageBps: 300, tickSize: Self.fx("0.01"), minOrderSize: 5)
                == .failure(.noBids))
        let thin = [BookLevel(price: Self.fx("0.48"), size: 2)]
        #expect(
            ExitRules.plan(shares: 10, bids: thin, maxSlippageBps: 300, tickSize: Self.fx("0.01"), minOrderSize: 5)
                == .failure(.thinBook(2)))
    }

    @Test func fifoTakesTheOldestFirstWithProportionalCost() throws {
        let lots = [
            PositionFIFO.Lot(ltOrderID: 1, shares: 30, costBasis: Self.fx("15.30")),
            PositionFIFO.Lot(ltOrderID: 2, shares: 20, costBasis: Self.fx("11")),
        ]
        let t = try #require(PositionFIFO.take(40, from: lots))
        #expect(t.count == 2)
        #expect(t[0].ltOrderID == 1 && t[0].shares == 30 && t[0].costBasis == Self.fx("15.30") && t[0].closes)
        #expect(t[1].ltOrderID == 2 && t[1].shares == 10 && t[1].costBasis == Self.fx("5.5") && !t[1].closes)
        #expect(PositionFIFO.take(51, from: lots) == nil, "never more shares than held")
        let third = try #require(
            PositionFIFO.take(10, from: [PositionFIFO.Lot(ltOrderID: 1, shares: 30, costBasis: 10)]))
        #expect(third[0].costBasis == Self.fx("3.333333"))
    }

    static func signed(shares: Fixed6 = 30, limit: String = "0.47") -> SignedVenueOrder {
        let r = OrderRequest(
            wallet: "main", side: .sell, tokenID: "1", negRisk: false, tickSize: fx("0.01"), limitPrice: fx(limit),
            amount: shares, orderType: .fok)
        return SignedVenueOrder(
            request: r, orderHash: "0xabc", makerAmount: shares,
            takerAmount: shares.multiplied(by: fx(limit), rounding: .floor),
            payload: "")
    }

    @Test func sellAnswers() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let fees = FeeSchedule(rate: Self.fx("0.02"), exponent: 1)
        let filled = SellAnswerBooking.book(
            .accepted(orderID: "0xabc", matched: true, making: 30, taking: Self.fx("14.4"), tradeIDs: ["t1"]),
            signed: Self.signed(), fees: fees, latencyMs: nil, at: at)
        #expect(filled.status == .filled)
        #expect(filled.fields.executedShares == 30 && filled.fields.executedUSD == Self.fx("14.4"))
        // Fee 0.02 × 0.48 × 0.52 per share × 30 = 0.14976, out of the proceeds.
        #expect(filled.fields.expectedFeeUSD == Self.fx("0.14976"))
        #expect(filled.sold?.shares == 30 && filled.sold?.netProceeds == Self.fx("14.25024"))
        let partial = SellAnswerBooking.book(
            .accepted(orderID: "0xabc", matched: true, making: 20, taking: Self.fx("9.6"), tradeIDs: []),
            signed: Self.signed(), fees: .free, latencyMs: nil, at: at)
        #expect(partial.status == .filled && partial.fields.error?.contains("retried") == true)
        // More shares than signed: not believable, nothing booked.
        let wild = SellAnswerBooking.book(
            .accepted(orderID: "0xabc", matched: true, making: 31, taking: Self.fx("14.88"), tradeIDs: []),
            signed: Self.signed(), fees: .free, latencyMs: nil, at: at)
        #expect(wild.status == .submitted && wild.sold == nil && wild.unverified != nil)
        for (answer, status) in [
            (VenuePostResult.unfilled(reason: "no match"), OrderStatus.unfilled),
            (.rejected(reason: "not enough balance / allowance"), .rejected), (.notPlaced(reason: "429"), .notPlaced),
            (.unknown(reason: "timeout"), .unknown),
            (.accepted(orderID: "0xabc", matched: false, making: nil, taking: nil, tradeIDs: []), .submitted),
        ] {
            let b = SellAnswerBooking.book(answer, signed: Self.signed(), fees: fees, latencyMs: nil, at: at)
            #expect(b.status == status)
            #expect(b.sold == nil)
        }
    }
}
