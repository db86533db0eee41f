import Foundation
import Testing

@testable import LTCore

/// Issue 9 §1: a value from input near Int64's range is an error or a skip reason, never a trap.
@Suite struct Fixed6CheckedArithmeticTests {
    static let big = Fixed6.max

    @Test func checkedOperationsReportOverflow() throws {
        #expect(throws: Fixed6Error.overflow) { try Self.big.adding(Fixed6(micros: 1)) }
        #expect(throws: Fixed6Error.overflow) { try Fixed6.min.subtracting(Fixed6(micros: 1)) }
        #expect(throws: Fixed6Error.overflow) { try fx("9000000000000").checkedMultiplied(by: 2, rounding: .down) }
        #expect(throws: Fixed6Error.overflow) { try Self.big.checkedDivided(by: fx("0.5"), rounding: .down) }
        #expect(throws: Fixed6Error.divisionByZero) { try Fixed6.one.checkedDivided(by: .zero, rounding: .down) }
        #expect(throws: Fixed6Error.overflow) { try Fixed6(checkedUnits: 9_223_372_036_855) }
        let r = fx("9000000000000").multipliedReportingOverflow(by: 2, rounding: .down)
        #expect(r.overflow && r.partialValue == .zero)
        // In range they agree with the trapping operators.
        #expect(try fx("1.5").adding(fx("2.25")) == fx("3.75"))
        #expect(try fx("1.5").subtracting(fx("2.25")) == fx("-0.75"))
        #expect(try fx("1.5").checkedMultiplied(by: fx("0.333333"), rounding: .down) == fx("0.499999"))
        #expect(try fx("1").checkedDivided(by: fx("3"), rounding: .halfEven) == fx("0.333333"))
        #expect(try Fixed6(checkedUnits: 9_223_372_036_854) == fx("9223372036854"))
        // scaled: the 128-bit product never overflows midway (max × 100 ÷ 100 = max).
        #expect(try Self.big.scaled(by: fx("100"), per: fx("100"), rounding: .down) == Self.big)
        #expect(try fx("1000").scaled(by: fx("2.5"), per: fx("100"), rounding: .down) == fx("25"))
    }

    @Test(
        arguments: [
            // Many decimals with a huge magnitude: the rounding path used to multiply past Int128.
            "9223372036854." + String(repeating: "9", count: 40),
            "9223372036853.123456" + String(repeating: "7", count: 300),
            "-9223372036854.7758079999999999999999999999999",
            "1" + String(repeating: "0", count: 400),
            "0." + String(repeating: "0", count: 500) + "1",
        ])
    func parsingHugeOrLongNumbersNeverTraps(text: String) {
        for rounding in [Fixed6.Rounding.down, .up, .floor, .ceiling, .halfUp, .halfEven] {
            _ = try? Fixed6(parsing: text, rounding: rounding)
        }
        #expect(throws: Fixed6Error.self) { try Fixed6(parsing: text) }
    }

    @Test func parsingRoundsLongFractionsExactly() throws {
        // Digits past the 12 kept extra ones still decide: a non-zero far digit breaks a tie.
        let tie = "0.0000005" + String(repeating: "0", count: 30)
        #expect(try Fixed6(parsing: tie, rounding: .halfEven).micros == 0)
        #expect(try Fixed6(parsing: tie + "1", rounding: .halfEven).micros == 1)
        #expect(
            try Fixed6(parsing: "0.000000" + String(repeating: "0", count: 40) + "1", rounding: .ceiling).micros == 1)
        #expect(try Fixed6(parsing: "0.000000" + String(repeating: "0", count: 40) + "1", rounding: .floor).micros == 0)
        #expect(
            try Fixed6(parsing: "9223372036854.775807" + String(repeating: "4", count: 50), rounding: .halfUp)
                == Fixed6.max)
        #expect(throws: Fixed6Error.overflow) {
            try Fixed6(parsing: "9223372036854.775807" + String(repeating: "9", count: 50), rounding: .up)
        }
    }

    @Test func decodingAHugeJSONIntegerIsAnErrorNotATrap() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Fixed6].self, from: Data("[10000000000000]".utf8))
        }
        #expect((try? JSONDecoder().decode([Fixed6].self, from: Data("[12]".utf8))) == [12])
    }

    @Test func overflowErrorSaysTooLarge() {
        #expect(Fixed6Error.overflow.description.contains("too large"))
    }
}

@Suite struct SizingOverflowTests {
    @Test(
        arguments: [
            // signal, multiplier / mode, available cash
            ("9000000000000", SizingConfig(mode: .signal, sizeMultiplier: 2), "1000"),
            ("9223372036854", SizingConfig(mode: .signal, sizeMultiplier: fx("1.000001")), "1000"),
            (
                "5000000000000",
                SizingConfig(
                    mode: .signal, multiplierTiers: [MultiplierTier(min: fx("1000"), max: nil, multiplier: 3)]),
                "1000"
            ),
        ] as [(String, SizingConfig, String)])
    func hugeSignalTimesMultiplierIsSkippedAsTooLarge(signal: String, config: SizingConfig, cash: String) {
        switch Sizing.size(signalUSD: fx(signal), availableCash: fx(cash), config: config) {
        case .success(let d): Issue.record("expected SIZE_OUT_OF_RANGE, got \(d)")
        case .failure(let skip):
            #expect(skip.reason == .sizeOutOfRange)
            #expect(skip.detail.contains("too large"), "\(skip.detail)")
        }
    }

    @Test func percentOfAHugeBalanceDoesNotOverflowMidway() throws {
        // cash × 50 would exceed Int64 micros; cash × 50 ÷ 100 does not.
        let d = try Sizing.size(
            signalUSD: fx("1"), availableCash: fx("9000000000000"),
            config: SizingConfig(mode: .percent, percentOfCash: 50)
        ).get()
        #expect(d.amountUSD == fx("4500000000000"))
    }

    @Test func riskSumsNearTheRangeCompareInsteadOfTrapping() {
        let limits = RiskLimits(
            maxPositionSizeUSD: Fixed6.max, maxTotalExposureUSD: Fixed6.max, dailyBudgetUSD: Fixed6.max)
        let order = fx("9000000000000")
        let state = RiskState(availableCash: Fixed6.max, lockedCapital: Fixed6.max, dailySpentUSD: Fixed6.max)
        let skip = RiskChecks.evaluate(orderUSD: order, existingPositionUSD: Fixed6.max, limits: limits, state: state)
        #expect(skip?.reason == .positionLimit)
        let noPosition = RiskChecks.evaluate(orderUSD: order, limits: limits, state: state)
        #expect(noPosition?.reason == .exposureLimit)
    }
}
