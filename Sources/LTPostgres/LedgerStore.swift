import Foundation
import LTCore

/// The ledger (design §3, LTCore `Ledger`): the only code that writes cash columns. Each `apply` is
/// one transaction under the strategy's advisory lock: read the strategy fresh, run the gate,
/// check the status transition, apply the capital events with the pure rules (the CHECK
/// constraints see the same result), write the row and the strategy, queue cooldown money.
public final class LedgerStore: Ledger {
    let db: any Database

    public init(database: any Database) { db = database }

    public func apply(_ entry: LedgerEntry) throws -> LedgerOutcome {
        try db.transaction { () throws -> LedgerOutcome in
            if entry.durable {
                // The server default may be `off`: an INTENT lost in a crash would let the next run
                // place the same order again (design §4 "durability before side effects").
                try db.requireDurableCommit()
            }
            try db.lockStrategy(entry.strategyID)
            // The strategy's fresh state and the order row the entry changes, read under the lock
            // in one round trip (the lock request travels with them).
            let id = entry.strategyID
            switch entry.change {
            case .insert(let row):
                let read = try db.queryBatch([
                    Self.freshStateSQL(id, position: entry.position),
                    """
                    SELECT status FROM lt_orders WHERE strategy_id = \(row.strategyID) AND signal_key = \(row.signalKey)
                       FOR UPDATE
                    """,
                ])
                let from = try read[1].first.map { r throws(DatabaseError) in
                    try r.decodeOrThrow("status", as: OrderStatus.self)
                }
                return try insert(row, from: from, entry: entry, fresh: try Self.decodeFresh(read[0].first, id))
            case .update(let ltOrderID, let to, let fields, let onlyRun):
                let read = try db.queryBatch([
                    Self.freshStateSQL(id, position: entry.position),
                    """
                    SELECT \(LTOrder.columns) FROM lt_orders WHERE lt_order_id = \(ltOrderID) AND strategy_id = \(id)
                       FOR UPDATE
                    """,
                ])
                guard let current = read[1].first else { throw LedgerError.orderNotFound(ltOrderID) }
                return try update(
                    ltOrderID, current: current, to: to, fields: fields, onlyRun: onlyRun, entry: entry,
                    fresh: try Self.decodeFresh(read[0].first, id))
            }
        }
    }

    public func strategiesWithMaturedCooldown(now: Date) throws -> [String] {
        try db.query(
            """
            SELECT DISTINCT strategy_id FROM lt_cooldown_queue
             WHERE released_at IS NULL AND available_at <= \(now) ORDER BY strategy_id
            """
        ) { row throws(RowDecodingError) in try row.decode("strategy_id", as: String.self) }
    }

    /// Cooldown matured (design §3): releases `strategyID`'s queue rows that are due at `now` —
    /// for a WON payout only once its redemption is confirmed — in one transaction under the
    /// strategy lock. Returns the amount released (zero: nothing was due).
    public func releaseMaturedCooldown(strategyID: String, now: Date) throws -> Fixed6 {
        try db.transaction { () throws -> Fixed6 in
            try db.lockStrategy(strategyID)
            let row = try db.queryFirst(
                """
                WITH released AS (
                  UPDATE lt_cooldown_queue q SET released_at = \(now)
                   WHERE q.strategy_id = \(strategyID) AND q.released_at IS NULL AND q.available_at <= \(now)
                     AND NOT EXISTS (SELECT 1 FROM lt_orders o
                                      WHERE o.lt_order_id = q.lt_order_id AND o.outcome = 'WON'
                                        AND o.redemption_status <> 'REDEEMED')
                  RETURNING q.amount)
                SELECT coalesce(sum(amount), 0)::numeric(20,6)::text AS amount FROM released
                """)
            let amount = try Fixed6(parsing: try row?.text("amount") ?? "0")
            guard amount.isPositive else { return .zero }
            let fresh = try freshState(strategyID, position: nil)
            let event = CapitalEvent.cooldownMatured(amount)
            do throws(CapitalError) {
                _ = try fresh.buckets.applying(event)
            } catch {
                throw LedgerError.capital(strategyID: strategyID, error)
            }
            _ = try writeStrategy(strategyID, events: [event], at: now)
            return amount
        }
    }

