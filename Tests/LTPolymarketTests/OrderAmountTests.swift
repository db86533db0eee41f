import LTCore
import Testing

@testable import LTPolymarket

/// order_amounts.json: every case's `unified` maker/taker amounts (the unified SDK's exact decimal
/// algorithm).
struct OrderAmountTests {
    nonisolated(unsafe) static let cases = Vectors.load("order_amounts.json")["cases"] as! [[String: Any]]
    static let ids = cases.map { $0["id"] as! String }

    @Test("order_amounts: unified algorithm", arguments: ids)
    func unifiedAmounts(id: String) throws {
        let c = Self.cases.first { $0["id"] as! String == id }!
        let side = Side(rawValue: c["side"] as! String)!
        let tick = try TickSize(parsing: c["tick"] as! String)
        let price = try ExactDecimal(parsing: c["price"] as! String)
        let amount = try ExactDecimal(parsing: c["amount"] as! String)
        let expected = c["unified"] as! [String: String]
        if c["kind"] as! String == "limit" {
            if c["on_grid"] as? Bool == false {
                #expect(throws: OrderValidationError.priceNotOnTick(price: price.description, tick: tick.rawValue)) {
                    try OrderAmounts.limit(side: side, price: price, size: amount, tick: tick)
                }
                return
            }
            let a = try OrderAmounts.limit(side: side, price: price, size: amount, tick: tick)
            #expect(String(a.makerAmount) == expected["makerAmount"])
            #expect(String(a.takerAmount) == expected["takerAmount"])
        } else {
            let a = try OrderAmounts.market(side: side, price: price, amount: amount, tick: tick)
            #expect(String(a.makerAmount) == expected["makerAmount"])
            #expect(String(a.takerAmount) == expected["takerAmount"])
        }
    }

    @Test func fixed6OverloadsAgreeWithExactDecimals() throws {
        let a = try OrderAmounts.limit(
            side: .buy, price: Fixed6(parsing: "0.57"), size: Fixed6(parsing: "17.8"), tick: .hundredth)
        #expect(a.makerAmount == 10_146_000 && a.takerAmount == 17_800_000)
        let m = try OrderAmounts.market(side: .buy, price: Fixed6(parsing: "0.57"), amount: 15, tick: .hundredth)
        #expect(m.makerAmount == 15_000_000 && m.takerAmount == 26_315_700)
    }

    @Test func validationErrorsAreTypedAndSpecific() throws {
        #expect(throws: OrderValidationError.unknownTickSize("0.02")) { try TickSize(parsing: "0.02") }
        #expect(try TickSize(parsing: "0.010") == .hundredth)
        #expect(throws: OrderValidationError.priceNotOnTick(price: "0.555", tick: "0.01")) {
            try OrderAmounts.limit(side: .buy, price: "0.555", size: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0.995", min: "0.01", max: "0.99")) {
            try OrderAmounts.limit(side: .buy, price: "0.995", size: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "1", min: "0.01", max: "0.99")) {
            try OrderAmounts.market(side: .buy, price: "1", amount: "10", tick: .hundredth)
        }
        // A market price is truncated before the range check: 0.995 trades as 0.99, 0.009 as 0.
        let m = try OrderAmounts.market(side: .buy, price: "0.995", amount: "9.9", tick: .hundredth)
        #expect(m.makerAmount == 9_900_000 && m.takerAmount == 10_000_000)
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0.009", min: "0.01", max: "0.99")) {
            try OrderAmounts.market(side: .sell, price: "0.009", amount: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0", min: "0.1", max: "0.9")) {
            try OrderAmounts.limit(side: .sell, price: "0", size: "10", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveSize("0")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "0", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveSize("-1")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "-1", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveAmount("0")) {
            try OrderAmounts.market(side: .buy, price: "0.5", amount: "0", tick: .tenth)
        }
        // Below the venue's 2-decimal size precision: rounds to nothing.
        #expect(throws: OrderValidationError.zeroAmount(makerAmount: 0, takerAmount: 0)) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "0.004", tick: .tenth)
        }
        #expect(throws: OrderValidationError.tooPrecise("0.1234567890123456789")) {
            try ExactDecimal(parsing: "0.1234567890123456789")
        }
        #expect(throws: OrderValidationError.invalidNumber("1e5")) { try ExactDecimal(parsing: "1e5") }
        #expect(throws: OrderValidationError.amountTooLarge("999999999999999")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "999999999999999", tick: .tenth)
        }
    }
}
