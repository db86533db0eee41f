import BigInt
import Foundation
import LTChain
import Testing

@testable import LTPolymarket

/// CTF position ids and what they tell about a market's collateral (PositionIDs), and the path
/// `lt redeem` picks from it (RPCRedemptionChain.collateral).
struct PositionIDsTests {
    /// A real market: "Will Donald Trump win the 2024 US Presidential Election?" (neg-risk), its
    /// condition id and its CLOB token ids (Gamma `clobTokenIds`), minted by the NegRiskAdapter on
    /// its WrappedCollateral.
    static let election = try! Hex.decode("0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917")
    static let electionYes = "21742633143463906290569050155826241533067272736897614950488156847949938836455"
    static let electionNo = "48331043336612883890938759509493159234755048973500640148014422747788308965732"

    @Test func aRealMarketsTokenIDsAreItsPositionIDs() {
        let yes = PositionIDs.collectionID(conditionID: Self.election, indexSet: 1)
        let no = PositionIDs.collectionID(conditionID: Self.election, indexSet: 2)
        let wrapped = PolymarketContracts.negRiskWrappedCollateral
        #expect(String(PositionIDs.positionID(collateral: wrapped, collectionID: yes)) == Self.electionYes)
        #expect(String(PositionIDs.positionID(collateral: wrapped, collectionID: no)) == Self.electionNo)
        #expect(PositionIDs.backing(conditionID: Self.election, tokenIDs: [Self.electionNo]) == .negRiskWrapped)
    }

    /// The same condition's ids on USDC.e and pUSD (computed by a stand-alone implementation of
    /// CTHelpers, the one whose output matches the real market above).
    static let cases: [(String, [String], PositionIDs.Backing?)] = [
        (
            "USDC.e, index set 1", ["841307466155225383052511529578737033826783799931690508085638728778225200598"],
            .usdcE
        ),
        ("pUSD, index set 2", ["20815631012287888463662221472610626498198663108271000590058141321160450857730"], .pUSD),
        ("ids of no known collateral", ["1", "2"], nil),
        ("no ids", [], nil),
        ("not decimal", ["0xdd"], nil),
    ]

    @Test(arguments: cases.indices)
    func backingFromTokenIDs(_ i: Int) {
        let (name, ids, want) = Self.cases[i]
        #expect(PositionIDs.backing(conditionID: Self.election, tokenIDs: ids) == want, "\(name)")
    }

    @Test func aConditionIDThatIsNot32BytesHasNoBacking() {
        #expect(PositionIDs.backing(conditionID: [1, 2, 3], tokenIDs: [Self.electionYes]) == nil)
    }

    @Test func thePathFollowsTheBackingUnlessTheOperatorForcesOne() {
        typealias C = RPCRedemptionChain
        #expect(C.collateral(setting: .auto, backing: .usdcE).0 == .usdce)
        #expect(C.collateral(setting: .auto, backing: .negRiskWrapped).0 == .usdce)
        #expect(C.collateral(setting: .auto, backing: .pUSD).0 == .pusd)
        #expect(C.collateral(setting: .auto, backing: nil).0 == .pusd)
        #expect(C.collateral(setting: .auto, backing: nil).1.contains("V2 assumed"))
        #expect(C.collateral(setting: .pusd, backing: .usdcE).0 == .pusd)
        #expect(C.collateral(setting: .usdce, backing: .pUSD).0 == .usdce)
    }
}
