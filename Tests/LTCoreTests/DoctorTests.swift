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
}
