import Foundation
import Logging
import Testing

@testable import LTCore

/// The redeem job's order of effects with in-memory ports: the durable record comes before the
/// broadcast, a recorded transaction is only ever rebroadcast, and rows that join a group while its
/// transaction is in flight wait for it.
@Suite struct RedeemJobTests {
    final class Store: RedeemStore {
        var rows: [RedemptionRow]
        var log: [String] = []
        init(_ rows: [RedemptionRow]) { self.rows = rows }
        func redemptionRows(now: Date) throws -> [RedemptionRow] { rows }
        func recordSubmission(ltOrderIDs: [Int64], submission: RedemptionSubmission, at: Date) throws -> Bool {
            log.append("record \(ltOrderIDs) \(submission.hashes)")
            for i in rows.indices where ltOrderIDs.contains(rows[i].ltOrderID) {
                rows[i].status = .submitted
                rows[i].submission = submission
            }
            return true
        }
        func recordBump(ltOrderIDs: [Int64], submission: RedemptionSubmission, at: Date) throws -> Bool {
            log.append("bump \(ltOrderIDs)")
            return true
        }
        /// wallet + condition → the transaction that redeemed them.
        var redeemedTx: [String: String] = [:]
        func markRedeemed(ltOrderIDs: [Int64], txHash: String, at: Date) throws {
            log.append("redeemed \(ltOrderIDs) \(txHash)")
            for r in rows where ltOrderIDs.contains(r.ltOrderID) { redeemedTx[r.wallet + r.conditionID] = txHash }
        }
        func redeemedBy(wallet: String, conditionID: String) throws -> String? { redeemedTx[wallet + conditionID] }
        func markFailed(ltOrderIDs: [Int64], reason: String, nextAttemptAt: Date, countAttempt: Bool, at: Date) throws {
            log.append("failed \(ltOrderIDs)")
        }
        func noteWaiting(ltOrderIDs: [Int64], reason: String, at: Date) throws { log.append("wait \(ltOrderIDs)") }
        var approvals: [String: AdapterApproval] = [:]
        func approval(_ need: ApprovalNeed) throws -> AdapterApproval? { approvals[need.key] }
        func approvalsInFlight() throws -> [ApprovalNeed] {
            approvals.filter { $0.value.status == .submitted }.keys.sorted().map { _ in
                ApprovalNeed(wallet: "main", holder: "0xowner", operatorAddress: "0xadapter", operatorName: "A")
            }
        }
        func recordApproval(_ need: ApprovalNeed, submission: RedemptionSubmission, at: Date) throws -> Bool {
            log.append("record approval \(submission.hashes)")
            guard approvals[need.key]?.status != .submitted else { return false }
            approvals[need.key] = AdapterApproval(status: .submitted, submission: submission, attempts: 1)
            return true
        }
        func recordApprovalBump(_ need: ApprovalNeed, submission: RedemptionSubmission, at: Date) throws -> Bool {
            false
        }
        func markApprovalConfirmed(_ need: ApprovalNeed, txHash: String, at: Date) throws {
            log.append("approval confirmed \(txHash)")
            approvals[need.key]?.status = .confirmed
        }
        func markApprovalFailed(_ need: ApprovalNeed, reason: String, nextAttemptAt: Date, at: Date) throws {
            approvals[need.key]?.status = .failed
        }
    }

