import Foundation
import LTCore
import LTPostgres
import Testing

extension ExecuteHarness {
    /// The paper chain's mined transactions in block order: (hash, sender nonce, status, selector).
    func minedTransactions() throws -> [(hash: String, nonce: Int, ok: Bool, selector: String)] {
        let s = try jsonObject(try control(.get, "/_control/state"))
        return (s["transactions"] as? [[String: Any]] ?? []).map {
            (
                $0["hash"] as? String ?? "", $0["nonce"] as? Int ?? -1, $0["status"] as? Bool ?? false,
                $0["selector"] as? String ?? ""
            )
        }
    }

    /// Mined `setApprovalForAll` transactions (selector 0xa22cb465).
    func minedApprovals() throws -> [(hash: String, nonce: Int, ok: Bool, selector: String)] {
        try minedTransactions().filter { $0.selector == "a22cb465" }
    }

    struct ApprovalRow {
        var status: String
        var txHash: String?
        var hashes: [String]
        var nonce: Int64?
        var attempts: Int
        var error: String?
    }

    /// lt's approval rows, by operator (lower-case).
    func approvalRows() throws -> [String: ApprovalRow] {
        let rows = try db.query(
            """
            SELECT operator, status, tx_hash, array_to_string(tx_hashes, ',') AS hashes, nonce, attempts, error
              FROM lt_chain_approvals
            """
        ) { r throws(RowDecodingError) in
            (
                try r.decode("operator", as: String.self),
                ApprovalRow(
                    status: try r.decode("status"), txHash: try r.text("tx_hash"),
                    hashes: (try r.text("hashes") ?? "").split(separator: ",").map(String.init),
                    nonce: try r.decode("nonce", as: Int64?.self), attempts: try r.decode("attempts"),
                    error: try r.text("error"))
            )
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }
}

/// `lt redeem` for an EOA whose CTF approval of a V2 collateral adapter is missing (issue 13): lt
/// sends the approval itself, exactly once per (wallet, adapter), then the redemption. The real
/// binary against the paper chain with `require_approvals`.
@Suite(.serialized) struct RedeemApprovalIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let eoa = TestWallet.address.lowercased()
    static let adapter = "0xada100db00ca00073811820692005400218fce1f"
    static let negRiskAdapter = "0xada2005600dec949baf300f4c6120000bdb6eaab"

