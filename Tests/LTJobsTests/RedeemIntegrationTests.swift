import Foundation
import LTCore
import LTPostgres
import Testing

/// Addresses of the routing tests' wallets: a proxy and a Safe owned by the test EOA, and a
/// deposit wallet. Arbitrary (the paper chain knows them from the scenario, the wallets file names
/// them as funders).
enum RedeemWallets {
    static let proxy = "0x00000000000000000000000000000000000000a1"
    static let safe = "0x00000000000000000000000000000000000000b2"
    static let deposit = "0x00000000000000000000000000000000000000c3"

    /// ResolveMarkets' three markets; the EOA, its proxy and its Safe hold 30 A-Yes, 25 B-Yes and
    /// 20 C-Yes (and the EOA 30 A-No, a losing position).
    static func scenario() -> String {
        let base = ResolveMarkets.scenario()
        func positions() -> String {
            """
            [{"token_id": "\(ResolveMarkets.aYes)", "size": "30"}, {"token_id": "\(ResolveMarkets.aNo)", "size": "30"},
             {"token_id": "\(ResolveMarkets.bYes)", "size": "25"}, {"token_id": "\(ResolveMarkets.cYes)", "size": "20"}]
            """
        }
        let wallets = """
            "wallets": [{"address": "\(TestWallet.address)", "signature_type": 0,
               "credentials": {"api_key": "\(TestWallet.apiKey)", "secret": "\(TestWallet.secret)",
                               "passphrase": "\(TestWallet.passphrase)"}, "collateral": "100", "positions": \(positions())},
              {"address": "\(proxy)", "owner": "\(TestWallet.address)", "signature_type": 1, "collateral": "0",
               "positions": \(positions())},
              {"address": "\(safe)", "owner": "\(TestWallet.address)", "signature_type": 2, "collateral": "0",
               "positions": \(positions())},
              {"address": "\(deposit)", "owner": "\(TestWallet.address)", "signature_type": 3, "collateral": "0",
               "positions": \(positions())}],
            """
        let start = base.range(of: "\"wallets\":")!.lowerBound
        let end = base.range(of: "\"leaders\":")!.lowerBound
        return base.replacingCharacters(in: start..<end, with: wallets)
    }
}

extension ExecuteHarness {
    /// `lt redeem` against the paper chain.
    @discardableResult
    func redeem(env: [String: String] = [:], now: String? = nil) throws -> ProcessResult {
        var e = env
        e["LT_POLYGON_RPC_URL"] = e["LT_POLYGON_RPC_URL"] ?? exchangeURL + "/rpc"
        var args = ["redeem", "--format", "json"]
        if let now { args += ["--now", now] }
        return try lt(args, env: e)
    }

    /// Adds wallets `proxy` (type 1), `safe` (type 2) and `deposit` (type 3) beside `main`, all
    /// signed by the test key.
    func writeRoutingWallets() throws {
        let keyFile = dir.appendingPathComponent("key.hex").path
        func entry(_ name: String, _ type: Int, _ funder: String?) -> String {
            let f = funder.map { #", "funder": "\#($0)""# } ?? ""
            return #""\#(name)": {"key_file": "\#(keyFile)", "signature_type": \#(type)\#(f)}"#
        }
        let text =
            #"{"wallets": {"#
            + [
                entry("main", 0, nil), entry("proxy", 1, RedeemWallets.proxy), entry("safe", 2, RedeemWallets.safe),
                entry("deposit", 3, RedeemWallets.deposit),
            ].joined(separator: ", ") + "}}"
        try text.write(toFile: walletsFile, atomically: true, encoding: .utf8)
        chmod(walletsFile, 0o600)
    }

    /// A resolved, won position as resolve leaves it: outcome WON, redemption PENDING, its payout
    /// in cooldown (already matured by time; only the redemption holds it).
    @discardableResult
    func seedWon(
        _ strategy: String, _ key: String, wallet: String = "main", condition: String, token: String,
        label: String = "Yes", negRisk: Bool = false, payout: String, redemption: String = "PENDING",
        outcome: String = "WON"
    ) throws -> Int64 {
        let row = try #require(
            try db.queryFirst(
                """
                INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, token_id, token_label,
                                       neg_risk, wallet, outcome, redemption_status, executed_shares, resolved_at)
                VALUES (\(strategy), \(key), 'BUY', 'FILLED', \(condition), \(token), \(label), \(negRisk), \(wallet),
                        \(outcome), \(redemption), 30, now())
                RETURNING lt_order_id
                """))
        let id: Int64 = try row.decode("lt_order_id")
        if outcome == "WON" {
            try db.runScript(
                """
                INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at, lt_order_id)
                VALUES ('\(strategy)', \(payout), now() - interval '1 hour', \(id));
                UPDATE lt_strategies SET cooldown_capital = cooldown_capital + \(payout),
                                         realized_pnl = realized_pnl + \(payout) WHERE strategy_id = '\(strategy)';
                """)
        }
        return id
    }

