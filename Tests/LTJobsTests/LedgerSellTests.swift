import Foundation
import LTCore
import LTPostgres
import Testing

/// The ledger's SELL fill (issue 12 §6) against a real Postgres: the BUY rows shrink FIFO in the
/// same transaction as the cash, and a SELL of more shares than held is refused with nothing written.
@Suite("ledger: SELL filled shrinks the position FIFO")
struct LedgerSellTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    let t: TestDatabase
    let db: PostgresConnection
    let ledger: LedgerStore

    init() throws {
        t = try TestDatabase()
        db = try t.connect()
        ledger = LedgerStore(database: db)
        try db.runScript(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash)
            VALUES ('s1', 'w', 'main', 1000, 1000)
            """)
    }

    /// A filled BUY lot of leader `leader`: `shares` for `cost`, locked.
    func lot(_ key: String, shares: Fixed6, cost: Fixed6, leader: String = "0xa", filledAt: Date) throws -> Int64 {
        var o = LTOrder(
            strategyID: "s1", signalKey: key, traderWallet: leader, conditionID: "0xc", tokenID: "1", tokenLabel: "Yes",
            side: .buy, isShadow: true, status: .filled, executedUSD: cost, executedShares: shares,
            sharesRemaining: shares, costBasisRemaining: cost, outcome: .open, filledAt: filledAt)
        o.createdAt = Self.at
        guard
            case .applied(let id, _) = try ledger.apply(
                LedgerEntry(strategyID: "s1", change: .insert(o), events: [.lockForBuy(cost)], at: Self.at))
        else { throw HarnessUnavailable(description: "lot not inserted") }
        return id
    }

    func sell(_ key: String, shares: Fixed6, net: Fixed6, leader: String = "0xa") throws -> LedgerOutcome {
        var o = LTOrder(
            strategyID: "s1", signalKey: key, traderWallet: leader, conditionID: "0xc", tokenID: "1", tokenLabel: "Yes",
            side: .sell, isShadow: true, status: .filled, executedUSD: net, executedShares: shares)
        o.createdAt = Self.at
        return try ledger.apply(
            LedgerEntry(
                strategyID: "s1", change: .insert(o), at: Self.at, cooldownAvailableAt: Self.at,
                reduction: PositionReduction(
                    traderWallet: leader, position: PositionKey(conditionID: "0xc", label: "Yes"), isShadow: true,
                    shares: shares, netProceeds: net)))
    }

    func row(_ id: Int64) throws -> (shares: Fixed6, cost: Fixed6, outcome: String?) {
        let r = try #require(
            try db.queryFirst(
                "SELECT shares_remaining, cost_basis_remaining, outcome FROM lt_orders WHERE lt_order_id = \(id)"))
        return (try r.decode("shares_remaining"), try r.decode("cost_basis_remaining"), try r.text("outcome"))
    }

    func cash() throws -> (locked: Fixed6, cooldown: Fixed6, pnl: Fixed6) {
        let r = try #require(
            try db.queryFirst(
                "SELECT locked_capital, cooldown_capital, realized_pnl FROM lt_strategies WHERE strategy_id = 's1'"))
        return (try r.decode("locked_capital"), try r.decode("cooldown_capital"), try r.decode("realized_pnl"))
    }

    @Test func fifoAcrossLotsThenRefusesMoreThanHeld() throws {
        let older = try lot("b1", shares: 30, cost: Self.fx("15.30"), filledAt: Self.at)
        let newer = try lot("b2", shares: 20, cost: 11, filledAt: Self.at.addingTimeInterval(60))
        let other = try lot("b3", shares: 50, cost: 25, leader: "0xb", filledAt: Self.at)
        // 40 shares: all of the older lot, half of the newer; leader B's lot is not touched.
        guard case .applied = try sell("x1", shares: 40, net: 20) else { Issue.record("not applied"); return }
        #expect(try row(older) == (0, 0, "CLOSED"))
        #expect(try row(newer) == (10, Self.fx("5.5"), "OPEN"))
        #expect(try row(other) == (50, 25, "OPEN"))
        var c = try cash()
        // Cost basis sold 15.30 + 5.50 leaves locked; 20 to cooldown; P&L −0.80.
        #expect(c.locked == Self.fx("30.5") && c.cooldown == 20 && c.pnl == Self.fx("-0.8"))
        // 11 shares of A when A's rows hold 10: refused, nothing written.
        #expect(throws: LedgerError.self) { _ = try sell("x2", shares: 11, net: 5) }
        #expect(try db.queryFirst("SELECT 1 AS one FROM lt_orders WHERE signal_key = 'x2'") == nil)
        #expect(try row(newer) == (10, Self.fx("5.5"), "OPEN"))
        c = try cash()
        #expect(c.locked == Self.fx("30.5") && c.cooldown == 20)
    }
}
