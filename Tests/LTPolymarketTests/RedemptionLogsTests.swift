import BigInt
import Foundation
import LTChain
import Testing

@testable import LTPolymarket

/// Reading a redemption's payout from its receipt's logs (RedemptionLogs): the event topics, the
/// log layout, and which log pays the holding wallet on each path.
struct RedemptionLogsTests {
    static let holder = try! Address(hex: "0x00000000000000000000000000000000000000a1")
    static let other = try! Address(hex: "0x00000000000000000000000000000000000000b2")
    static let cid = [UInt8](repeating: 0x11, count: 32)

    /// keccak256 of the signatures, computed outside this code base (a stand-alone Keccak-f[1600]
    /// in Python, checked against the well-known Transfer topic and keccak256("") = c5d2…a470).
    @Test func eventTopicsAreTheKeccakOfTheSignatures() {
        #expect(
            Hex.encode(RedemptionLogs.payoutRedemptionTopic)
                == "0x2682012a4a4f1973119f1c9b90745d1bd91fa2bab387344f044cb3586864d18d")
        #expect(
            Hex.encode(RedemptionLogs.transferTopic)
                == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }

    /// The CTF's log as a node answers it, written out by hand: three indexed topics, then
    /// conditionId ‖ offset of indexSets (0x60) ‖ payout ‖ indexSets.length ‖ 1 ‖ 2.
    @Test func aHandWrittenPayoutRedemptionLogParses() throws {
        func w(_ hex: String) -> String { String(repeating: "0", count: 64 - hex.count) + hex }
        let data = "0x" + String(repeating: "11", count: 32) + w("60") + w("1c9c380") + w("2") + w("1") + w("2")
        let json: [Any] = [
            [
                "address": "0x4d97dcd97ec945f40cf65f87097ace5ea0476045",
                "topics": [
                    "0x2682012a4a4f1973119f1c9b90745d1bd91fa2bab387344f044cb3586864d18d", "0x" + w("a1"),
                    "0x" + w("2791bca1f2de4661ed88a30c99a7a9449aa84174"), "0x" + w(""),
                ],
                "data": data, "logIndex": "0x0",
            ]
        ]
        let logs = try #require(RedemptionLogs.parse(json: json))
        #expect(RedemptionLogs.payout(logs: logs, holder: Self.holder) == BigUInt(30_000_000))
        // The builder the paper chain uses writes the same log.
        let built = RedemptionLogs.payoutRedemptionLog(
            redeemer: Self.holder, collateral: PolymarketContracts.usdcE, conditionID: Self.cid, indexSets: [1, 2],
            payout: 30_000_000)
        #expect(built == logs[0])
        #expect(Hex.encode(built.data) == data)
        // A malformed log makes the whole list unreadable rather than silently shorter.
        #expect(RedemptionLogs.parse(json: [["address": "0x12", "topics": [], "data": "0x"]]) == nil)
        #expect(RedemptionLogs.parse(json: "not a list") == nil)
    }

    static func redemption(by redeemer: Address, _ payout: BigUInt) -> ReceiptLog {
        RedemptionLogs.payoutRedemptionLog(
            redeemer: redeemer, collateral: PolymarketContracts.usdcE, conditionID: cid, indexSets: [1, 2],
            payout: payout)
    }

    static func transfer(_ token: Address, from: Address, to: Address, _ v: BigUInt) -> ReceiptLog {
        RedemptionLogs.transferLog(token: token, from: from, to: to, value: v)
    }

    static let cases: [(String, [ReceiptLog], BigUInt?)] = [
        (
            "v1: the holder redeems on the CTF (its event and the USDC.e transfer count once)",
            [
                redemption(by: holder, 30_000_000),
                transfer(
                    PolymarketContracts.usdcE, from: PolymarketContracts.conditionalTokens, to: holder, 30_000_000),
            ], 30_000_000
        ),
        (
            "V2: the CollateralAdapter redeems and pays pUSD",
            [
                transfer(
                    PolymarketContracts.usdcE, from: PolymarketContracts.conditionalTokens,
                    to: PolymarketContracts.collateralAdapter, 25_000_000),
                redemption(by: PolymarketContracts.collateralAdapter, 25_000_000),
                transfer(
                    PolymarketContracts.collateral, from: PolymarketContracts.collateralAdapter, to: holder,
                    25_000_000),
            ], 25_000_000
        ),
        (
            "neg-risk v1: the NegRiskAdapter pays USDC.e",
            [
                redemption(by: PolymarketContracts.negRiskAdapter, 7_500_000),
                transfer(PolymarketContracts.usdcE, from: PolymarketContracts.negRiskAdapter, to: holder, 7_500_000),
            ], 7_500_000
        ),
        ("a losing side: redeemed, nothing paid", [redemption(by: holder, 0)], 0),
        ("no logs: the receipt does not say", [], nil),
        (
            "a transfer to another wallet is not the holder's payout",
            [transfer(PolymarketContracts.collateral, from: PolymarketContracts.collateralAdapter, to: other, 9)], nil
        ),
        (
            "a token that is not collateral is ignored",
            [transfer(PolymarketContracts.negRiskAdapter, from: other, to: holder, 9)], nil
        ),
        (
            "a PayoutRedemption not emitted by the CTF is ignored",
            [
                ReceiptLog(
                    address: other, topics: redemption(by: holder, 5).topics, data: redemption(by: holder, 5).data)
            ], nil
        ),
    ]

    @Test(arguments: cases.indices)
    func payoutByPath(_ i: Int) {
        let (name, logs, want) = Self.cases[i]
        #expect(RedemptionLogs.payout(logs: logs, holder: Self.holder) == want, "\(name)")
    }
}