    final class Chain: RedemptionChain {
        let store: Store
        var mined: Set<String> = []
        var mineOnBroadcast = true
        var unreachable = false
        var noTokens = false
        init(_ store: Store) { self.store = store }
        /// The EOA has not approved the adapter until the approval transaction is mined.
        var approved = true
        func prepare(_ group: RedemptionGroup) -> Preparation {
            store.log.append("prepare \(group.ltOrderIDs)")
            if noTokens { return .wait("no tokens of the condition in the wallet") }
            if !approved {
                return .approve(
                    ApprovalNeed(wallet: "main", holder: "0xowner", operatorAddress: "0xadapter", operatorName: "A"))
            }
            return .send(
                PreparedRedemption(
                    submission: RedemptionSubmission(
                        sender: "0xowner", nonce: 7, rawTx: "0x02raw", hashes: ["0xh"], maxFeePerGasWei: 1,
                        maxPriorityFeePerGasWei: 1, gasLimit: 1),
                    route: "EOA"))
        }
        func prepareApproval(_ need: ApprovalNeed) -> Preparation {
            store.log.append("prepare approval")
            return .send(
                PreparedRedemption(
                    submission: RedemptionSubmission(
                        sender: "0xowner", nonce: 6, rawTx: "0x02approve", hashes: ["0xa"], maxFeePerGasWei: 1,
                        maxPriorityFeePerGasWei: 1, gasLimit: 1),
                    route: "EOA"))
        }
        func broadcast(rawTx: String) -> BroadcastResult {
            store.log.append("broadcast \(rawTx)")
            if unreachable { return .unreachable("timeout") }
            if rawTx == "0x02approve" {
                if mineOnBroadcast {
                    mined.insert("0xa")
                    approved = true
                }
                return .accepted
            }
            if mineOnBroadcast { mined.insert("0xh") }
            return .accepted
        }
        func receipt(hash: String, wallet: String?) -> ReceiptResult {
            mined.contains(hash) ? .mined(success: true, payout: wallet == nil ? nil : .one) : .notFound
        }
        func transactionKnown(hash: String) -> Bool? { mined.contains(hash) }
        func sender(wallet: String) -> String? { wallet == "unreadable" ? nil : "0x" + wallet }
        func bump(_ s: RedemptionSubmission, wallet: String) -> FeeBump { .cannot("test") }
    }

    final class NoLedger: Ledger {
        func apply(_ entry: LedgerEntry) throws -> LedgerOutcome { fatalError("redeem moves no cash") }
        func strategiesWithMaturedCooldown(now: Date) throws -> [String] { [] }
        func releaseMaturedCooldown(strategyID: String, now: Date) throws -> Fixed6 { .zero }
        func strategiesDueForReset(day: UTCDay) throws -> (due: [String], total: Int) { ([], 0) }
        func resetDailyCounters(strategyID: String, day: UTCDay, at: Date) throws -> Bool? { nil }
    }

    static func row(
        _ id: Int64, _ status: RedemptionStatus = .pending, submission: RedemptionSubmission? = nil,
        condition: String = "0xa"
    ) -> RedemptionRow {
        RedemptionRow(
            ltOrderID: id, strategyID: "s", wallet: "main", conditionID: condition, tokenID: "1", label: "Yes",
            negRisk: false, status: status, submission: submission, booksPayout: .one)
    }

