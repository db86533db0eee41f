import Foundation
import Testing

@testable import LTCore

/// redeem's pure decisions (issue 13), table-driven: which rows are due and how they group, the
/// backoff, fees under the operator's cap, the gas margin, and what the receipts of a nonce decide.
@Suite struct RedeemRulesTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static func row(
        _ id: Int64, wallet: String = "main", condition: String = "0xa", status: RedemptionStatus = .pending,
        next: Date? = nil, negRisk: Bool = false
    ) -> RedemptionRow {
        RedemptionRow(
            ltOrderID: id, strategyID: "s\(id)", wallet: wallet, conditionID: condition, tokenID: "\(id)",
            label: "Yes", negRisk: negRisk, status: status, nextAttemptAt: next, booksPayout: .one)
    }

    @Test func groupsByWalletAndConditionAndSkipsWhatIsNotDue() {
        let rows = [
            Self.row(1), Self.row(2, condition: "0xA"), Self.row(3, wallet: "other"),
            Self.row(4, condition: "0xb", status: .failed, next: Self.now.addingTimeInterval(60)),
            Self.row(5, condition: "0xc", status: .failed, next: Self.now.addingTimeInterval(-1)),
            Self.row(6, condition: "0xd", status: .lossConfirmed), Self.row(7, condition: "0xe", status: .redeemed),
            Self.row(8, condition: "0xf", status: .submitted, negRisk: true),
        ]
        let groups = RedeemRules.groups(rows, now: Self.now)
        let keys = groups.map { "\($0.wallet) \($0.conditionID.lowercased()) \($0.ltOrderIDs)" }
        // Condition ids compare case-insensitively: rows 1 and 2 are one transaction.
        #expect(keys == ["main 0xa [1, 2]", "main 0xc [5]", "main 0xf [8]", "other 0xa [3]"])
        #expect(groups[2].negRisk)
        #expect(groups[0].booksPayout == Fixed6(micros: 2_000_000))
    }

    @Test(arguments: [(0, 900.0), (1, 900), (2, 1800), (3, 3600), (7, 57_600), (8, 86_400), (40, 86_400)])
    func backoffDoublesFromFifteenMinutesToADay(attempts: Int, seconds: Double) {
        #expect(RedeemRules.backoff(attempts: attempts) == seconds)
    }

    @Test func feesAreTwiceTheBaseFeePlusTipCappedAndRefusedWhenTheCapCannotCoverThem() {
        let gwei: Int64 = 1_000_000_000
        let cap = 500 * gwei
        // (base, tip, cap) → (maxFee, tip) or nil.
        let table: [(Int64, Int64, Int64, (Int64, Int64)?)] = [
            (30 * gwei, 30 * gwei, cap, (90 * gwei, 30 * gwei)),
            (300 * gwei, 30 * gwei, cap, (500 * gwei, 30 * gwei)),  // capped, still ≥ base + tip
            (480 * gwei, 30 * gwei, cap, nil),  // the cap cannot cover base + tip: would never mine
            (30 * gwei, 30 * gwei, 1 * gwei, nil),
            (0, 0, cap, (0, 0)),
        ]
        for (base, tip, c, want) in table {
            let got = RedeemRules.fees(baseFeeWei: base, priorityFeeWei: tip, capWei: c)
            #expect(got?.maxFee == want?.0 && got?.priority == want?.1, "base \(base) tip \(tip) cap \(c)")
        }
    }

    @Test func gasLimitAddsAQuarter() {
        #expect(RedeemRules.gasLimit(estimate: 300_000) == 375_000)
        #expect(RedeemRules.gasLimit(estimate: 3) == 3)
    }

    @Test func receiptsOfTheNonceDecide() {
        let ok = ReceiptResult.mined(success: true, payout: .one)
        let reverted = ReceiptResult.mined(success: false, payout: nil)
        let table: [([(String, ReceiptResult)], RedeemRules.Tracking)] = [
            ([("h1", .notFound)], .rebroadcast),
            ([("h1", ok)], .redeemed(hash: "h1", payout: .one)),
            ([("h1", reverted)], .reverted(hash: "h1")),
            // A fee bump: whichever of the nonce's hashes is mined decides.
            ([("h1", .notFound), ("h2", ok)], .redeemed(hash: "h2", payout: .one)),
            ([("h1", reverted), ("h2", ok)], .redeemed(hash: "h2", payout: .one)),
            ([("h1", .unreadable("x")), ("h2", .notFound)], .unknown("x")),
            ([("h1", .unreadable("x")), ("h2", reverted)], .reverted(hash: "h2")),
        ]
        for (receipts, want) in table {
            #expect(RedeemRules.track(receipts.map { (hash: $0.0, result: $0.1) }) == want, "\(receipts)")
        }
    }

    @Test func aFeeBumpRaisesBothFeesByAnEighthWithinTheCap() {
        let gwei: Int64 = 1_000_000_000
        // Old 90/30 gwei, chain 30/30 now → 101.25/33.75.
        var got = RedeemRules.bumpedFees(
            oldMaxFee: 90 * gwei, oldPriority: 30 * gwei, baseFeeWei: 30 * gwei, priorityFeeWei: 30 * gwei,
            capWei: 500 * gwei)
        #expect(got?.maxFee == 101_250_000_000 && got?.priority == 33_750_000_000)
        // The chain's fees rose more: a replacement pays what a new transaction would.
        got = RedeemRules.bumpedFees(
            oldMaxFee: 90 * gwei, oldPriority: 30 * gwei, baseFeeWei: 100 * gwei, priorityFeeWei: 40 * gwei,
            capWei: 500 * gwei)
        #expect(got?.maxFee == 240 * gwei && got?.priority == 40 * gwei)
        // At the cap: no room for +12.5 %.
        #expect(
            RedeemRules.bumpedFees(
                oldMaxFee: 480 * gwei, oldPriority: 30 * gwei, baseFeeWei: 30 * gwei, priorityFeeWei: 30 * gwei,
                capWei: 500 * gwei) == nil)
    }
}
