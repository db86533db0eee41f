import Foundation
import LTCore
import Testing

@testable import LTPolymarket

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

@Suite("Venue response models")
struct ClientModelParsingTests {
    @Test func bookExposesBestLevelsWhateverTheWireOrder() throws {
        // Wire order: bids ascending, asks descending (best last).
        let book = try decode(
            OrderBook.self,
            """
            {"market":"0xc1","asset_id":"123","timestamp":"1767225600000","hash":"ab",
             "bids":[{"price":"0.45","size":"1000"},{"price":"0.47","size":"300"},{"price":"0.48","size":"120"}],
             "asks":[{"price":"0.55","size":"1000"},{"price":"0.51","size":"250"},{"price":"0.50","size":"100"}],
             "min_order_size":"5","tick_size":"0.01","neg_risk":false,"last_trade_price":""}
            """)
        #expect(book.bestBid == BookLevel(price: Fixed6(micros: 480_000), size: 120))
        #expect(book.bestAsk == BookLevel(price: Fixed6(micros: 500_000), size: 100))
        #expect(book.bidsBestFirst.map(\.price.plainText) == ["0.48", "0.47", "0.45"])
        #expect(book.asksBestFirst.map(\.price.plainText) == ["0.5", "0.51", "0.55"])
        #expect(book.tickSize == Fixed6(micros: 10_000))
        #expect(book.minOrderSize == 5)
        #expect(book.lastTradePrice == nil)
        let empty = try decode(OrderBook.self, #"{"market":"0xc1","asset_id":"9","bids":[],"asks":[]}"#)
        #expect(empty.bestBid == nil && empty.bestAsk == nil)
    }

    @Test func marketReadsNumbersExactlyAndFindsTheWinner() throws {
        let market = try decode(
            ClobMarket.self,
            """
            {"condition_id":"0xc1","question":"Q?","market_slug":"q","closed":true,"neg_risk":true,
             "minimum_order_size":5,"minimum_tick_size":0.001,"accepting_orders":false,
             "tokens":[{"token_id":"1","outcome":"Yes","price":0.9995,"winner":true},
                       {"token_id":"2","outcome":"No","price":0.0005,"winner":false}]}
            """)
        #expect(market.minimumTickSize == Fixed6(micros: 1_000))
        #expect(market.tokens[0].price == Fixed6(micros: 999_500))
        #expect(market.winningToken?.tokenID == "1")
        #expect(market.token(outcome: "no")?.tokenID == "2")
        #expect(market.negRisk && !market.acceptingOrders)
        let open = try decode(
            ClobMarket.self,
            """
            {"condition_id":"0xc2","closed":false,"tokens":[{"token_id":"1","outcome":"Yes","price":1,"winner":true}]}
            """)
        #expect(open.winningToken == nil)  // "winner" on an open market is not resolution
    }

    @Test func orderAndTradesParse() throws {
        let order = try decode(
            OpenOrder.self,
            """
            {"id":"0xo","status":"ORDER_STATUS_LIVE","side":"buy","original_size":"10","size_matched":"2.5",
             "price":"0.5","associate_trades":["t1"],"created_at":1767225600,"expiration":"0"}
            """)
        #expect(order.isResting && !order.isCanceled)
        #expect(order.side == .buy)
        #expect(order.sizeMatched == Fixed6(micros: 2_500_000))
        #expect(order.createdAt == "1767225600")
        let page = try decode(
            TradePage.self,
            """
            {"data":[{"id":"t1","taker_order_id":"0xo","side":"BUY","size":"10","price":"0.5",
              "status":"TRADE_STATUS_CONFIRMED","trader_side":"TAKER",
              "maker_orders":[{"order_id":"0xm","price":"0.5","matched_amount":"10","side":"SELL"}]}],
             "next_cursor":"LTE=","limit":100,"count":1}
            """)
        #expect(page.nextCursor == "LTE=")
        #expect(page.data[0].normalizedStatus == "CONFIRMED" && page.data[0].isFinal)
        #expect(page.data[0].makerOrders[0].matchedAmount == 10)
    }

    @Test func tradeSharesAreAttributedToTakerOrMakerOrders() throws {
        let trade = try decode(
            Trade.self,
            """
            {"id":"t","taker_order_id":"0xT","size":"12","price":"0.4","status":"MATCHED",
             "maker_orders":[{"order_id":"0xm1","price":"0.4","matched_amount":"5"},
                             {"order_id":"0xm2","price":"0.4","matched_amount":"7"}]}
            """)
        #expect(trade.matchedSize(forOrder: "0xt") == 12)
        #expect(trade.matchedSize(forOrder: "0xM2") == 7)
        #expect(trade.matchedSize(forOrder: "0xother") == nil)
        #expect(!trade.isFinal)
    }

    @Test func balancesAreBaseUnitsAndOrderPagesCarryCursors() throws {
        #expect(
            try decode(BalanceAnswer.self, #"{"balance":"1234567","allowances":{}}"#).balance
                == Fixed6(micros: 1_234_567))
        #expect(throws: (any Error).self) { try decode(BalanceAnswer.self, #"{"balance":"1.5"}"#) }
        let page = try decode(
            OrderPage.self,
            """
            {"data":[{"id":"0x1","status":"LIVE","original_size":"5","size_matched":"0"}],"next_cursor":"MQ=="}
            """)
        #expect(page.data.map(\.id) == ["0x1"] && page.nextCursor == "MQ==")
    }

    @Test func gammaAcceptsEncodedAndRealArrays() throws {
        let encoded = try decode(
            GammaMarket.self,
            """
            {"id":"12","conditionId":"0xc1","outcomes":"[\\"Yes\\", \\"No\\"]","clobTokenIds":"[\\"1\\", \\"2\\"]",
             "outcomePrices":"[\\"0.515\\", \\"0.485\\"]","closed":false,"negRisk":false,"orderPriceMinTickSize":0.01}
            """)
        #expect(encoded.outcomes == ["Yes", "No"])
        #expect(encoded.tokenID(outcome: "NO") == "2")
        #expect(encoded.outcomePrices == [Fixed6(micros: 515_000), Fixed6(micros: 485_000)])
        let arrays = try decode(
            GammaMarket.self,
            """
            {"id":12,"conditionId":"0xc1","outcomes":["Yes","No"],"clobTokenIds":["1","2"],"outcomePrices":[1,0]}
            """)
        #expect(arrays.outcomePrices == [1, 0])
        #expect(arrays.id == "12")
    }

    @Test func positionsReadJSONNumbersWithoutDouble() throws {
        // 0.1 + 0.2 style values: through Double these would not round-trip to the same text.
        let rows = try decode(
            [Position].self,
            """
            [{"proxyWallet":"0xw","asset":"1","conditionId":"0xc1","size":2500.123456,"avgPrice":0.44,
              "curPrice":0.3000000000000000444,"outcomeIndex":0,"redeemable":false,"cashPnl":-12.5}]
            """)
        #expect(rows[0].size == Fixed6(micros: 2_500_123_456))
        #expect(rows[0].avgPrice == Fixed6(micros: 440_000))
        #expect(rows[0].curPrice == Fixed6(micros: 300_000))
        #expect(rows[0].cashPnl == Fixed6(micros: -12_500_000))
        #expect(rows[0].outcomeIndex == 0)
    }

    @Test func garbageIsADecodingErrorNotACrash() {
        #expect(throws: (any Error).self) {
            try decode(OrderBook.self, #"{"asset_id":"1","bids":[{"price":"abc","size":"1"}]}"#)
        }
        #expect(throws: (any Error).self) { try decode(ClobMarket.self, #"{"tokens":[]}"#) }
    }
}

/// A trade's fee from its `fee_rate_bps` (the venue reports no amount): size × bps / 10⁴, rounded
/// up to the micro-unit, as docs/paper-exchange.md "Fees" defines (its `paper_fee` agrees).
@Suite struct TradeFeeTests {
    @Test(
        arguments: [
            ("80", "50", "0.4"), ("20", "49.5", "0.099"), ("10", "49.92", "0.04992"), ("3", "0.0000001", "0.000001"),
            ("100", "0", "0"), ("0", "50", "0"),
        ])
    func feeFromRate(shares: String, bps: String, expected: String) throws {
        #expect(TradeFee.fee(shares: try Fixed6(parsing: shares), rateBps: bps) == (try Fixed6(parsing: expected)))
    }

    @Test func missingOrMalformedRatesGiveNoFee() throws {
        #expect(TradeFee.fee(shares: .one, rateBps: nil) == nil)
        #expect(TradeFee.fee(shares: .one, rateBps: "abc") == nil)
        #expect(TradeFee.fee(shares: .one, rateBps: "-5") == nil)
    }
}