    func job(_ store: Store, _ chain: Chain) -> RedeemJob {
        RedeemJob(
            store: store, ledger: NoLedger(), chain: chain, now: { Date(timeIntervalSince1970: 1_767_225_600) },
            logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test func recordsBeforeBroadcastingThenConfirms() throws {
        let store = Store([Self.row(1), Self.row(2)])
        let summary = try job(store, Chain(store)).run()
        #expect(
            store.log == ["prepare [1, 2]", "record [1, 2] [\"0xh\"]", "broadcast 0x02raw", "redeemed [1, 2] 0xh"])
        #expect(summary.redeemed.count == 1 && summary.redeemed[0].difference == .zero - Fixed6.one)
    }

    @Test func aRecordedTransactionIsRebroadcastNeverPreparedAgainAndLateRowsWait() throws {
        let s = RedemptionSubmission(
            sender: "0xowner", nonce: 7, rawTx: "0x02raw", hashes: ["0xh"], maxFeePerGasWei: 1,
            maxPriorityFeePerGasWei: 1, gasLimit: 1, submittedAt: Date(timeIntervalSince1970: 1_767_225_500))
        let store = Store([Self.row(1, .submitted, submission: s), Self.row(2)])
        let chain = Chain(store)
        let summary = try job(store, chain).run()
        // Row 2 joined while the transaction was in flight: it redeemed row 2's tokens too.
        #expect(store.log == ["broadcast 0x02raw", "redeemed [1] 0xh", "redeemed [2] 0xh"])
        #expect(summary.redeemed.first?.ltOrderIDs == [1])
    }

    /// A row resolved after its wallet and condition were redeemed finds no tokens: the earlier
    /// transaction paid it, so it is REDEEMED by that hash instead of waiting forever.
    @Test func aLateRowIsRedeemedByTheEarlierTransaction() throws {
        let store = Store([Self.row(3)])
        store.redeemedTx["main0xa"] = "0xearlier"
        let chain = Chain(store)
        chain.noTokens = true
        let summary = try job(store, chain).run()
        #expect(store.log == ["prepare [3]", "redeemed [3] 0xearlier"])
        #expect(summary.redeemed.map(\.txHash) == ["0xearlier"])
        // Without an earlier redemption the row waits, saying why.
        let alone = Store([Self.row(4)])
        let c2 = Chain(alone)
        c2.noTokens = true
        _ = try job(alone, c2).run()
        #expect(alone.log == ["prepare [4]", "wait [4]"])
    }

    /// An unanswered broadcast may not be in the pool, so the sender's pending nonce may not count
    /// it: no second transaction of that sender is signed in the same run.
    @Test func anUnansweredBroadcastBlocksTheSendersOtherGroupsThisRun() throws {
        let store = Store([Self.row(1), Self.row(2, condition: "0xb")])
        let chain = Chain(store)
        chain.unreachable = true
        let summary = try job(store, chain).run()
        #expect(store.log == ["prepare [1]", "record [1] [\"0xh\"]", "broadcast 0x02raw", "prepare [2]"])
        #expect(summary.waiting.map(\.ltOrderIDs) == [[2]])
    }

    /// An EOA's missing adapter approval: its own transaction, recorded before its broadcast, then
    /// the redemption in the same run; a second condition of the wallet does not send another.
    @Test func anEOAsApprovalIsRecordedSentAndConfirmedOnceBeforeItsRedemptions() throws {
        let store = Store([Self.row(1), Self.row(2, condition: "0xb")])
        let chain = Chain(store)
        chain.approved = false
        let summary = try job(store, chain).run()
        #expect(
            store.log == [
                "prepare [1]", "prepare approval", "record approval [\"0xa\"]", "broadcast 0x02approve",
                "approval confirmed 0xa", "prepare [1]", "record [1] [\"0xh\"]", "broadcast 0x02raw",
                "redeemed [1] 0xh",
                "prepare [2]", "record [2] [\"0xh\"]", "broadcast 0x02raw", "redeemed [2] 0xh",
            ])
        #expect(summary.approvals.count == 2 && summary.redeemed.count == 2)
    }

    /// An approval not mined at once: both groups of the wallet wait for it, nothing else is signed;
    /// the next run rebroadcasts the recorded approval instead of signing a new one.
    @Test func anUnminedApprovalIsOnlyRebroadcastAndItsGroupsWait() throws {
        let store = Store([Self.row(1), Self.row(2, condition: "0xb")])
        let chain = Chain(store)
        chain.approved = false
        chain.mineOnBroadcast = false
        var summary = try job(store, chain).run()
        #expect(
            store.log == [
                "prepare [1]", "prepare approval", "record approval [\"0xa\"]", "broadcast 0x02approve", "wait [1]",
                "prepare [2]", "wait [2]",
            ])
        #expect(summary.waiting.count == 2)
        store.log = []
        chain.mineOnBroadcast = true
        summary = try job(store, chain).run()
        // The approval in flight is settled first, before any group is prepared.
        #expect(store.log.prefix(3) == ["broadcast 0x02approve", "approval confirmed 0xa", "prepare [1]"])
        #expect(!store.log.contains("prepare approval") && summary.redeemed.count == 2)
    }

    /// `--shard i/n` splits by the sending EOA: every group lands in exactly one shard, and a
    /// wallet whose sender cannot be read in shard 0 (which reports it).
    @Test func shardsSplitTheGroupsBySenderWithNoGroupInTwo() throws {
        let wallets = ["main", "w1", "w2", "w3", "w4", "w5", "unreadable"]
        var seen: [String: Int] = [:]
        for i in 0..<2 {
            let store = Store(
                wallets.enumerated().map { n, w in
                    var r = Self.row(Int64(n + 1))
                    r.wallet = w
                    return r
                })
            let summary = try RedeemJob(
                store: store, ledger: NoLedger(), chain: Chain(store), shard: Shard(parsing: "\(i)/2"),
                now: { Date(timeIntervalSince1970: 1_767_225_600) },
                logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
            ).run()
            for r in summary.redeemed { seen[r.wallet, default: 0] += 1 }
            if i == 0 { #expect(summary.redeemed.contains { $0.wallet == "unreadable" }) }
        }
        #expect(seen.keys.sorted() == wallets.sorted() && seen.values.allSatisfy { $0 == 1 }, "\(seen)")
    }
}
