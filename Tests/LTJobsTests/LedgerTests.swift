import Foundation
import LTCore
import LTPostgres
import Testing

/// The ledger against a real Postgres (issue 8): every row of design §3, refused transitions, and
/// concurrent calls on one strategy.
@Suite("ledger: design §3 row by row")
struct LedgerTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    struct Fixture {
        let t: TestDatabase
        let db: PostgresConnection
        let ledger: LedgerStore

        init(capital: String = "1000") throws {
            t = try TestDatabase()
            db = try t.connect()
            ledger = LedgerStore(database: db)
            try db.runScript(
                """
                INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash)
                VALUES ('s1', 'w', 'main', \(capital), \(capital))
                """)
        }

        struct Buckets: Equatable, CustomStringConvertible {
            var available, locked, cooldown, pnl, spent: Fixed6
            var description: String {
                "avail \(available) locked \(locked) cooldown \(cooldown) pnl \(pnl) spent \(spent)"
            }
        }

        func buckets() throws -> Buckets {
            let r = try #require(
                try db.queryFirst(
                    """
                    SELECT available_cash, locked_capital, cooldown_capital, realized_pnl, daily_spent_usd,
                           available_cash + locked_capital + cooldown_capital = initial_capital + realized_pnl AS ok
                      FROM lt_strategies WHERE strategy_id = 's1'
                    """))
            #expect(try r.decode("ok", as: Bool.self), "capital invariant")
            return Buckets(
                available: try r.decode("available_cash"), locked: try r.decode("locked_capital"),
                cooldown: try r.decode("cooldown_capital"), pnl: try r.decode("realized_pnl"),
                spent: try r.decode("daily_spent_usd"))
        }

        func status(_ id: Int64) throws -> String {
            try #require(try db.queryFirst("SELECT status FROM lt_orders WHERE lt_order_id = \(id)")).decode("status")
        }

        /// A BUY row in `status`, inserted through the ledger with `events`.
        func insert(_ key: String, _ status: OrderStatus, events: [CapitalEvent], side: Side = .buy) throws -> Int64 {
            var o = LTOrder(
                strategyID: "s1", signalKey: key, conditionID: "0xc", tokenID: "1", tokenLabel: "Yes", side: side,
                requestedUSD: Fixed6(15), status: status)
            o.createdAt = LedgerTests.at
            let out = try ledger.apply(
                LedgerEntry(strategyID: "s1", change: .insert(o), events: events, durable: true, at: LedgerTests.at))
            guard case .applied(let id, _) = out else { throw LedgerError.orderNotFound(-1) }
            return id
        }

        func update(_ id: Int64, _ to: OrderStatus, _ fields: OrderFields = OrderFields(), events: [CapitalEvent])
            throws
        {
            _ = try ledger.apply(
                LedgerEntry(
                    strategyID: "s1", change: .update(ltOrderID: id, to: to, fields: fields), events: events,
                    at: LedgerTests.at, cooldownAvailableAt: LedgerTests.at.addingTimeInterval(3600)))
        }
    }

    @Test("BUY intent locks amount + expected fee; a short fill releases the unused part")
    func intentAndRelease() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .intent, events: [.lockForBuy(Self.fx("15.30"))])
        #expect(
            try f.buckets()
                == .init(
                    available: Self.fx("984.70"), locked: Self.fx("15.30"), cooldown: .zero, pnl: .zero,
                    spent: Self.fx("15.30")))
        try f.update(
            id, .filled, OrderFields(executedUSD: Self.fx("10"), outcome: .open),
            events: [.releaseUnused(Self.fx("5.10"))])
        #expect(
            try f.buckets()
                == .init(
                    available: Self.fx("989.80"), locked: Self.fx("10.20"), cooldown: .zero, pnl: .zero,
                    spent: Self.fx("10.20")))
        #expect(try f.status(id) == "FILLED")
    }

    @Test("rejection, unfilled and provably-not-placed release the whole lock")
    func fullRelease() throws {
        for to in [OrderStatus.rejected, .unfilled, .notPlaced] {
            let f = try Fixture()
            let id = try f.insert("b1", .intent, events: [.lockForBuy(Self.fx("15"))])
            try f.update(id, to, OrderFields(countAttempt: to == .notPlaced), events: [.releaseUnused(Self.fx("15"))])
            #expect(
                try f.buckets()
                    == .init(available: Self.fx("1000"), locked: .zero, cooldown: .zero, pnl: .zero, spent: .zero))
            #expect(try f.status(id) == to.rawValue)
        }
    }

    @Test("fee settled: the difference to the fee locked moves, in either direction")
    func feeSettled() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .filled, events: [.lockForBuy(Self.fx("15.30"))])
        try f.update(
            id, .filled, OrderFields(feesUSD: Self.fx("0.25")),
            events: [.feeSettled(expected: Self.fx("0.30"), actual: Self.fx("0.25"))])
        #expect(try f.buckets().locked == Self.fx("15.25"))
        #expect(try f.buckets().available == Self.fx("984.75"))
        try f.update(id, .filled, events: [.feeSettled(expected: Self.fx("0.25"), actual: Self.fx("0.40"))])
        #expect(try f.buckets().locked == Self.fx("15.40"))
        #expect(try f.buckets().spent == Self.fx("15.40"))
    }

    @Test("settlement FAILED reverses the fill's cost")
    func settlementFailed() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .filled, events: [.lockForBuy(Self.fx("15"))])
        try f.update(
            id, .failed, OrderFields(settlement: .failed), events: [.settlementFailed(revertedCost: Self.fx("15"))])
        #expect(
            try f.buckets()
                == .init(available: Self.fx("1000"), locked: .zero, cooldown: .zero, pnl: .zero, spent: .zero))
        #expect(try f.status(id) == "FAILED")
    }

    @Test("resolution WON queues the payout; it matures only after its time AND its redemption")
    func resolvedWon() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .filled, events: [.lockForBuy(Self.fx("15"))])
        try f.update(
            id, .filled, OrderFields(outcome: .won),
            events: [.resolvedWon(costBasis: Self.fx("15"), payout: Self.fx("30"))])
        #expect(
            try f.buckets()
                == .init(
                    available: Self.fx("985"), locked: .zero, cooldown: Self.fx("30"), pnl: Self.fx("15"),
                    spent: Self.fx("15")))
        let queued = try f.db.queryFirst("SELECT amount, lt_order_id FROM lt_cooldown_queue")
        #expect(try queued?.decode("amount", as: Fixed6.self) == Self.fx("30"))
        // Due by time, but the redemption is not confirmed: nothing moves.
        let later = Self.at.addingTimeInterval(7200)
        #expect(try f.ledger.releaseMaturedCooldown(strategyID: "s1", now: later) == .zero)
        try f.db.runScript("UPDATE lt_orders SET redemption_status = 'REDEEMED' WHERE lt_order_id = \(id)")
        #expect(try f.ledger.releaseMaturedCooldown(strategyID: "s1", now: later) == Self.fx("30"))
        #expect(try f.buckets().available == Self.fx("1015"))
        #expect(try f.buckets().cooldown == .zero)
    }

    @Test("resolution LOST: the cost basis is gone")
    func resolvedLost() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .filled, events: [.lockForBuy(Self.fx("15"))])
        try f.update(id, .filled, OrderFields(outcome: .lost), events: [.resolvedLost(costBasis: Self.fx("15"))])
        #expect(
            try f.buckets()
                == .init(
                    available: Self.fx("985"), locked: .zero, cooldown: .zero, pnl: Self.fx("-15"), spent: Self.fx("15")
                ))
    }

    @Test("SELL filled: cost basis sold leaves locked, net proceeds wait in cooldown, then mature")
    func sellFilled() throws {
        let f = try Fixture()
        _ = try f.insert("b1", .filled, events: [.lockForBuy(Self.fx("20"))])
        let sell = try f.insert("exit-b1", .intent, events: [], side: .sell)
        try f.update(sell, .filled, events: [.sellFilled(costBasisSold: Self.fx("10"), netProceeds: Self.fx("12.5"))])
        #expect(
            try f.buckets()
                == .init(
                    available: Self.fx("980"), locked: Self.fx("10"), cooldown: Self.fx("12.5"), pnl: Self.fx("2.5"),
                    spent: Self.fx("20")))
        #expect(try f.ledger.strategiesWithMaturedCooldown(now: Self.at.addingTimeInterval(3600)) == ["s1"])
        #expect(
            try f.ledger.releaseMaturedCooldown(strategyID: "s1", now: Self.at.addingTimeInterval(3600))
                == Self.fx("12.5"))
        #expect(try f.buckets().available == Self.fx("992.5"))
    }

    @Test("a refused transition or a broken capital rule changes nothing")
    func refusals() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .intent, events: [.lockForBuy(Self.fx("15"))])
        try f.update(id, .unfilled, events: [.releaseUnused(Self.fx("15"))])
        let before = try f.buckets()
        #expect(throws: LedgerError.transitionRefused(ltOrderID: id, from: .unfilled, to: .filled)) {
            try f.update(id, .filled, OrderFields(executedUSD: Self.fx("15")), events: [.lockForBuy(Self.fx("15"))])
        }
        #expect(try f.buckets() == before)
        #expect(try f.status(id) == "UNFILLED")
        let id2 = try f.insert("b2", .intent, events: [.lockForBuy(Self.fx("5"))])
        #expect(throws: LedgerError.capital(strategyID: "s1", .negativeBucket(.locked))) {
            try f.update(id2, .rejected, events: [.releaseUnused(Self.fx("6"))])
        }
        #expect(try f.status(id2) == "INTENT")
        #expect(try f.buckets().locked == Self.fx("5"))
        // A run records only its own rows' answers.
        #expect(throws: LedgerError.self) {
            _ = try f.ledger.apply(
                LedgerEntry(
                    strategyID: "s1",
                    change: .update(ltOrderID: id2, to: .filled, fields: OrderFields(), onlyRun: "other"),
                    at: Self.at))
        }
        // A decision the capital rules refuse becomes a SKIPPED row, not an overdraft.
        var big = LTOrder(strategyID: "s1", signalKey: "b3", side: .buy, status: .intent)
        big.createdAt = Self.at
        let out = try f.ledger.apply(
            LedgerEntry(strategyID: "s1", change: .insert(big), events: [.lockForBuy(Self.fx("5000"))], at: Self.at))
        guard case .skipped(let skip) = out else { Issue.record("overdraft was not refused: \(out)"); return }
        #expect(skip.reason == .insufficientCash)
    }

    @Test("an update decided on a row that changed since it was read is refused (sync's stale view)")
    func staleSnapshot() throws {
        let f = try Fixture()
        let id = try f.insert("b1", .intent, events: [.lockForBuy(Self.fx("15"))])
        var read = LTOrder(strategyID: "s1", signalKey: "b1", side: .buy, status: .intent)
        read.requestedUSD = Self.fx("15")
        // Someone else books the row first.
        try f.update(id, .unknown, events: [])
        let before = try f.buckets()
        var entry = LedgerEntry(
            strategyID: "s1", change: .update(ltOrderID: id, to: .failed, fields: OrderFields()),
            events: [.releaseUnused(Self.fx("15"))], at: Self.at)
        entry.basedOn = OrderSnapshot(read)
        #expect(throws: LedgerError.rowChanged(ltOrderID: id)) { _ = try f.ledger.apply(entry) }
        #expect(try f.buckets() == before)
        #expect(try f.status(id) == "UNKNOWN")
        // Read as it is now, the same entry applies.
        read.status = .unknown
        entry.basedOn = OrderSnapshot(read)
        _ = try f.ledger.apply(entry)
        #expect(try f.status(id) == "FAILED")
    }

    @Test("concurrent ledger calls on one strategy serialize: no overdraft, every lock accounted for")
    func concurrentCallsSerialize() throws {
        let f = try Fixture(capital: "60")
        let url = f.t.url
        final class Counts: @unchecked Sendable {
            let lock = NSLock()
            var applied = 0
            var skipped = 0
            var errors: [String] = []
        }
        let counts = Counts()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                let db = try PostgresConnection(url: url, applicationName: "lt-tests")
                let ledger = LedgerStore(database: db)
                for i in 0..<25 {
                    var o = LTOrder(strategyID: "s1", signalKey: "w\(worker)-\(i)", side: .buy, status: .intent)
                    o.createdAt = Self.at
                    // Gate on fresh cash, like execute: only what the strategy holds can be locked.
                    let entry = LedgerEntry(
                        strategyID: "s1", change: .insert(o), events: [.lockForBuy(Fixed6(1))], at: Self.at,
                        gate: { $0.risk.availableCash < Fixed6(1) ? Skip(.insufficientCash, "no cash") : nil })
                    let out = try ledger.apply(entry)
                    counts.lock.withLock {
                        if case .applied = out { counts.applied += 1 } else { counts.skipped += 1 }
                    }
                }
            } catch {
                counts.lock.withLock { counts.errors.append("\(error)") }
            }
        }
        #expect(counts.errors.isEmpty, "\(counts.errors)")
        #expect(counts.applied == 60)
        #expect(counts.skipped == 40)
        #expect(
            try f.buckets()
                == .init(available: .zero, locked: Self.fx("60"), cooldown: .zero, pnl: .zero, spent: Self.fx("60")))
    }
}
