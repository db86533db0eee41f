import Foundation
import Testing

@testable import LTCore

/// Decimal literal for tables: `fx("0.55")`.
func fx(_ text: String) -> Fixed6 { try! Fixed6(parsing: text) }

@Suite struct PoliciesSignalValidationTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let condition = "0x" + String(repeating: "ab", count: 32)

    static func row(
        side: String? = "BUY", condition: String? = PoliciesSignalValidationTests.condition,
        label: String? = "Yes", price: String? = "0.55", size: String? = "15",
        time: Date? = PoliciesSignalValidationTests.t0, tokenId: String? = nil
    ) -> FTSignalRow {
        FTSignalRow(
            orderId: "ft-1", walletId: "w1", orderTime: time, side: side, conditionId: condition,
            tokenLabel: label, tokenId: tokenId, entryPrice: price, size: size, traderWallet: "0xabc")
    }

    @Test(arguments: [
        (row(side: "SELL"), SkipReason.notAnEntry),
        (row(side: "sell"), .notAnEntry),
        (row(side: nil), .invalidSide),
        (row(side: "HOLD"), .invalidSide),
        (row(condition: nil), .missingCondition),
        (row(condition: "   "), .missingCondition),
        (row(label: nil), .unknownOutcome),
        (row(label: ""), .unknownOutcome),
        (row(price: nil), .invalidPrice),
        (row(price: "0"), .invalidPrice),
        (row(price: "1"), .invalidPrice),
        (row(price: "1.2"), .invalidPrice),
        (row(price: "-0.3"), .invalidPrice),
        (row(price: "NaN"), .invalidPrice),
        (row(price: "5e-05"), .invalidPrice),
        (row(price: "0.0000001"), .invalidPrice),  // rounds to 0: not tradable
        (row(size: nil), .invalidSize),
        (row(size: "0"), .invalidSize),
        (row(size: "-5"), .invalidSize),
        (row(size: "ten"), .invalidSize),
        (row(time: nil), .missingSignalTime),
        // Several defects: the fixed check order decides (side before price before size).
        (row(side: "SELL", price: "0", size: "-1"), .notAnEntry),
        (row(price: "0", size: "-1"), .invalidPrice),
    ])
    func malformedRowsAreSkippedWithTheirReason(row: FTSignalRow, reason: SkipReason) {
        switch SignalValidation.validate(row) {
        case .success(let s): Issue.record("expected \(reason), got a signal \(s)")
        case .failure(let skip): #expect(skip.reason == reason)
        }
    }

    @Test func validRowBecomesANormalizedBuySignal() throws {
        let r = Self.row(
            side: " buy ", condition: Self.condition.uppercased(), label: " Yes ", price: "0.5500000",
            size: "15.129999", tokenId: "123456789")
        let s = try SignalValidation.validate(r).get()
        #expect(s.conditionId == Self.condition)
        #expect(s.tokenLabel == "Yes")
        #expect(s.price == fx("0.55"))
        #expect(s.sizeUsd == fx("15.129999"))
        #expect(s.tokenId == "123456789")
        #expect(s.signalTime == Self.t0)
    }

    @Test func nonNumericTokenIdIsIgnoredAndResolvedLater() throws {
        let s = try SignalValidation.validate(Self.row(tokenId: "0xdeadbeef")).get()
        #expect(s.tokenId == nil)
    }

    @Test func priceFinerThanAMicroIsRoundedNotRejected() throws {
        let s = try SignalValidation.validate(Self.row(price: "0.12345678")).get()
        #expect(s.price == fx("0.123457"))
    }

    @Test(
        arguments: [
            (nil, 10_000.0, false),  // no limit configured
            (60, 60.0, false),  // exactly at the limit is still fresh
            (60, 61.0, true),
            (300, 30.0, false),
            (300, -120.0, false),  // signal time in the future (clock skew): age 0
        ] as [(Int?, Double, Bool)])
    func staleness(maxAge: Int?, ageSeconds: Double, stale: Bool) {
        let now = Self.t0.addingTimeInterval(ageSeconds)
        let skip = Staleness.check(signalTime: Self.t0, now: now, maxAgeSeconds: maxAge)
        #expect((skip?.reason == .staleSignal) == stale)
        #expect((skip == nil) == !stale)
    }

    @Test func tokenResolutionMatchesLabelsCaseInsensitively() throws {
        let tokens = [
            TokenResolution.MarketToken(tokenId: "111", outcome: "Yes"),
            TokenResolution.MarketToken(tokenId: "222", outcome: "No"),
        ]
        #expect(try TokenResolution.resolve(label: "yes", in: tokens).get().tokenId == "111")
        #expect(try TokenResolution.resolve(label: " NO", in: tokens).get().tokenId == "222")
        guard case .failure(let skip) = TokenResolution.resolve(label: "Maybe", in: tokens) else {
            Issue.record("unknown label must not resolve")
            return
        }
        #expect(skip.reason == .unknownOutcome)
        // Ambiguous (two tokens with the same label) is refused rather than guessed.
        let dup = tokens + [TokenResolution.MarketToken(tokenId: "333", outcome: "yes")]
        #expect(throws: Skip.self) { try TokenResolution.resolve(label: "Yes", in: dup).get() }
    }

    @Test func skipReasonRawValuesAreStable() {
        // Stored in lt_orders.skip_reason: renaming one breaks operators' queries.
        #expect(
            SkipReason.allCases.map(\.rawValue) == [
                "INVALID_SIDE", "NOT_AN_ENTRY", "INVALID_PRICE", "INVALID_SIZE", "UNKNOWN_OUTCOME", "MISSING_CONDITION",
                "MISSING_SIGNAL_TIME", "STALE_SIGNAL", "INVALID_CONFIG", "BELOW_MINIMUM", "INSUFFICIENT_CASH",
                "POSITION_LIMIT", "EXPOSURE_LIMIT", "DAILY_BUDGET", "DAILY_LOSS_LIMIT", "CIRCUIT_BREAKER", "HALTED",
                "REDUCE_ONLY", "MARKET_UNAVAILABLE", "EMPTY_BOOK", "PRICE_MOVED", "INSUFFICIENT_DEPTH",
                "PRICE_OUT_OF_RANGE", "BELOW_MIN_SIZE",
            ])
    }
}