    func setUp() throws -> ExecuteHarness {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.control(.post, "/_control/flags", #"{"require_approvals": true}"#)
        try h.addStrategy("s1")
        return h
    }

    /// A won position in A, resolved, with the chain fault `flags` set for what follows.
    func wonA(_ h: ExecuteHarness, flags: String) throws -> Int64 {
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", flags)
        return a
    }

    func resolveAll(_ h: ExecuteHarness) throws {
        try h.resolveMarket(#"{"winner_token_id": "\#(ResolveMarkets.aYes)"}"#)
        try h.resolveMarket(#"{"winner_token_id": "\#(ResolveMarkets.bYes)"}"#)
        try h.resolveMarket(#"{"condition_id": "\#(ResolveMarkets.c)", "payout_numerators": [1, 1]}"#)
    }

    /// A and C (standard) need the CollateralAdapter, B (neg-risk) the NegRiskCollateralAdapter:
    /// one approval per adapter — not one per condition — each mined before the redemptions, all
    /// in the same run; a rerun sends nothing.
    @Test func anEOAsMissingApprovalsAreSentOncePerAdapterThenItsConditionsRedeem() throws {
        let h = try setUp()
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let b = try h.seedWon(
            "s1", "b-yes", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, negRisk: true, payout: "25")
        let c = try h.seedWon("s1", "c-yes", condition: ResolveMarkets.c, token: ResolveMarkets.cYes, payout: "10")
        try resolveAll(h)
        let before = try h.chainState()
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        for id in [a, b, c] { #expect(try h.redemption(id).status == "REDEEMED", "\(id): \(r.output)") }
        let approvals = try h.minedApprovals()
        #expect(approvals.count == 2 && approvals.allSatisfy(\.ok), "\(approvals)")
        let txs = try h.minedTransactions()
        #expect(txs.count == 5 && txs.map(\.nonce) == [0, 1, 2, 3, 4], "\(txs)")
        // Each approval is mined before the first redemption through its adapter.
        #expect(txs.first?.selector == "a22cb465")
        let rows = try h.approvalRows()
        #expect(rows.count == 2)
        for op in [Self.adapter, Self.negRiskAdapter] {
            let row = try #require(rows[op], "\(rows.keys)")
            #expect(row.status == "CONFIRMED" && row.attempts == 1 && row.hashes.count == 1)
            #expect(approvals.map(\.hash).contains(row.txHash ?? "-"))
        }
        #expect(try h.chainState().collateral[Self.eoa]! - before.collateral[Self.eoa]! == Self.fx("65"))
        #expect(try h.redeem().status == 0)
        #expect(try h.minedTransactions().count == 5)
    }

    /// Killed after the approval's durable record (nothing broadcast) or after its broadcast: the
    /// rerun sends the recorded approval (same hash, same nonce) or only reads its receipt — never
    /// a new nonce — and exactly one approval is mined, then the redemption.
    @Test(arguments: ["after-record-approval", "after-broadcast-approval"])
    func sigkillAroundTheApprovalThenRerunMinesExactlyOneApproval(point: String) throws {
        let h = try setUp()
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let c = try h.seedWon("s1", "c-yes", condition: ResolveMarkets.c, token: ResolveMarkets.cYes, payout: "10")
        try resolveAll(h)
        let killed = try h.redeem(env: ["LT_TEST_CRASH_POINT": point])
        #expect(killed.status != 0)
        let recorded = try #require(try h.approvalRows()[Self.adapter])
        #expect(recorded.status == "SUBMITTED" && recorded.nonce == 0, "\(recorded)")
        #expect(try h.minedTransactions().count == (point == "after-record-approval" ? 0 : 1))
        #expect(try h.redemption(a).status == "PENDING")

        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let approvals = try h.minedApprovals()
        #expect(approvals.count == 1, "\(approvals)")
        #expect(approvals.first?.hash == recorded.txHash && approvals.first?.nonce == 0)
        let row = try #require(try h.approvalRows()[Self.adapter])
        #expect(row.status == "CONFIRMED" && row.attempts == 1 && row.txHash == recorded.txHash)
        #expect(try h.redemption(a).status == "REDEEMED" && h.redemption(c).status == "REDEEMED")
        #expect(try h.chainState().nonce[Self.eoa] == 3)
    }

    /// The approval reverts: FAILED with the reason (the approval and the rows), nothing more
    /// within the backoff, a new approval after it, then the redemption.
    @Test func aRevertedApprovalIsFailedWithItsReasonAndRetried() throws {
        let h = try setUp()
        let a = try wonA(h, flags: #"{"revert_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 1, "\(r.output)")
        let failed = try #require(try h.approvalRows()[Self.adapter])
        #expect(failed.status == "FAILED" && failed.error?.contains("reverted") == true, "\(failed)")
        let row = try h.redemption(a)
        #expect(row.status == "FAILED" && row.error?.contains("approval") == true, "\(row)")
        #expect(try h.minedApprovals().map(\.ok) == [false])

        r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.minedTransactions().count == 1)

        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600)))
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.minedApprovals().map(\.ok) == [false, true])
        let done = try #require(try h.approvalRows()[Self.adapter])
        #expect(done.status == "CONFIRMED" && done.attempts == 2 && done.nonce == 1)
        #expect(try h.redemption(a).status == "REDEEMED")
        #expect(try h.chainState().nonce[Self.eoa] == 3)
    }

    /// The approval waits in the pool: its conditions wait, reruns rebroadcast the recorded bytes,
    /// after the timeout a fee bump replaces it with the same nonce; once mined, the next run
    /// confirms it and redeems — one approval, one nonce.
    @Test func anApprovalStuckInThePoolIsRebroadcastThenBumpedNeverANewNonce() throws {
        let h = try setUp()
        let a = try wonA(h, flags: #"{"hold_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let first = try #require(try h.approvalRows()[Self.adapter])
        #expect(first.status == "SUBMITTED")
        let row = try h.redemption(a)
        #expect(row.status == "PENDING" && row.error?.contains("not mined yet") == true, "\(row)")
        r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.approvalRows()[Self.adapter]?.hashes == first.hashes)
        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(1200)))
        #expect(r.status == 0, "\(r.output)")
        let bumped = try #require(try h.approvalRows()[Self.adapter])
        #expect(bumped.hashes.count == 2 && bumped.nonce == 0 && bumped.status == "SUBMITTED", "\(bumped)")
        #expect(try h.minedTransactions().isEmpty)
        try h.control(.post, "/_control/flags", #"{"mine_pending": true}"#)
        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(1300)))
        #expect(r.status == 0, "\(r.output)")
        let approvals = try h.minedApprovals()
        #expect(approvals.count == 1 && approvals.first?.hash == bumped.hashes.last)
        #expect(try h.approvalRows()[Self.adapter]?.status == "CONFIRMED")
        #expect(try h.redemption(a).status == "REDEEMED")
        #expect(try h.chainState().nonce[Self.eoa] == 2)
    }
}
