import Foundation
import Testing

@testable import LTCore

@Suite struct Fixed6Tests {
    @Test(
        arguments: [
            ("0", 0), ("0.000001", 1), ("-0.000001", -1), ("12.34", 12_340_000), ("+3", 3_000_000),
            (".5", 500_000), ("9223372036854.775807", Int64.max), ("-9223372036854.775807", -Int64.max),
            ("1.500000000", 1_500_000), (" 7.25\n", 7_250_000),
        ] as [(String, Int64)])
    func parses(text: String, micros: Int64) throws {
        #expect(try Fixed6(parsing: text).micros == micros)
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "1e6", "abc", "1,5", "0x10"])
    func rejectsNonDecimals(text: String) {
        #expect(throws: Fixed6Error.self) { try Fixed6(parsing: text) }
    }

    @Test func rejectsExcessPrecisionUnlessRounding() throws {
        #expect(throws: Fixed6Error.tooManyDecimals("0.0000015")) { try Fixed6(parsing: "0.0000015") }
        #expect(try Fixed6(parsing: "0.0000015", rounding: .halfEven).micros == 2)
        #expect(try Fixed6(parsing: "0.0000025", rounding: .halfEven).micros == 2)
        #expect(try Fixed6(parsing: "-0.0000015", rounding: .floor).micros == -2)
        #expect(try Fixed6(parsing: "-0.0000015", rounding: .down).micros == -1)
    }

    @Test func rejectsOverflow() {
        #expect(throws: Fixed6Error.overflow) { try Fixed6(parsing: "9223372036854.775808") }
        #expect(throws: Fixed6Error.overflow) { try Fixed6(parsing: "100000000000000") }
    }

    @Test(arguments: [
        (Int64(0), "0.000000", "0"), (1, "0.000001", "0.000001"), (-1, "-0.000001", "-0.000001"),
        (12_500_000, "12.500000", "12.5"), (-3_000_000, "-3.000000", "-3"),
        (Int64.max, "9223372036854.775807", "9223372036854.775807"),
    ])
    func formats(micros: Int64, exact: String, plain: String) throws {
        let v = Fixed6(micros: micros)
        #expect(v.exactText == exact)
        #expect(v.plainText == plain)
        #expect(try Fixed6(parsing: exact) == v)
        #expect(try Fixed6(parsing: plain) == v)
    }

    @Test func multiplyAndDivideRoundExplicitly() {
        let usd = Fixed6(micros: 15_000_000)  // $15
        let price = Fixed6(micros: 570_000)  // 0.57
        #expect(usd.divided(by: price, rounding: .down).micros == 26_315_789)
        #expect(usd.divided(by: price, rounding: .up).micros == 26_315_790)
        let shares = Fixed6(micros: 26_315_789)
        #expect(shares.multiplied(by: price, rounding: .halfEven).micros == 15_000_000)  // 14.99999973
        #expect(shares.multiplied(by: price, rounding: .down).micros == 14_999_999)
        #expect(Fixed6(micros: 5).multiplied(by: Fixed6(micros: 500_000), rounding: .halfEven).micros == 2)
        #expect(Fixed6(micros: 7).multiplied(by: Fixed6(micros: 500_000), rounding: .halfEven).micros == 4)
        #expect(Fixed6(micros: 5).multiplied(by: Fixed6(micros: 500_000), rounding: .halfUp).micros == 3)
        #expect(Fixed6(micros: -5).multiplied(by: Fixed6(micros: 500_000), rounding: .floor).micros == -3)
        #expect(Fixed6(micros: -5).multiplied(by: Fixed6(micros: 500_000), rounding: .ceiling).micros == -2)
    }

    @Test func roundsToPlacesAndTicks() throws {
        let v = try Fixed6(parsing: "19.994999")
        #expect(v.rounded(toPlaces: 2, .down) == (try Fixed6(parsing: "19.99")))
        #expect(v.rounded(toPlaces: 2, .halfEven) == (try Fixed6(parsing: "19.99")))
        #expect(v.rounded(toPlaces: 2, .up) == (try Fixed6(parsing: "20")))
        #expect(v.formatted(places: 2) == "19.99")
        let tick = try Fixed6(parsing: "0.005")
        #expect(try Fixed6(parsing: "0.537").rounded(toMultipleOf: tick, .floor) == (try Fixed6(parsing: "0.535")))
        #expect(try Fixed6(parsing: "0.535").isMultiple(of: tick))
        #expect(!(try Fixed6(parsing: "0.537").isMultiple(of: tick)))
        #expect(try Fixed6(parsing: "1.25").fractionalDigits == 2)
        #expect(Fixed6.zero.fractionalDigits == 0)
    }

    @Test func jsonIsExactText() throws {
        let v = try Fixed6(parsing: "0.1")
        let data = try JSONEncoder().encode([v])
        #expect(String(decoding: data, as: UTF8.self) == "[\"0.1\"]")
        let fromNumber = try JSONDecoder().decode([Fixed6].self, from: Data("[0.1, 3, \"2.25\"]".utf8))
        #expect(fromNumber == [v, Fixed6(3), try Fixed6(parsing: "2.25")])
    }
}
