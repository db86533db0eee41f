import Foundation
import Testing

@testable import LTCore

@Suite struct OrderTransitionTests {
    @Test(
        arguments: [
            (nil, OrderStatus.intent, true), (nil, .skipped, true), (nil, .filled, true), (nil, .unknown, false),
            (.notPlaced, .intent, true), (.notPlaced, .skipped, true), (.intent, .filled, true),
            (.intent, .notPlaced, true), (.intent, .unknown, true), (.unknown, .filled, true),
            (.unknown, .notPlaced, false), (.unknown, .intent, false), (.submitted, .filled, true),
            (.filled, .failed, true), (.filled, .filled, true), (.filled, .unfilled, false),
            (.unfilled, .filled, false), (.rejected, .filled, false), (.skipped, .intent, false),
            (.failed, .filled, false),
        ] as [(OrderStatus?, OrderStatus, Bool)])
    func table(from: OrderStatus?, to: OrderStatus, allowed: Bool) {
        #expect(OrderTransitions.allows(from: from, to: to) == allowed)
    }

    @Test func finalRowsNeverMoveAndEveryTargetIsAStatus() {
        for s in [OrderStatus.unfilled, .rejected, .failed, .skipped] {
            #expect(OrderTransitions.targets(from: s).isEmpty, "\(s) is final")
        }
        // A row that can still change has somewhere to go.
        for s in [OrderStatus.intent, .unknown, .submitted, .partial, .notPlaced] {
            #expect(!OrderTransitions.targets(from: s).isEmpty)
        }
    }
}

@Suite struct FeeScheduleTests {
    @Test(
        arguments: [
            // rate, exponent, shares, price → fee (rounded up to the micro)
            ("0.02", 1, "100", "0.5", "0.5"),  // 100 × 0.02 × 0.25
            ("0.02", 2, "100", "0.5", "0.125"),  // 100 × 0.02 × 0.0625
            ("0.0625", 1, "29.4117", "0.51", "0.459374"),  // 29.4117 × 0.0625 × 0.2499 = 0.4593739…, up
            ("0", 1, "100", "0.5", "0"),
            ("0.02", 1, "0", "0.5", "0"),
            ("0.02", 0, "10", "0.3", "0.2"),  // exponent 0: rate per share
        ])
    func fees(rate: String, exponent: Int, shares: String, price: String, expected: String) {
        let s = FeeSchedule(rate: fx(rate), exponent: exponent)
        #expect(s.fee(shares: fx(shares), price: fx(price)) == fx(expected))
    }

    @Test func feeOfAFillUsesItsSharesAtItsAveragePrice() {
        let s = FeeSchedule(rate: fx("0.02"), exponent: 1)
        let fill = BookFill(shares: fx("30"), usd: fx("15"), vwap: fx("0.5"))
        #expect(s.fee(of: fill) == fx("0.15"))
        #expect(s.fee(of: .empty) == .zero)
        #expect(FeeSchedule.free.fee(of: fill) == .zero)
    }

    @Test func hugeFillsReportOutOfRangeInsteadOfTrapping() {
        let s = FeeSchedule(rate: fx("1000000"), exponent: 0)
        #expect(s.fee(shares: Fixed6(micros: Int64.max / 2), price: fx("0.5")) == nil)
    }
}

@Suite struct FillSanityTests {
    static let buy = FillSanity.Request(
        side: .buy, limitPrice: fx("0.51"), tickSize: fx("0.01"), amountUSD: fx("15"), shares: fx("29.4117"))

