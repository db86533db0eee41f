import Foundation
import Testing

@testable import LTCore

@Suite struct DoctorTests {
    static func books(
        _ id: String, wallet: String = "main", live: Bool = true, available: String, locked: String = "0",
        cooldown: String = "0", queued: String = "0", rows: String = "0", pending: String = "0"
    ) -> Doctor.Books {
        Doctor.Books(
            strategyID: id, wallet: wallet, live: live, available: fx(available), locked: fx(locked),
            cooldown: fx(cooldown), cooldownQueued: fx(queued), lockedByRows: fx(rows), pendingLocks: fx(pending))
    }

    @Test func booksAgreeOrSayWhere() {
        let good = Doctor.bookChecks([Self.books("a", available: "985", locked: "15", rows: "15")])
        #expect(good.count == 1 && good[0].ok)
        let bad = Doctor.bookChecks([
            Self.books("a", available: "985", locked: "15", rows: "14"),
            Self.books("b", available: "1", cooldown: "5", queued: "4"),
        ])
        #expect(bad.count == 1 && !bad[0].ok)
        #expect(bad[0].found.contains("a: locked 15") && bad[0].found.contains("b: cooldown 5"))
        #expect(bad[0].fix != nil)
    }

    @Test func driftCountsAvailableAndUnfilledLocksOfLiveStrategiesOnTheWallet() {
        let books = [
            Self.books("a", available: "900", locked: "100", pending: "40"),  // 60 of it spent on a fill
            Self.books("b", live: false, available: "500"),  // shadow: not in the wallet
            Self.books("c", wallet: "other", available: "700"),
        ]
        let ok = Doctor.drift(wallet: "main", collateral: fx("1000"), books: books)
        #expect(ok.ok)
        #expect(ok.found.contains("unallocated 60"))
        let short = Doctor.drift(wallet: "main", collateral: fx("939.99"), books: books)
        #expect(!short.ok)
        #expect(short.found.contains("short by 0.01"))
    }

    @Test(
        "exchange version: only 2 passes, and the fix says which way to go",
        arguments: [(2, true, nil), (1, false, "not the V2 CLOB"), (3, false, "upgrade lt")] as [(Int, Bool, String?)])
    func exchangeVersion(version: Int, ok: Bool, fix: String?) {
        let c = Doctor.exchangeVersion(version)
        #expect(c.ok == ok)
        #expect(c.found.contains("answers \(version)"))
        #expect(c.fix?.contains(fix ?? "") ?? (fix == nil))
    }

    @Test func closedOnlyAndChainID() {
        #expect(Doctor.closedOnly(wallet: "main", false).ok)
        let closed = Doctor.closedOnly(wallet: "main", true)
        #expect(!closed.ok && closed.name == "closed-only main" && closed.fix?.contains("reduce-only") == true)
        #expect(Doctor.chainID(found: 137, expected: 137).ok)
        let wrong = Doctor.chainID(found: 80002, expected: 137)
        #expect(!wrong.ok && wrong.found == "eth_chainId 80002, LT_CHAIN_ID 137")
    }

    @Test func chainCollateralFailsOnlyForAnEmptyWalletThatLiveStrategiesUse() {
        let books = [Self.books("a", available: "10"), Self.books("b", wallet: "spare", live: false, available: "5")]
        #expect(Doctor.chainCollateral(wallet: "main", address: "0xM", balance: fx("10"), books: books).ok)
        #expect(!Doctor.chainCollateral(wallet: "main", address: "0xM", balance: .zero, books: books).ok)
        #expect(Doctor.chainCollateral(wallet: "spare", address: "0xS", balance: .zero, books: books).ok)
    }

    @Test func allowancesMustCoverTheBalanceAndApproveTheOutcomeTokens() {
        func a(_ name: String, _ collateral: Fixed6, _ approved: Bool = true) -> Doctor.Allowance {
            Doctor.Allowance(spender: name, address: "0x\(name)", collateral: collateral, outcomeTokens: approved)
        }
        let good = Doctor.allowances(
            wallet: "main", address: "0xM", balance: fx("100"), [a("X", .max), a("N", fx("100"))])
        #expect(good.ok, "\(good.found)")
        let low = Doctor.allowances(
            wallet: "main", address: "0xM", balance: fx("100"), [a("X", .max), a("N", fx("99.999999"))])
        #expect(!low.ok && low.found.contains("pUSD allowance for N is 99.999999"))
        #expect(low.fix?.contains("N 0xN") == true)
        // An empty wallet still needs a non-zero allowance: the first deposit would otherwise be unusable.
        #expect(!Doctor.allowances(wallet: "main", address: "0xM", balance: .zero, [a("X", .zero)]).ok)
        let unapproved = Doctor.allowances(wallet: "main", address: "0xM", balance: fx("1"), [a("X", .max, false)])
        #expect(!unapproved.ok && unapproved.found.contains("the CTF has not approved X"))
    }

    @Test func gasMustAffordOneRedemptionAtTheCap() {
        // 375,000 gas × 500 gwei = 0.1875 POL.
        #expect(Doctor.gasFloor(capGwei: 500) == fx("0.1875"))
        #expect(Doctor.gasFloor(capGwei: 1) == fx("0.000375"))
        #expect(Doctor.gas(wallet: "main", signer: "0xE", balance: fx("0.1875"), floor: fx("0.1875")).ok)
        let poor = Doctor.gas(wallet: "main", signer: "0xE", balance: fx("0.1874"), floor: fx("0.1875"))
        #expect(!poor.ok && poor.fix?.contains("send POL to 0xE") == true)
    }

    @Test func anUnconfiguredCheckIsSkippedUnlessRequired() {
        let skipped = Doctor.Check.unconfigured("chain", variable: "LT_POLYGON_RPC_URL", checks: "gas", required: false)
        #expect(skipped.ok && skipped.skipped && skipped.fix == nil)
        let required = Doctor.Check.unconfigured("exchange", variable: "LT_CLOB_URL", checks: "x", required: true)
        #expect(!required.ok && !required.skipped && required.fix == "set LT_CLOB_URL (docs/operations.md)")
        let summary = Doctor.Summary(checks: [skipped, Doctor.Check("schema", ok: true, found: "v7")])
        #expect(
            summary.textLines == [
                "– chain: LT_POLYGON_RPC_URL not set: gas not checked", "✓ schema: v7",
                "all 1 checks passed, 1 skipped",
            ])
        #expect(summary.failedCount == 0)
    }
}