    public func strategiesDueForReset(day: UTCDay) throws -> (due: [String], total: Int) {
        // One round trip for the list and the count (every run's housekeeping asks, mostly to hear
        // "none"): one row per due strategy, or a single row with a NULL id when none is due.
        let rows = try db.query(
            """
            SELECT s.strategy_id, t.total
              FROM (SELECT count(*) AS total FROM lt_strategies) t
              LEFT JOIN lt_strategies s ON s.last_reset_date IS NULL OR s.last_reset_date < \(day)
             ORDER BY s.strategy_id
            """
        ) { row throws(RowDecodingError) in
            (try row.decode("strategy_id", as: String?.self), try row.decode("total", as: Int.self))
        }
        return (rows.compactMap(\.0), rows.first?.1 ?? 0)
    }

    public func resetDailyCounters(strategyID id: String, day: UTCDay, at: Date) throws -> Bool? {
        let row = try db.transaction { () throws -> Row? in
            try db.lockStrategy(id)
            // The WHERE repeats the date test: another run may have reset it since the list was read.
            return try db.queryFirst(
                """
                WITH before AS (
                  SELECT strategy_id, circuit_breaker_active AND coalesce(circuit_breaker_reason, '')
                    LIKE \(CircuitBreakerReason.dailyLoss.rawValue + "%") AS daily_breaker
                  FROM lt_strategies
                  WHERE strategy_id = \(id) AND (last_reset_date IS NULL OR last_reset_date < \(day))
                )
                UPDATE lt_strategies s SET
                  daily_spent_usd = 0,
                  daily_loss_usd = 0,
                  circuit_breaker_active = CASE WHEN b.daily_breaker THEN false ELSE s.circuit_breaker_active END,
                  circuit_breaker_reason = CASE WHEN b.daily_breaker THEN NULL ELSE s.circuit_breaker_reason END,
                  last_reset_date = \(day),
                  updated_at = \(at)
                FROM before b WHERE s.strategy_id = b.strategy_id
                RETURNING b.daily_breaker
                """)
        }
        guard let row else { return nil }
        return (try? row.decode("daily_breaker", as: Bool.self)) ?? false
    }

    // MARK: Steps

    func insert(_ row: LTOrder, from: OrderStatus?, entry: LedgerEntry, fresh: FreshState) throws -> LedgerOutcome {
        if let from, from != .notPlaced { return .alreadyDecided }
        if let gate = entry.gate, let skip = gate(fresh) { return try insertSkip(row, skip, from: from) }
        guard OrderTransitions.allows(from: from, to: row.status) else {
            throw LedgerError.transitionRefused(ltOrderID: 0, from: from, to: row.status)
        }
        let takes = try reductionTakes(entry)
        let events = entry.events + Self.sellEvents(takes, entry.reduction)
        do {
            _ = try Self.buckets(after: events, from: fresh.buckets)
        } catch {
            return try insertSkip(row, Skip(.insufficientCash, "capital rules refuse the lock: \(error)"), from: from)
        }
        // The row and the strategy's cash in one statement: the UPDATE runs only if the INSERT did
        // (a conflict with a decided row inserts nothing and moves no cash).
        let insert = row.insertSQL()
        let statement: SQL =
            Self.strategyUpdateSQL(row.strategyID, events: events, at: entry.at).map { update in
                """
                WITH ins AS (\(insert)),
                     upd AS (\(update) AND EXISTS (SELECT 1 FROM ins) RETURNING \(Self.stateColumns))
                SELECT ins.lt_order_id, upd.* FROM ins LEFT JOIN upd ON true
                """
            } ?? insert
        let last = Self.isLastWrite(entry, takes: takes, events: events)
        guard let inserted = try (last ? db.queryAndCommit([statement])[0] : db.query(statement)).first else {
            return .alreadyDecided
        }
        let id = try inserted.decodeOrThrow("lt_order_id", as: Int64.self)
        let state =
            events.isEmpty
            ? fresh : try Self.decodeState(inserted, strategyID: row.strategyID, positionUSD: fresh.positionUSD)
        if !last {
            try applyReduction(takes, entry: entry, sellID: id)
            try applyBaseline(entry)
            try queueCooldown(entry, events: events, ltOrderID: id)
        }
        return .applied(ltOrderID: id, state: state)
    }

    func insertSkip(_ row: LTOrder, _ skip: Skip, from: OrderStatus?) throws -> LedgerOutcome {
        guard OrderTransitions.allows(from: from, to: .skipped) else { return .alreadyDecided }
        var s = row
        s.status = .skipped
        s.skipReason = skip.reason.rawValue
        s.error = skip.detail
        s.executedUSD = .zero
        s.executedShares = .zero
        s.executedPrice = nil
        s.feesUSD = .zero
        s.expectedFeeUSD = .zero
        s.sharesRemaining = .zero
        s.costBasisRemaining = .zero
        s.outcome = nil
        s.filledAt = nil
        s.submittedAt = nil
        return try db.queryFirst(s.insertSQL()) == nil ? .alreadyDecided : .skipped(skip)
    }

