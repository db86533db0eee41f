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
        time: Date? = PoliciesSignalValidationTests.t0, unusableTime: String? = nil, tokenID: String? = nil
    ) -> FTSignalRow {
        FTSignalRow(
            orderID: "ft-1", walletID: "w1", orderTime: time, unusableOrderTime: unusableTime, side: side,
            conditionID: condition,
            tokenLabel: label, tokenID: tokenID, entryPrice: price, size: size, traderWallet: "0xabc")
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
        (row(price: "99999999999999999999999"), .invalidPrice),
        (row(size: nil), .invalidSize),
        (row(size: "99999999999999999999"), .sizeOutOfRange),
        (row(size: "9223372036854.775808"), .sizeOutOfRange),
        (row(condition: "0xabc"), .invalidCondition),
        (row(condition: "abab" + String(repeating: "ab", count: 31)), .invalidCondition),  // no 0x
        (row(condition: "0x" + String(repeating: "zz", count: 32)), .invalidCondition),
        (row(condition: PoliciesSignalValidationTests.condition + "ab"), .invalidCondition),
        (row(condition: String(repeating: "0", count: 10_000)), .fieldTooLong),
        (row(label: String(repeating: "Y", count: 10_000)), .fieldTooLong),
        (row(size: "0"), .invalidSize),
        (row(size: "-5"), .invalidSize),
        (row(size: "ten"), .invalidSize),
        (row(time: nil), .missingSignalTime),
        (row(time: nil, unusableTime: "infinity"), .futureSignal),
        (row(time: nil, unusableTime: "20000-01-01 00:00:00+00"), .futureSignal),
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

    /// Issue 9 §2 and §5: details an operator can act on.
    @Test(
        arguments: [
            (row(price: "0.0000001"), "entry_price '0.0000001' is below the smallest price unit 0.000001"),
            (row(price: "-0.0000001"), "entry_price '-0.0000001' is not strictly inside (0, 1)"),
            (row(price: "1.5"), "entry_price 1.5 is not strictly inside (0, 1)"),
            (row(size: "99999999999999999999"), "size '99999999999999999999' is too large"),
            (row(condition: "0xabc"), "condition_id '0xabc' (5 characters) is not 0x and 64 hex digits"),
            (row(condition: "0xab\n"), "condition_id '0xab\\n'"),
        ] as [(FTSignalRow, String)])
    func skipDetailsSayWhatIsWrong(row: FTSignalRow, detail: String) {
        guard case .failure(let skip) = SignalValidation.validate(row) else {
            Issue.record("expected a skip")
            return
        }
        #expect(skip.detail.hasPrefix(detail) || skip.detail.contains(detail), "\(skip.detail)")
    }

    @Test(arguments: SignalValidation.Field.allCases)
    func everyStoredTextFieldIsBounded(field: SignalValidation.Field) {
        var r = Self.row()
        let long = String(repeating: "x", count: field.maxLength + 1)
        let ok = String(repeating: "x", count: field.maxLength)
        func set(_ v: String) {
            switch field {
            case .orderID: r.orderID = v
            case .walletID: r.walletID = v
            case .conditionID: r.conditionID = v
            case .tokenID: r.tokenID = v
            case .traderWallet: r.traderWallet = v
            case .tokenLabel: r.tokenLabel = v
            case .marketSlug: r.marketSlug = v
            case .marketTitle: r.marketTitle = v
            }
        }
        set(long)
        guard case .failure(let skip) = SignalValidation.validate(r) else {
            Issue.record("an over-long \(field.rawValue) must be skipped")
            return
        }
        #expect(skip.reason == .fieldTooLong)
        #expect(skip.detail.hasPrefix("\(field.rawValue) is \(field.maxLength + 1) bytes long"))
        set(ok)
        #expect(SignalValidation.oversizedField(r) == nil)
        // Even a SELL row (recorded, not traded) is refused before anything quotes or stores it.
        set(long)
        r.side = "SELL"
        #expect((try? SignalValidation.validate(r).get()) == nil)
        #expect(SignalValidation.oversizedField(r)?.reason == .fieldTooLong)
    }

    @Test func lengthIsCountedInBytesAndTruncationKeepsCharactersWhole() {
        let label = String(repeating: "é", count: 200)  // 400 bytes
        #expect(SignalValidation.validate(Self.row(label: label)).failureReason == .fieldTooLong)
        let cut = SignalValidation.truncated(label, to: .tokenLabel)
        #expect(cut.utf8.count == 256 && cut.count == 128)
        #expect(SignalValidation.truncated("short", to: .orderID) == "short")
    }

    @Test func validRowBecomesANormalizedBuySignal() throws {
        let r = Self.row(
            side: " buy ", condition: Self.condition.uppercased(), label: " Yes ", price: "0.5500000",
            size: "15.129999", unusableTime: "ignored: the time is usable", tokenID: "123456789")
        #expect(r.unusableOrderTime == nil)
        let s = try SignalValidation.validate(r).get()
        #expect(s.conditionID == Self.condition)
        #expect(s.tokenLabel == "Yes")
        #expect(s.price == fx("0.55"))
        #expect(s.sizeUSD == fx("15.129999"))
        #expect(s.tokenID == "123456789")
        #expect(s.signalTime == Self.t0)
    }

    @Test func nonNumericTokenIDIsIgnoredAndResolvedLater() throws {
        let s = try SignalValidation.validate(Self.row(tokenID: "0xdeadbeef")).get()
        #expect(s.tokenID == nil)
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
            (300, -60.0, false),  // dated in the future within the clock-skew allowance: age 0
        ] as [(Int?, Double, Bool)])
    func staleness(maxAge: Int?, ageSeconds: Double, stale: Bool) {
        let now = Self.t0.addingTimeInterval(ageSeconds)
        let skip = Staleness.check(signalTime: Self.t0, now: now, maxAgeSeconds: maxAge)
        #expect((skip?.reason == .staleSignal) == stale)
        #expect((skip == nil) == !stale)
    }

    @Test(
        arguments: [
            (300, -61.0), (300, -120.0), (nil, -86_400.0 * 365),  // a year ahead, no age limit set
        ] as [(Int?, Double)])
    func signalDatedBeyondTheSkewAllowanceIsAFutureSignal(maxAge: Int?, ageSeconds: Double) {
        let now = Self.t0.addingTimeInterval(ageSeconds)
        let skip = Staleness.check(signalTime: Self.t0, now: now, maxAgeSeconds: maxAge)
        #expect(skip?.reason == .futureSignal)
        #expect(skip?.detail.contains("in the future") == true)
        #expect(Staleness.maxClockSkewSeconds == 60)
    }

    @Test func homoglyphLabelShowsItsCodePoints() {
        let tokens = [
            TokenResolution.MarketToken(tokenID: "111", outcome: "Yes"),
            TokenResolution.MarketToken(tokenID: "222", outcome: "No"),
        ]
        guard case .failure(let skip) = TokenResolution.resolve(label: "Y\u{0435}s", in: tokens) else {
            Issue.record("a Cyrillic е must not match Yes")
            return
        }
        #expect(skip.detail.hasPrefix("label \"Y\u{0435}s\" (U+0059 U+0435 U+0073) is not an outcome of the market"))
        // Plain ASCII labels stay short; control characters are escaped.
        guard case .failure(let ascii) = TokenResolution.resolve(label: "Maybe", in: tokens),
            case .failure(let control) = TokenResolution.resolve(label: "Yes\u{1b}[31m", in: tokens)
        else { return }
        #expect(ascii.detail.hasPrefix("label \"Maybe\" is not an outcome of the market"))
        #expect(!control.detail.contains("\u{1b}"))
        #expect(control.detail.contains("\\u{1b}"))
    }

    @Test func tokenResolutionMatchesLabelsCaseInsensitively() throws {
        let tokens = [
            TokenResolution.MarketToken(tokenID: "111", outcome: "Yes"),
            TokenResolution.MarketToken(tokenID: "222", outcome: "No"),
        ]
        #expect(try TokenResolution.resolve(label: "yes", in: tokens).get().tokenID == "111")
        #expect(try TokenResolution.resolve(label: " NO", in: tokens).get().tokenID == "222")
        guard case .failure(let skip) = TokenResolution.resolve(label: "Maybe", in: tokens) else {
            Issue.record("unknown label must not resolve")
            return
        }
        #expect(skip.reason == .unknownOutcome)
        // Ambiguous (two tokens with the same label) is refused rather than guessed.
        let dup = tokens + [TokenResolution.MarketToken(tokenID: "333", outcome: "yes")]
        #expect(throws: Skip.self) { try TokenResolution.resolve(label: "Yes", in: dup).get() }
    }

    @Test func skipReasonRawValuesAreStable() {
        // Stored in lt_orders.skip_reason: renaming one breaks operators' queries.
        #expect(
            SkipReason.allCases.map(\.rawValue) == [
                "INVALID_SIDE", "NOT_AN_ENTRY", "INVALID_PRICE", "INVALID_SIZE", "UNKNOWN_OUTCOME", "MISSING_CONDITION",
                "INVALID_CONDITION", "FIELD_TOO_LONG", "SIZE_OUT_OF_RANGE", "MISSING_SIGNAL_TIME", "STALE_SIGNAL",
                "FUTURE_SIGNAL", "INVALID_CONFIG", "BELOW_MINIMUM", "INSUFFICIENT_CASH",
                "POSITION_LIMIT", "EXPOSURE_LIMIT", "DAILY_BUDGET", "DAILY_LOSS_LIMIT", "CIRCUIT_BREAKER", "HALTED",
                "REDUCE_ONLY", "MARKET_UNAVAILABLE", "TOKEN_MISMATCH", "EMPTY_BOOK", "PRICE_MOVED",
                "INSUFFICIENT_DEPTH",
                "PRICE_OUT_OF_RANGE", "BELOW_MIN_SIZE",
            ])
    }
}

extension Result where Failure == Skip {
    var failureReason: SkipReason? {
        if case .failure(let s) = self { return s.reason }
        return nil
    }
}