    struct RedemptionState: Equatable {
        var status: String
        var txHash: String?
        var attempts: Int
        var error: String?
        var rawTx: String?
    }

    func redemption(_ id: Int64) throws -> RedemptionState {
        let r = try #require(
            try db.queryFirst(
                """
                SELECT redemption_status, redemption_tx_hash, redemption_attempts, redemption_error, redemption_raw_tx
                  FROM lt_orders WHERE lt_order_id = \(id)
                """))
        return RedemptionState(
            status: try r.decode("redemption_status"), txHash: try r.text("redemption_tx_hash"),
            attempts: try r.decode("redemption_attempts"), error: try r.text("redemption_error"),
            rawTx: try r.text("redemption_raw_tx"))
    }

    /// The paper chain: receipts mined, and each wallet's collateral and chain nonce.
    func chainState() throws -> (receipts: Int, collateral: [String: Fixed6], nonce: [String: Int]) {
        let s = try jsonObject(try control(.get, "/_control/state"))
        var collateral: [String: Fixed6] = [:]
        var nonce: [String: Int] = [:]
        for w in s["wallets"] as? [[String: Any]] ?? [] {
            let a = (w["address"] as? String ?? "").lowercased()
            collateral[a] = try Fixed6(parsing: w["collateral"] as? String ?? "0")
            nonce[a] = w["chain_nonce"] as? Int ?? 0
        }
        return (s["receipts"] as? Int ?? -1, collateral, nonce)
    }
}