    func update(
        _ id: Int64, current: Row, to: OrderStatus, fields f: OrderFields, onlyRun: String?, entry: LedgerEntry,
        fresh: FreshState
    ) throws -> LedgerOutcome {
        if let basedOn = entry.basedOn, OrderSnapshot(try LTOrder(row: current)) != basedOn {
            throw LedgerError.rowChanged(ltOrderID: id)
        }
        let from = try current.decodeOrThrow("status", as: OrderStatus.self)
        let run = try current.text("run_id")
        if let onlyRun, run != onlyRun { throw LedgerError.notThisRun(ltOrderID: id, runID: run) }
        if let expected = entry.expectedPosition {
            // Read what you decide on under the lock (design §4): a settlement computed from a row
            // that an exit or another run changed since must not be booked.
            let outcome = try current.text("outcome")
            let shares = try current.decodeOrThrow("shares_remaining", as: Fixed6.self)
            let cost = try current.decodeOrThrow("cost_basis_remaining", as: Fixed6.self)
            guard outcome == PositionOutcome.open.rawValue, shares == expected.sharesRemaining,
                cost == expected.costBasisRemaining
            else { throw LedgerError.positionChanged(ltOrderID: id) }
        }
        guard OrderTransitions.allows(from: from, to: to) else {
            throw LedgerError.transitionRefused(ltOrderID: id, from: from, to: to)
        }
        let takes = try reductionTakes(entry)
        let events = entry.events + Self.sellEvents(takes, entry.reduction)
        do throws(CapitalError) {
            _ = try Self.buckets(after: events, from: fresh.buckets)
        } catch {
            throw LedgerError.capital(strategyID: entry.strategyID, error)
        }
        let orderUpdate: SQL = """
            UPDATE lt_orders
               SET status = \(to),
                   executed_usd = COALESCE(\(f.executedUSD), executed_usd),
                   executed_shares = COALESCE(\(f.executedShares), executed_shares),
                   executed_price = COALESCE(\(f.executedPrice), executed_price),
                   fees_usd = COALESCE(\(f.feesUSD), fees_usd),
                   expected_fee_usd = COALESCE(\(f.expectedFeeUSD), expected_fee_usd),
                   shares_remaining = COALESCE(\(f.sharesRemaining), shares_remaining),
                   cost_basis_remaining = COALESCE(\(f.costBasisRemaining), cost_basis_remaining),
                   outcome = COALESCE(\(f.outcome), outcome),
                   settlement = COALESCE(\(f.settlement), settlement),
                   trade_ids = COALESCE(\(f.tradeIDs)::text[], trade_ids),
                   venue_order_id = COALESCE(\(f.venueOrderID), venue_order_id),
                   error = COALESCE(\(f.error), error),
                   execution_latency_ms = COALESCE(\(f.executionLatencyMs), execution_latency_ms),
                   submitted_at = COALESCE(\(f.submittedAt), submitted_at),
                   filled_at = COALESCE(\(f.filledAt), filled_at),
                   attempts = attempts + \(f.countAttempt ? 1 : 0),
                   winning_label = COALESCE(\(f.winningLabel), winning_label),
                   pnl = COALESCE(\(f.pnl), pnl),
                   ft_pnl = COALESCE(\(f.ftPnL), ft_pnl),
                   payout_per_share = COALESCE(\(f.payoutPerShare), payout_per_share),
                   redemption_status = COALESCE(\(f.redemptionStatus?.rawValue), redemption_status),
                   resolved_at = COALESCE(\(f.resolvedAt), resolved_at),
                   updated_at = \(entry.at)
             WHERE lt_order_id = \(id)
            """
        // The row and the strategy's cash in one round trip (with the COMMIT when nothing follows).
        let strategyUpdate = Self.strategyUpdateSQL(entry.strategyID, events: events, at: entry.at)
        let writes = [orderUpdate] + (strategyUpdate.map { [$0 + " RETURNING \(Self.stateColumns)"] } ?? [])
        let last = Self.isLastWrite(entry, takes: takes, events: events)
        let written = try last ? db.queryAndCommit(writes) : db.queryBatch(writes)
        var state = fresh
        if strategyUpdate != nil {
            guard let r = written[1].first else { throw LedgerError.strategyNotFound(entry.strategyID) }
            state = try Self.decodeState(r, strategyID: entry.strategyID, positionUSD: fresh.positionUSD)
        }
        if !last {
            try applyReduction(takes, entry: entry, sellID: id)
            try applyBaseline(entry)
            if let riskUpdate = entry.riskUpdate { try updateRisk(entry.strategyID, riskUpdate) }
            try queueCooldown(entry, events: events, ltOrderID: id)
        }
        return .applied(ltOrderID: id, state: state)
    }

