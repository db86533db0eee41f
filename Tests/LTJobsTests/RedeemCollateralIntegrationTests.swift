import Foundation
import LTCore
import LTPostgres
import Testing

/// Two markets whose token ids are real CTF position ids (computed outside this code base with the
/// CTHelpers algorithm): V1 minted on USDC.e, V2 on pUSD. The EOA holds 30 Yes of each.
enum CollateralMarkets {
    static let v1 = "0x" + String(repeating: "a1", count: 32)
    static let v1Yes = "111997339099661652317560615165682095618132234331833023660395509077697446884087"
    static let v1No = "75037943547522132579182601263028592080330404012258150019433661146977309421261"
    static let v2 = "0x" + String(repeating: "b2", count: 32)
    static let v2Yes = "4042097746035147754567190825587965865373249851489380180732182325139661274161"
    static let v2No = "13358506034966491800254698279382092596028375932710414432141362481622305490766"

    static func scenario() -> String {
        func market(_ cid: String, _ yes: String, _ no: String) -> String {
            """
            {"condition_id": "\(cid)", "question": "Market \(cid.suffix(2))", "slug": "m-\(cid.suffix(2))",
             "tick_size": "0.01", "min_order_size": "5", "neg_risk": false,
             "outcomes": [{"outcome": "Yes", "token_id": "\(yes)"}, {"outcome": "No", "token_id": "\(no)"}]}
            """
        }
        return """
            {"description": "collateral per market", "chain_id": 137, "clock": {},
             "markets": [\(market(v1, v1Yes, v1No)), \(market(v2, v2Yes, v2No))], "books": [],
             "wallets": [{"address": "\(TestWallet.address)", "signature_type": 0,
               "credentials": {"api_key": "\(TestWallet.apiKey)", "secret": "\(TestWallet.secret)",
                               "passphrase": "\(TestWallet.passphrase)"}, "collateral": "100",
               "positions": [{"token_id": "\(v1Yes)", "size": "30"}, {"token_id": "\(v2Yes)", "size": "30"}]}],
             "leaders": [], "events": []}
            """
    }
}

/// `lt redeem` picks v1 or V2 per market from its token ids (issue 13): the real binary against the
/// paper chain, whose CTF redeems only the positions of the collateral it is given and whose
/// collateral adapters redeem only pUSD positions — a wrong path pays 0.
@Suite(.serialized) struct RedeemCollateralIntegrationTests {
    static let eoa = TestWallet.address.lowercased()
    static let ctf = "0x4d97dcd97ec945f40cf65f87097ace5ea0476045"
    static let adapter = "0xada100db00ca00073811820692005400218fce1f"

    func setUp() throws -> (ExecuteHarness, v1: Int64, v2: Int64) {
        let h = try ExecuteHarness(scenario: CollateralMarkets.scenario())
        try h.addStrategy("s1")
        let v1 = try h.seedWon(
            "s1", "v1-yes", condition: CollateralMarkets.v1, token: CollateralMarkets.v1Yes, payout: "30")
        let v2 = try h.seedWon(
            "s1", "v2-yes", condition: CollateralMarkets.v2, token: CollateralMarkets.v2Yes, payout: "30")
        try h.resolveMarket(#"{"winner_token_id": "\#(CollateralMarkets.v1Yes)"}"#)
        try h.resolveMarket(#"{"winner_token_id": "\#(CollateralMarkets.v2Yes)"}"#)
        return (h, v1, v2)
    }

    func redeemed(_ r: ProcessResult) throws -> [String: [String: Any]] {
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let list = try #require((o?["result"] as? [String: Any])?["redeemed"] as? [[String: Any]], "\(r.output)")
        return Dictionary(uniqueKeysWithValues: list.map { ($0["condition_id"] as? String ?? "", $0) })
    }

    /// One wallet, one run: the USDC.e market through the CTF with USDC.e, the pUSD market through
    /// the CollateralAdapter; each pays exactly the books' figure, read from its receipt's logs.
    @Test func eachMarketRedeemsByTheCollateralItsTokenIDsDeriveFrom() throws {
        let (h, v1, v2) = try setUp()
        let before = try h.chainState()
        let r = try h.redeem()
        #expect(r.status == 0, "\(r.output)")
        #expect(try h.redemption(v1).status == "REDEEMED" && h.redemption(v2).status == "REDEEMED")
        let s = try jsonObject(try h.control(.get, "/_control/state"))
        let targets = (s["transactions"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }.map {
            $0.lowercased()
        }
        #expect(Set(targets) == [Self.ctf, Self.adapter], "\(targets)")
        #expect(r.stderr.contains("CTF (USDC.e)") && r.stderr.contains("CollateralAdapter (pUSD)"), "\(r.stderr)")
        for (cid, g) in try redeemed(r) {
            #expect(g["chain_payout"] as? String == "30", "\(cid): \(g)")
            #expect(g["difference"] == nil || g["difference"] is NSNull, "\(cid): \(g)")
        }
        #expect(try h.chainState().collateral[Self.eoa]! - before.collateral[Self.eoa]! == (try Fixed6(parsing: "60")))
    }

    /// The override forces one path for every market: pUSD for the USDC.e market reaches none of
    /// its positions — the chain pays 0 and the difference is reported, not hidden.
    @Test func theOverrideForcesOnePathAndAWrongOneShowsAsADifference() throws {
        let (h, _, _) = try setUp()
        let r = try h.redeem(env: ["LT_REDEEM_COLLATERAL": "pusd"])
        #expect(r.status == 0, "\(r.output)")
        let byCondition = try redeemed(r)
        #expect(byCondition[CollateralMarkets.v1]?["chain_payout"] as? String == "0", "\(byCondition)")
        #expect(byCondition[CollateralMarkets.v1]?["difference"] as? String == "-30", "\(byCondition)")
        #expect(byCondition[CollateralMarkets.v2]?["chain_payout"] as? String == "30", "\(byCondition)")
        #expect(r.stderr.contains("LT_REDEEM_COLLATERAL=pusd"), "\(r.stderr)")
    }
}