/// `lt redeem` end to end (issue 13): the real binary, a private Postgres database, the paper
/// exchange's chain.
@Suite(.serialized) struct RedeemIntegrationTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let eoa = TestWallet.address.lowercased()

    func result(_ r: ProcessResult) throws -> [String: Any] {
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try #require(o?["result"] as? [String: Any], "\(r.output)")
    }

    func resolveAll(_ h: ExecuteHarness) throws {
        try h.resolveMarket(#"{"winner_token_id": "\#(ResolveMarkets.aYes)"}"#)
        try h.resolveMarket(#"{"winner_token_id": "\#(ResolveMarkets.bYes)"}"#)
        try h.resolveMarket(#"{"condition_id": "\#(ResolveMarkets.c)", "payout_numerators": [1, 1]}"#)
    }

    /// A standard, B neg-risk, C 50/50 from the EOA; A-No lost (never sent). The wallet's
    /// collateral rises by exactly the books' payouts; the cooldown releases; a rerun sends nothing.
    @Test func eoaStandardNegRiskAndFiftyFiftyThenARerunSendsNothing() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let lost = try h.seedWon(
            "s1", "a-no", condition: ResolveMarkets.a, token: ResolveMarkets.aNo, label: "No", payout: "0",
            redemption: "LOSS_CONFIRMED", outcome: "LOST")
        let b = try h.seedWon(
            "s1", "b-yes", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, negRisk: true, payout: "25")
        let c = try h.seedWon("s1", "c-yes", condition: ResolveMarkets.c, token: ResolveMarkets.cYes, payout: "10")
        // Not resolved on-chain yet: nothing is sent, the rows wait and say why.
        var r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.chainState().receipts == 0)
        #expect(try h.redemption(a).status == "PENDING")
        #expect(try h.redemption(a).error?.contains("payoutDenominator is 0") == true)

        try resolveAll(h)
        let before = try h.chainState()
        let cashBefore = try h.cash("s1")
        r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let out = try result(r)
        let redeemed = try #require(out["redeemed"] as? [[String: Any]])
        #expect(redeemed.count == 3, "\(r.stdout)")
        for g in redeemed {
            #expect(g["difference"] == nil || g["difference"] is NSNull, "\(g)")
            // Read from the receipts' logs (the adapters' pUSD transfers to the wallet).
            #expect(g["chain_payout"] as? String != nil && g["chain_payout"] as? String == g["books_payout"] as? String)
        }
        let after = try h.chainState()
        #expect(after.receipts == 3)
        #expect(after.nonce[Self.eoa] == 3)
        // 30 (A) + 25 (B) + 20 × ½ (C): the books and the wallet agree to the micro-unit.
        #expect(after.collateral[Self.eoa]! - before.collateral[Self.eoa]! == Self.fx("65"))
        for id in [a, b, c] {
            let s = try h.redemption(id)
            #expect(s.status == "REDEEMED", "\(id): \(s)")
            #expect(s.txHash?.hasPrefix("0x") == true && s.attempts == 1)
        }
        #expect(try h.redemption(lost).status == "LOSS_CONFIRMED")
        #expect(try h.redemption(lost).txHash == nil)
        // Confirmation released the matured payouts.
        let cash = try h.cash("s1")
        #expect(cash.available - cashBefore.available == Self.fx("65"))
        #expect(cash.cooldown == .zero && cash.invariantHolds)

        r = try h.redeem()
        #expect(r.status == 0)
        #expect(try h.chainState().receipts == 3)
        #expect((try result(r)["groups"] as? Int) == 0)
    }

    /// Killed after the durable record, before the broadcast: the chain saw nothing; the rerun
    /// sends the recorded bytes (same hash), and exactly one transaction is mined per group.
    /// Killed after the broadcast: the rerun only reads the receipt.
    @Test(arguments: ["after-record", "after-broadcast", "after-receipt"])
    func sigkillThenRerunSendsTheSameTransactionOnce(point: String) throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        let before = try h.chainState()
        let killed = try h.redeem(env: ["LT_TEST_CRASH_POINT": point])
        #expect(killed.status != 0)
        let recorded = try h.redemption(a)
        #expect(recorded.status == "SUBMITTED", "\(recorded)")
        let hash = try #require(recorded.txHash)
        #expect(recorded.rawTx != nil)
        #expect(try h.chainState().receipts == (point == "after-record" ? 0 : 1))

        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let done = try h.redemption(a)
        #expect(done.status == "REDEEMED")
        #expect(done.txHash == hash, "the rerun must send the recorded transaction, not a new one")
        #expect(done.attempts == 1)
        let after = try h.chainState()
        #expect(after.receipts == 1)
        #expect(after.nonce[Self.eoa] == 1)
        #expect(after.collateral[Self.eoa]! - before.collateral[Self.eoa]! == Self.fx("30"))
    }

    /// The books say B is standard, the chain says neg-risk: the CollateralAdapter reverts. FAILED
    /// with the reason, retried after the backoff (not before), redeemed once the books are right.
    @Test func revertedTransactionIsFailedWithReasonAndRetriedAfterBackoff() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let b = try h.seedWon("s1", "b-yes", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, payout: "25")
        try resolveAll(h)
        var r = try h.redeem()
        #expect(r.status == 1, "\(r.output)")
        var s = try h.redemption(b)
        #expect(s.status == "FAILED")
        #expect(s.error?.contains("reverted") == true, "\(s)")
        #expect(s.attempts == 1)
        #expect(try h.chainState().receipts == 1)
        // Within the backoff: not retried.
        try h.db.runScript("UPDATE lt_orders SET neg_risk = true WHERE lt_order_id = \(b)")
        r = try h.redeem()
        #expect(r.status == 0)
        #expect(try h.redemption(b).status == "FAILED")
        #expect(try h.chainState().receipts == 1)
        // After it: a new transaction with the next nonce (the reverted one used its nonce).
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        r = try h.redeem(now: later)
        #expect(r.status == 0, "\(r.output)")
        s = try h.redemption(b)
        #expect(s.status == "REDEEMED", "\(s)")
        #expect(s.attempts == 2)
        let after = try h.chainState()
        #expect(after.receipts == 2 && after.nonce[Self.eoa] == 2)
    }

    /// The wallet holds fewer tokens than the books: the chain pays less, and the difference is
    /// reported (summary and log), not hidden.
    @Test func payoutDifferingFromTheBooksIsReported() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(
            .post, "/_control/wallet",
            #"{"address": "\#(TestWallet.address)", "positions": [{"token_id": "\#(ResolveMarkets.aYes)", "size": "20"}]}"#
        )
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let g = try #require((try result(r)["redeemed"] as? [[String: Any]])?.first)
        // The chain's figure comes from the receipt's logs (the pUSD transfer to the wallet).
        #expect(g["chain_payout"] as? String == "20.000000" || g["chain_payout"] as? String == "20", "\(g)")
        #expect(g["difference"] as? String == "-10.000000" || g["difference"] as? String == "-10", "\(g)")
        #expect(r.stderr.contains("different amount"), "\(r.stderr)")
    }

    /// Proxy and Safe: the tokens are in those wallets, not the EOA; the owner EOA sends through the
    /// factory / execTransaction, and the holding wallet's collateral rises. Type 3 is refused with
    /// the documented reason and stays PENDING.
    @Test func proxyAndSafeRouteThroughTheirContractsAndDepositWalletsAreRefused() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.writeRoutingWallets()
        try h.addStrategy("s1")
        let p = try h.seedWon(
            "s1", "p-a", wallet: "proxy", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let s = try h.seedWon(
            "s1", "s-b", wallet: "safe", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, negRisk: true,
            payout: "25")
        let d = try h.seedWon(
            "s1", "d-a", wallet: "deposit", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        let before = try h.chainState()
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(p).status == "REDEEMED")
        #expect(try h.redemption(s).status == "REDEEMED")
        let dep = try h.redemption(d)
        #expect(dep.status == "PENDING")
        #expect(dep.error?.contains("signature type 3") == true, "\(dep)")
        let after = try h.chainState()
        #expect(after.receipts == 2)
        #expect(after.nonce[Self.eoa] == 2)  // both sent by the owner EOA
        #expect(after.collateral[RedeemWallets.proxy]! - before.collateral[RedeemWallets.proxy]! == Self.fx("30"))
        #expect(after.collateral[RedeemWallets.safe]! - before.collateral[RedeemWallets.safe]! == Self.fx("25"))
        #expect(after.collateral[Self.eoa] == before.collateral[Self.eoa])
        #expect(after.collateral[RedeemWallets.deposit] == before.collateral[RedeemWallets.deposit])
    }

    /// On Polygon a collateral adapter can move the holder's tokens only once the CTF has the
    /// holder's approval: a proxy or Safe grants it in the redemption's own transaction (one
    /// transaction, approval + redeem); an EOA sends it as a transaction of its own first
    /// (RedeemApprovalIntegrationTests).
    @Test func adapterApprovalIsBatchedForProxyAndSafeAndSentFirstByAnEOA() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.writeRoutingWallets()
        try h.control(.post, "/_control/flags", #"{"require_approvals": true}"#)
        try h.addStrategy("s1")
        let p = try h.seedWon(
            "s1", "p-a", wallet: "proxy", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let s = try h.seedWon(
            "s1", "s-b", wallet: "safe", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, negRisk: true,
            payout: "25")
        let e = try h.seedWon("s1", "e-c", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        let before = try h.chainState()
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(p).status == "REDEEMED", "\(r.output)")
        #expect(try h.redemption(s).status == "REDEEMED", "\(r.output)")
        #expect(try h.redemption(e).status == "REDEEMED", "\(r.output)")
        let after = try h.chainState()
        #expect(
            after.receipts - before.receipts == 4,
            "one transaction each for the proxy and the Safe; the EOA's approval, then its redemption")
        #expect(try h.minedApprovals().count == 1)
        #expect(after.collateral[RedeemWallets.proxy]! - before.collateral[RedeemWallets.proxy]! == Self.fx("30"))
        #expect(after.collateral[RedeemWallets.safe]! - before.collateral[RedeemWallets.safe]! == Self.fx("25"))
        // A second run: the approvals stand, nothing more is sent for the proxy and the Safe.
        #expect(try h.redeem().status == 0)
        #expect(try h.chainState().receipts == after.receipts)
    }

    /// v1-era collateral: the CTF with USDC.e for a standard market, the NegRiskAdapter with amounts
    /// for a neg-risk one.
    @Test func v1CollateralPathsUseTheCTFAndTheNegRiskAdapter() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        let b = try h.seedWon(
            "s1", "b-yes", condition: ResolveMarkets.b, token: ResolveMarkets.bYes, negRisk: true, payout: "25")
        try resolveAll(h)
        let before = try h.chainState()
        let r = try h.redeem(env: ["LT_REDEEM_COLLATERAL": "usdce"])
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(a).status == "REDEEMED")
        #expect(try h.redemption(b).status == "REDEEMED")
        #expect(r.stderr.contains("NegRiskAdapter (amounts)") && r.stderr.contains("CTF (USDC.e)"), "\(r.stderr)")
        // The CTF's PayoutRedemption (redeemer = the EOA) and the NegRiskAdapter's USDC.e transfer.
        let redeemed = try #require(try result(r)["redeemed"] as? [[String: Any]])
        #expect(Set(redeemed.compactMap { $0["chain_payout"] as? String }).count == 2, "\(redeemed)")
        for g in redeemed { #expect(g["chain_payout"] as? String == g["books_payout"] as? String, "\(g)") }
        #expect(try h.chainState().collateral[Self.eoa]! - before.collateral[Self.eoa]! == Self.fx("55"))
    }

    /// Fee cap below the chain's base fee, or a wrong chain id: nothing signed, the rows wait.
    @Test func feeCapAndChainIDStopTheSend() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        var r = try h.redeem(env: ["LT_REDEEM_MAX_FEE_GWEI": "1"])
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(a).error?.contains("exceeds the cap") == true)
        r = try h.redeem(env: ["LT_CHAIN_ID": "80002"])
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(a).error?.contains("expected 80002") == true)
        #expect(try h.chainState().receipts == 0)
        #expect(try h.redemption(a).status == "PENDING")
    }

    /// The pool drops the transaction (a hash answered, never mined): the next run finds no
    /// receipt and rebroadcasts the recorded bytes — same hash, same nonce, never a second nonce.
    @Test func droppedTransactionIsRebroadcastWithTheSameNonce() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"drop_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let sent = try h.redemption(a)
        #expect(sent.status == "SUBMITTED")
        #expect(try h.chainState().receipts == 0)
        r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect((try result(r)["rebroadcast"] as? [Any])?.count == 1, "\(r.stdout)")
        let done = try h.redemption(a)
        #expect(done.status == "REDEEMED" && done.txHash == sent.txHash && done.attempts == 1)
        let after = try h.chainState()
        #expect(after.receipts == 1 && after.nonce[Self.eoa] == 1)
    }

    /// The node refuses the transaction (here "replacement transaction underpriced") and no hash of
    /// the nonce is mined: FAILED with the node's words, retried after the backoff.
    @Test func refusedBroadcastIsFailedWithTheNodesReason() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"reject_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 1, "\(r.output)")
        let s = try h.redemption(a)
        #expect(s.status == "FAILED" && s.error?.contains("replacement transaction underpriced") == true, "\(s)")
        #expect(try h.chainState().receipts == 0)
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        r = try h.redeem(now: later)
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(a).status == "REDEEMED")
        #expect(try h.chainState().nonce[Self.eoa] == 1)
    }

    /// The owner EOA cannot pay for gas: nothing is signed or sent, and the row says so.
    @Test func lowGasBalanceSendsNothingAndSaysSo() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"gas_balance_wei": "1000"}"#)
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let s = try h.redemption(a)
        #expect(s.status == "PENDING" && s.attempts == 0)
        #expect(s.error?.contains("send POL to the EOA") == true, "\(s)")
        #expect(try h.chainState().receipts == 0)
    }

    /// Not mined after LT_REDEEM_BUMP_AFTER_SECONDS: replaced with the same nonce and a higher
    /// fee, recorded before its broadcast; both hashes tracked, the replacement mined, one nonce.
    @Test func feeBumpReplacesWithTheSameNonceAndTracksBothHashes() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"drop_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let first = try #require(try h.redemption(a).txHash)
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(1200))
        r = try h.redeem(now: later)
        #expect(r.status == 0, "\(r.output)")
        let done = try h.redemption(a)
        #expect(done.status == "REDEEMED", "\(done)")
        #expect(done.txHash != first && done.attempts == 1)
        let row = try #require(
            try h.db.queryFirst(
                "SELECT array_length(redemption_tx_hashes, 1) AS n, redemption_nonce FROM lt_orders WHERE lt_order_id = \(a)"
            ))
        #expect(try row.decode("n", as: Int.self) == 2)
        #expect(try row.decode("redemption_nonce", as: Int64.self) == 0)
        let after = try h.chainState()
        #expect(after.receipts == 1 && after.nonce[Self.eoa] == 1)
    }

    /// The whole loop with live orders: execute fills on the paper CLOB (the wallet receives the
    /// tokens), resolve settles from the chain (WON → PENDING, LOST → LOSS_CONFIRMED), redeem pays
    /// exactly what the books hold in cooldown, and the cooldown is released. sync-order-status is
    /// not on this branch: the test confirms the fills' settlement as sync would.
    @Test func liveFillsResolvedThenRedeemedTheBooksAndTheWalletAgree() throws {
        let h = try ExecuteHarness(scenario: ResolveMarkets.scenario())
        try h.addStrategy("s1", wallet: "w1")
        for (key, cid, label, price, size) in [
            ("a-yes", ResolveMarkets.a, "Yes", "0.50", "15"), ("a-no", ResolveMarkets.a, "No", "0.50", "15"),
            ("b-yes", ResolveMarkets.b, "Yes", "0.40", "10"), ("c-yes", ResolveMarkets.c, "Yes", "0.60", "12"),
        ] {
            try h.addSignal(key, wallet: "w1", condition: "'\(cid)'", label: "'\(label)'", price: price, size: size)
        }
        var r = try h.execute(live: true)
        #expect(r.status == 0, "\(r.output)")
        for (k, row) in try h.orders(strategy: "s1") { #expect(row.status == "FILLED", "\(k): \(row.error ?? "")") }
        try h.db.runScript(
            "UPDATE lt_orders SET settlement = 'CONFIRMED' WHERE strategy_id = 's1' AND settlement IS NOT NULL")
        try resolveAll(h)
        r = try h.resolve()
        #expect(r.status == 0, "\(r.output)")
        let settled = try h.settled("s1")
        #expect(settled["a-yes"]?.redemption == "PENDING" && settled["a-no"]?.redemption == "LOSS_CONFIRMED")
        let before = try h.chainState()
        let cashBefore = try h.cash("s1")
        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 86_400)))
        #expect(r.status == 0, "\(r.output)")
        let redeemed = try #require(try result(r)["redeemed"] as? [[String: Any]])
        #expect(redeemed.count == 3, "\(r.stdout)")
        for g in redeemed { #expect(g["difference"] == nil || g["difference"] is NSNull, "\(g)") }
        let after = try h.chainState()
        #expect(after.receipts == 3)
        #expect(after.collateral[Self.eoa]! - before.collateral[Self.eoa]! == Self.fx("65"))
        let cash = try h.cash("s1")
        #expect(cash.available - cashBefore.available == Self.fx("65") && cash.cooldown == .zero && cash.invariantHolds)
        #expect(try h.settled("s1").values.filter { $0.redemption == "REDEEMED" }.count == 3)
    }

    /// Mined only later (held in the pool): reruns find no receipt, rebroadcast the same bytes
    /// ("already known") and sign nothing new; once mined, the next run books it.
    @Test func aTransactionMinedSeveralRunsLaterIsBookedOnceMined() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"hold_next_transactions": 1}"#)
        for _ in 0..<3 {
            let r = try h.redeem()
            #expect(r.status == 0, "\(r.output)")
            #expect(try h.redemption(a).status == "SUBMITTED")
        }
        let hash = try h.redemption(a).txHash
        try h.control(.post, "/_control/flags", #"{"mine_pending": true}"#)
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let done = try h.redemption(a)
        #expect(done.status == "REDEEMED" && done.txHash == hash && done.attempts == 1)
        let after = try h.chainState()
        #expect(after.receipts == 1 && after.nonce[Self.eoa] == 1)
    }

    /// Stuck in the pool past the timeout: the replacement (same nonce, +12.5 %) replaces it in
    /// the pool — a +10 % rule the paper chain enforces — and the replacement is what is mined.
    @Test func aStuckTransactionIsReplacedInThePoolAndTheReplacementIsBooked() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.addStrategy("s1")
        let a = try h.seedWon("s1", "a-yes", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30")
        try resolveAll(h)
        try h.control(.post, "/_control/flags", #"{"hold_next_transactions": 1}"#)
        var r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        let first = try h.redemption(a).txHash
        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(1200)))
        #expect(r.status == 0, "\(r.output)")
        let bumped = try h.redemption(a)
        #expect(bumped.status == "SUBMITTED" && bumped.txHash != first, "\(bumped)")
        try h.control(.post, "/_control/flags", #"{"mine_pending": true}"#)
        r = try h.redeem(now: ISO8601DateFormatter().string(from: Date().addingTimeInterval(1300)))
        #expect(r.status == 0, "\(r.output)")
        let done = try h.redemption(a)
        #expect(done.status == "REDEEMED" && done.txHash == bumped.txHash)
        let after = try h.chainState()
        #expect(after.receipts == 1 && after.nonce[Self.eoa] == 1)
    }

    /// `--shard i/n` splits by the sending EOA: the EOA, its proxy and its Safe share one owner, so
    /// one shard redeems all three and the other none; each shard has its own job lock.
    @Test func shardsSplitBySenderSoOneOwnersWalletsStayTogether() throws {
        let h = try ExecuteHarness(scenario: RedeemWallets.scenario())
        try h.writeRoutingWallets()
        try h.addStrategy("s1")
        let ids = [
            try h.seedWon("s1", "e-a", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30"),
            try h.seedWon(
                "s1", "p-a", wallet: "proxy", condition: ResolveMarkets.a, token: ResolveMarkets.aYes, payout: "30"),
            try h.seedWon(
                "s1", "s-c", wallet: "safe", condition: ResolveMarkets.c, token: ResolveMarkets.cYes, payout: "10"),
        ]
        try resolveAll(h)
        var groups: [Int] = []
        for i in 0..<2 {
            let r = try h.lt(
                ["redeem", "--format", "json", "--shard", "\(i)/2"],
                env: ["LT_POLYGON_RPC_URL": h.exchangeURL + "/rpc"])
            #expect(r.status == 0, "\(r.output)")
            groups.append(try result(r)["groups"] as? Int ?? -1)
        }
        #expect(groups.sorted() == [0, 3], "\(groups)")
        for id in ids { #expect(try h.redemption(id).status == "REDEEMED") }
        #expect(try h.chainState().receipts == 3)
        #expect(try h.lt(["redeem", "--shard", "2/2"]).status == 64)
    }
}