    /// Whether the row and strategy writes are all the entry changes (no SELL reduction, baseline,
    /// risk update or cooldown money): then they commit in the same round trip.
    static func isLastWrite(_ entry: LedgerEntry, takes: [PositionFIFO.Take], events: [CapitalEvent]) -> Bool {
        takes.isEmpty && (entry.baseline?.ltOrderIDs.isEmpty ?? true) && entry.riskUpdate == nil
            && !events.contains { ($0.cooldownAmount ?? .zero).isPositive }
    }

    // MARK: SELL fills (check-exits, issue 12)

    /// The FIFO takes of the entry's reduction from the position's open BUY rows, read and locked
    /// here (under the strategy lock). The WHERE repeats `lt_orders_open_positions_idx`'s predicate.
    func reductionTakes(_ entry: LedgerEntry) throws -> [PositionFIFO.Take] {
        guard let r = entry.reduction, r.shares.isPositive else { return [] }
        let rows = try db.query(
            """
            SELECT lt_order_id, shares_remaining, cost_basis_remaining FROM lt_orders
             WHERE strategy_id = \(entry.strategyID) AND condition_id = \(r.position.conditionID)
               AND outcome = 'OPEN' AND shares_remaining > 0
               AND side = 'BUY' AND token_label = \(r.position.label) AND is_shadow = \(r.isShadow)
               AND trader_wallet IS NOT DISTINCT FROM \(r.traderWallet)
             ORDER BY filled_at NULLS LAST, lt_order_id
               FOR UPDATE
            """
        ) { row throws(RowDecodingError) in
            PositionFIFO.Lot(
                ltOrderID: try row.decode("lt_order_id"), shares: try row.decode("shares_remaining"),
                costBasis: try row.decode("cost_basis_remaining"))
        }
        guard let takes = PositionFIFO.take(r.shares, from: rows) else {
            throw LedgerError.positionShort(
                strategyID: entry.strategyID, wanted: r.shares, held: rows.reduce(.zero) { $0 + $1.shares })
        }
        return takes
    }

    static func sellEvents(_ takes: [PositionFIFO.Take], _ r: PositionReduction?) -> [CapitalEvent] {
        guard let r, !takes.isEmpty else { return [] }
        return [.sellFilled(costBasisSold: takes.reduce(.zero) { $0 + $1.costBasis }, netProceeds: r.netProceeds)]
    }

    /// Shrinks the BUY rows by their takes (an emptied row is CLOSED) and writes the SELL row's
    /// realized P&L: net proceeds less the cost basis sold.
    func applyReduction(_ takes: [PositionFIFO.Take], entry: LedgerEntry, sellID: Int64) throws {
        guard let r = entry.reduction, !takes.isEmpty else { return }
        for t in takes {
            try db.execute(
                """
                UPDATE lt_orders
                   SET shares_remaining = CASE WHEN \(t.closes) THEN 0 ELSE shares_remaining - \(t.shares) END,
                       cost_basis_remaining =
                         CASE WHEN \(t.closes) THEN 0 ELSE cost_basis_remaining - \(t.costBasis) END,
                       outcome = CASE WHEN \(t.closes) THEN 'CLOSED' ELSE outcome END,
                       updated_at = \(entry.at)
                 WHERE lt_order_id = \(t.ltOrderID) AND strategy_id = \(entry.strategyID)
                """)
        }
        let cost = takes.reduce(Fixed6.zero) { $0 + $1.costBasis }
        try db.execute(
            """
            UPDATE lt_orders SET pnl = COALESCE(pnl, 0) + \(r.netProceeds - cost)
             WHERE lt_order_id = \(sellID) AND strategy_id = \(entry.strategyID)
            """)
    }

