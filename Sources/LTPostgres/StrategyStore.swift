import Foundation
import LTCore

/// The SQL of `lt strategy`. Changes run in one transaction under the strategy's lock, so they
/// never interleave with a job changing the same strategy; a change the validator refuses (or a dry
/// run) is rolled back, so nothing half-made is ever visible.
public final class StrategyStore: StrategyAdminStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    /// Thrown inside a transaction to roll it back while handing its result out.
    struct Rollback: Error {
        let result: Result<Strategy, ConfigProblems>
    }

    public func strategies() throws -> (rows: [Strategy], misconfigured: [MisconfiguredStrategy]) {
        let raw = try db.query("SELECT \(StatusStore.strategyColumns) FROM lt_strategies ORDER BY strategy_id")
        var rows: [Strategy] = []
        var bad: [MisconfiguredStrategy] = []
        for r in raw {
            do { rows.append(try Strategy(row: r)) } catch {
                bad.append(
                    MisconfiguredStrategy(
                        strategyID: ((try? r.text("strategy_id")) ?? nil) ?? "?", reason: error.description))
            }
        }
        return (rows, bad)
    }

    public func strategy(_ id: String) throws -> Strategy? {
        guard
            let r = try db.queryFirst(
                "SELECT \(StatusStore.strategyColumns) FROM lt_strategies WHERE strategy_id = \(id)")
        else { return nil }
        do { return try Strategy(row: r) } catch { throw DatabaseError(.decoding, "strategy \(id): \(error)") }
    }

    public func create(
        id: String, ftWalletID: String, wallet: String, capital: Fixed6, settings: [StrategySetting], dryRun: Bool,
        check: (Strategy) -> [ConfigProblem]
    ) throws -> Result<Strategy, ConfigProblems> {
        try change(id: id, dryRun: dryRun, check: check) {
            let inserted = try db.execute(
                """
                INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash)
                VALUES (\(id), \(ftWalletID), \(wallet), \(capital), \(capital))
                ON CONFLICT (strategy_id) DO NOTHING
                """)
            guard inserted == 1 else {
                return .failure(
                    ConfigProblems([ConfigProblem(column: "strategy_id", value: id, reason: "already exists")]))
            }
            try apply(settings, to: id)
            return nil
        } ?? .failure(ConfigProblems([ConfigProblem(column: "strategy_id", value: id, reason: "not created")]))
    }

    public func update(id: String, settings: [StrategySetting], dryRun: Bool, check: (Strategy) -> [ConfigProblem])
        throws -> Result<Strategy, ConfigProblems>?
    {
        try change(id: id, dryRun: dryRun, check: check) {
            try apply(settings, to: id)
            return nil
        }
    }

    /// Runs `body` in a transaction under the strategy lock, then validates the row as it is now.
    /// `body` returns a result to stop early (rolled back); nil to go on.
    func change(
        id: String, dryRun: Bool, check: (Strategy) -> [ConfigProblem],
        _ body: () throws -> Result<Strategy, ConfigProblems>?
    ) throws -> Result<Strategy, ConfigProblems>? {
        do {
            return try db.transaction { () throws -> Result<Strategy, ConfigProblems>? in
                try db.lockStrategy(id)
                if let early = try body() { throw Rollback(result: early) }
                guard let row = try strategy(id) else { return nil }
                let problems = check(row)
                if !problems.isEmpty { throw Rollback(result: .failure(ConfigProblems(problems))) }
                if dryRun { throw Rollback(result: .success(row)) }
                return .success(row)
            }
        } catch let r as Rollback {
            return r.result
        }
    }

    /// One UPDATE per setting: the column name comes from the settings' own table (never from
    /// input), the value is bound and cast to the column's type.
    func apply(_ settings: [StrategySetting], to id: String) throws {
        for s in settings {
            guard StrategySetting.columns[s.column] != nil else { continue }
            let value: SQL
            switch s.value {
            case .text(let t): value = "\(t)"
            case .number(let n): value = "\(n)::numeric"
            case .integer(let i): value = "\(i)::integer"
            case .boolean(let b): value = "\(b)::boolean"
            case .json(let j): value = "\(j)::jsonb"
            case .null: value = "NULL"
            }
            try db.execute(
                "UPDATE lt_strategies SET \(unsafeRaw: s.column) = \(value), updated_at = now() WHERE strategy_id = \(id)"
            )
        }
    }

    public func setTradingState(id: String, state: TradingState, clearBreaker: Bool, at: Date) throws -> Strategy? {
        try db.transaction { () throws -> Strategy? in
            try db.lockStrategy(id)
            let n = try db.execute(
                """
                UPDATE lt_strategies
                   SET trading_state = \(state),
                       circuit_breaker_active = CASE WHEN \(clearBreaker) THEN false ELSE circuit_breaker_active END,
                       circuit_breaker_reason = CASE WHEN \(clearBreaker) THEN NULL ELSE circuit_breaker_reason END,
                       updated_at = \(at)
                 WHERE strategy_id = \(id)
                """)
            return n == 0 ? nil : try strategy(id)
        }
    }

    public func openPositions(id: String) throws -> Int {
        try db.queryFirst(
            """
            SELECT count(*) AS n FROM lt_orders
             WHERE strategy_id = \(id) AND ((outcome = 'OPEN' AND shares_remaining > 0)
                   OR status IN ('INTENT', 'SUBMITTED', 'UNKNOWN', 'PARTIAL'))
            """)?.decodeInt("n") ?? 0
    }

    public func retire(id: String, at: Date) throws {
        try db.transaction {
            try db.lockStrategy(id)
            try db.execute("UPDATE lt_strategies SET is_active = false, updated_at = \(at) WHERE strategy_id = \(id)")
        }
    }
}