    @Test(
        arguments: [
            // making (USD), taking (shares), believable?
            ("15", "30", true),  // price improvement: more shares than the taker amount
            ("14.70585", "29.4117", true),
            ("15", "29.4117", true),  // 0.51 exactly
            ("15", "28.9", true),  // 0.519: within a tick of the limit (venue rounding)
            ("15", "28.8", false),  // 0.5208: more than a tick over
            ("15", "20", false),  // 0.75 > limit + tick
            ("15.01", "30", false),  // spent more than signed
            ("0", "30", false),
            ("15", "0", false),
        ])
    func buys(making: String, taking: String, believable: Bool) {
        let r = FillSanity.check(making: fx(making), taking: fx(taking), request: Self.buy)
        if case .success = r { #expect(believable) } else { #expect(!believable) }
    }

    @Test func missingAmountsAreNotAFill() {
        guard case .failure = FillSanity.check(making: nil, taking: fx("1"), request: Self.buy) else {
            Issue.record("an answer without amounts was booked")
            return
        }
    }

    @Test func sellsCannotSellMoreThanSigned() {
        let sell = FillSanity.Request(
            side: .sell, limitPrice: fx("0.40"), tickSize: fx("0.01"), amountUSD: .zero, shares: fx("10"))
        if case .failure = FillSanity.check(making: fx("10"), taking: fx("4.5"), request: sell) {
            Issue.record("a SELL of all shares at 0.45 is a fill")
        }
        if case .success = FillSanity.check(making: fx("11"), taking: fx("4.4"), request: sell) {
            Issue.record("a SELL of more shares than signed was booked")
        }
    }
}

@Suite struct AnswerBookingTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)
    static let signed = SignedVenueOrder(
        request: OrderRequest(
            wallet: "main", side: .buy, tokenID: "1", negRisk: false, tickSize: fx("0.01"), limitPrice: fx("0.51"),
            amount: fx("15"), orderType: .fak),
        orderHash: "0xabc", makerAmount: fx("15"), takerAmount: fx("29.4117"), payload: "{}")

    func book(_ answer: VenuePostResult, fee: String = "0.30") -> AnswerBooking.Booking {
        AnswerBooking.book(answer, signed: Self.signed, expectedFee: fx(fee), latencyMs: 12, at: Self.at)
    }

    @Test func aBelievablePartialFillKeepsItsCostAndFeeShareLockedAndReleasesTheRest() {
        let b = book(.accepted(orderID: "0xabc", matched: true, making: fx("10"), taking: fx("20"), tradeIDs: ["t"]))
        #expect(b.status == .filled)
        #expect(b.fields.executedUSD == fx("10"))
        #expect(b.fields.executedShares == fx("20"))
        #expect(b.fields.expectedFeeUSD == fx("0.2"))  // 10/15 of 0.30
        #expect(b.fields.costBasisRemaining == fx("10.2"))
        #expect(b.fields.settlement == .matched)
        #expect(b.fields.tradeIDs == ["t"])
        #expect(b.fields.venueOrderID == nil)
        #expect(b.events == [.releaseUnused(fx("5.1"))])  // 15.30 locked − 10.20 kept
    }

    @Test func anUnbelievableMatchedAnswerBooksNothing() {
        let b = book(.accepted(orderID: "0xdef", matched: true, making: fx("999"), taking: fx("1"), tradeIDs: []))
        #expect(b.status == .submitted)
        #expect(b.events.isEmpty)
        #expect(b.unverified != nil)
        #expect(b.fields.executedUSD == nil)
        #expect(b.fields.venueOrderID == "0xdef")
    }

    @Test func outcomesThatEndTheOrderReleaseEverythingUnprovenOnesNothing() {
        #expect(book(.unfilled(reason: "k")).events == [.releaseUnused(fx("15.30"))])
        #expect(book(.rejected(reason: "r")).status == .rejected)
        let np = book(.notPlaced(reason: "HTTP 429"))
        #expect(np.status == .notPlaced)
        #expect(np.fields.countAttempt)
        #expect(np.events == [.releaseUnused(fx("15.30"))])
        #expect(book(.unknown(reason: "timeout")).events.isEmpty)
        #expect(
            book(.accepted(orderID: "0xabc", matched: false, making: nil, taking: nil, tradeIDs: [])).status
                == .submitted)
    }

    @Test func feeFitShrinksTheAmountSoThatAmountPlusFeeFits() {
        #expect(FeeFit.amount(fx("50"), fee: fx("1"), availableCash: fx("100")) == fx("50"))
        // 99 % of 50 = 49.50; 49.50 × 49 / 50 = 48.51
        #expect(FeeFit.amount(fx("49"), fee: fx("1"), availableCash: fx("50")) == fx("48.51"))
        #expect(FeeFit.amount(fx("1"), fee: fx("1"), availableCash: fx("0.01")) == nil)
    }
}