    func applyBaseline(_ entry: LedgerEntry) throws {
        guard let b = entry.baseline, !b.ltOrderIDs.isEmpty else { return }
        try db.execute(
            """
            UPDATE lt_orders SET trader_position_baseline = \(b.value), updated_at = \(entry.at)
             WHERE strategy_id = \(entry.strategyID) AND lt_order_id = ANY(\(b.ltOrderIDs.map { String($0) })::bigint[])
               AND side = 'BUY'
            """)
    }

    /// The buckets after `events`, or the capital rule they break.
    static func buckets(after events: [CapitalEvent], from start: CashBuckets) throws(CapitalError) -> CashBuckets {
        var b = start
        for e in events { b = try b.applying(e) }
        return b
    }

    /// Applies the events' deltas (deltas, not absolute values: the row was read under the same
    /// lock, and the CHECK constraints re-verify the result) and returns the fresh state.
    @discardableResult
    func writeStrategy(_ id: String, events: [CapitalEvent], at: Date, fresh: FreshState? = nil) throws
        -> FreshState
    {
        guard let update = Self.strategyUpdateSQL(id, events: events, at: at) else {
            if let fresh { return fresh }
            return try freshState(id, position: nil)
        }
        guard let r = try db.queryFirst(update + " RETURNING \(Self.stateColumns)") else {
            throw LedgerError.strategyNotFound(id)
        }
        return try Self.decodeState(r, strategyID: id, positionUSD: fresh?.positionUSD ?? .zero)
    }

    /// The UPDATE of the strategy's cash columns by the events' deltas (no RETURNING, so that it
    /// composes), or nil when the events move nothing.
    static func strategyUpdateSQL(_ id: String, events: [CapitalEvent], at: Date) -> SQL? {
        if events.isEmpty { return nil }
        var d = CashDelta()
        var spent = Fixed6.zero
        for e in events {
            let x = e.delta
            d.available += x.available
            d.locked += x.locked
            d.cooldown += x.cooldown
            d.realizedPnl += x.realizedPnl
            spent += e.dailySpentDelta
        }
        return """
            UPDATE lt_strategies
               SET available_cash = available_cash + \(d.available),
                   locked_capital = locked_capital + \(d.locked),
                   cooldown_capital = cooldown_capital + \(d.cooldown),
                   realized_pnl = realized_pnl + \(d.realizedPnl),
                   daily_spent_usd = GREATEST(0, daily_spent_usd + \(spent)),
                   updated_at = \(at)
             WHERE strategy_id = \(id)
            """
    }

    /// Reads the risk state after the entry's cash moved (same transaction, same lock), lets the
    /// entry compute the new one (a pure LTCore rule) and writes it.
    func updateRisk(_ id: String, _ change: (RiskSnapshot) -> RiskSnapshot) throws {
        guard
            let r = try db.queryFirst(
                """
                SELECT initial_capital + realized_pnl AS equity, max_daily_loss_usd, circuit_breaker_loss_pct,
                       daily_loss_usd, consecutive_losses, peak_equity, current_drawdown_pct,
                       circuit_breaker_active, circuit_breaker_reason
                  FROM lt_strategies WHERE strategy_id = \(id)
                """)
        else { throw LedgerError.strategyNotFound(id) }
        let before: RiskSnapshot
        do {
            before = RiskSnapshot(
                equity: try r.decode("equity"), maxDailyLossUSD: try r.decode("max_daily_loss_usd", as: Fixed6?.self),
                circuitBreakerLossPct: try r.decode("circuit_breaker_loss_pct", as: Fixed6?.self),
                dailyLossUSD: try r.decode("daily_loss_usd"), consecutiveLosses: try r.decode("consecutive_losses"),
                peakEquity: try r.decode("peak_equity"), currentDrawdownPct: try r.decode("current_drawdown_pct"),
                circuitBreakerActive: try r.decode("circuit_breaker_active"),
                circuitBreakerReason: try r.decode("circuit_breaker_reason", as: String?.self))
        } catch {
            throw DatabaseError(.decoding, "lt_strategies \(id): \(error)")
        }
        let after = change(before)
        guard after != before else { return }
        try db.execute(
            """
            UPDATE lt_strategies
               SET daily_loss_usd = \(after.dailyLossUSD), consecutive_losses = \(after.consecutiveLosses),
                   peak_equity = \(after.peakEquity), current_drawdown_pct = \(after.currentDrawdownPct),
                   circuit_breaker_active = \(after.circuitBreakerActive),
                   circuit_breaker_reason = \(after.circuitBreakerReason)
             WHERE strategy_id = \(id)
            """)
    }

    func queueCooldown(_ entry: LedgerEntry, events: [CapitalEvent], ltOrderID: Int64) throws {
        for e in events {
            guard let amount = e.cooldownAmount, amount.isPositive else { continue }
            // Without an explicit time, money waits the strategy's own cooldown (design §2
            // `cooldown_hours`): a job that books a fill it did not decide (sync) need not know it.
            try db.execute(
                """
                INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at, lt_order_id)
                SELECT strategy_id, \(amount),
                       COALESCE(\(entry.cooldownAvailableAt)::timestamptz,
                                \(entry.at)::timestamptz + cooldown_hours * interval '1 hour'),
                       \(ltOrderID)
                  FROM lt_strategies WHERE strategy_id = \(entry.strategyID)
                """)
        }
    }

    // MARK: Reads

    static let stateColumns: SQL = """
        available_cash, locked_capital, cooldown_capital, realized_pnl, initial_capital, daily_spent_usd,
        daily_loss_usd, current_drawdown_pct, circuit_breaker_active, circuit_breaker_reason, trading_state
        """

    func freshState(_ id: String, position: PositionKey?) throws -> FreshState {
        try Self.decodeFresh(try db.queryFirst(Self.freshStateSQL(id, position: position)), id)
    }

    /// The strategy's state, with the position an entry gates on as a column of the same row (read
    /// under the same lock, in the same statement).
    static func freshStateSQL(_ id: String, position: PositionKey?) -> SQL {
        let held: SQL = position.map { "(\(Self.positionUSDSQL(strategyID: id, position: $0)))" } ?? "NULL"
        return "SELECT \(Self.stateColumns), \(held) AS position_usd FROM lt_strategies WHERE strategy_id = \(id)"
    }

    static func decodeFresh(_ row: Row?, _ id: String) throws -> FreshState {
        guard let r = row else { throw LedgerError.strategyNotFound(id) }
        let positionUSD = try Fixed6(parsing: try r.text("position_usd") ?? "0")
        return try Self.decodeState(r, strategyID: id, positionUSD: positionUSD)
    }

    static func decodeState(_ r: Row, strategyID: String, positionUSD: Fixed6) throws -> FreshState {
        do {
            let buckets = try CashBuckets(
                available: try r.decode("available_cash"), locked: try r.decode("locked_capital"),
                cooldown: try r.decode("cooldown_capital"), realizedPnl: try r.decode("realized_pnl"),
                initial: try r.decode("initial_capital"))
            return FreshState(risk: try decodeRiskState(r), buckets: buckets, positionUSD: positionUSD)
        } catch let e as CapitalError {
            throw LedgerError.capital(strategyID: strategyID, e)
        } catch {
            throw DatabaseError(.decoding, "lt_strategies \(strategyID): \(error)")
        }
    }

    static func decodeRiskState(_ r: Row) throws(RowDecodingError) -> RiskState {
        RiskState(
            availableCash: try r.decode("available_cash"), lockedCapital: try r.decode("locked_capital"),
            dailySpentUSD: try r.decode("daily_spent_usd"), dailyLossUSD: try r.decode("daily_loss_usd"),
            currentDrawdownPct: try r.decode("current_drawdown_pct"),
            circuitBreakerActive: try r.decode("circuit_breaker_active"), tradingState: try r.decode("trading_state"),
            circuitBreakerReason: try r.decode("circuit_breaker_reason", as: String?.self))
    }

    /// What the strategy already holds or has pending in one outcome: pending orders at their
    /// requested USD, open positions at their remaining cost basis. The WHERE clause repeats the
    /// predicate of `lt_orders_held_buys_idx` (sql/002) so that the partial index serves it and
    /// the cost follows open positions, not history.
    public static func positionUSDSQL(strategyID: String, position: PositionKey) -> SQL {
        """
        SELECT COALESCE(SUM(CASE WHEN status IN ('INTENT', 'SUBMITTED', 'UNKNOWN') THEN requested_usd
                                 ELSE cost_basis_remaining END), 0)::numeric(20,6)::text AS usd
          FROM lt_orders
         WHERE strategy_id = \(strategyID) AND condition_id = \(position.conditionID)
           AND lower(token_label) = lower(\(position.label)) AND side = 'BUY'
           AND status IN ('INTENT', 'SUBMITTED', 'UNKNOWN', 'FILLED', 'PARTIAL')
           AND (outcome IS NULL OR outcome = 'OPEN')
        """
    }
}
