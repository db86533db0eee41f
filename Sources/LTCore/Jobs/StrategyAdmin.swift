import Foundation
import Logging

/// `lt strategy …`: an operator's strategy commands (issue 14 item 2). Every change goes through
/// the one validator execute uses (`StrategyConfigValidation`) on the row as it would be after the
/// change, inside the change's transaction, so a change that would make a strategy unusable is
/// refused with the column and the reason, and `--dry-run` shows a change without making it.
public enum StrategyAdmin {
    public struct Summary: JobSummary {
        public var action: String
        public var strategyID: String?
        public var dryRun: Bool
        public var strategies: [Strategy]
        public var problems: [String]
        public var lines: [String]
        /// deposit / withdraw: the movement booked (or, dry, the one that would be).
        public var movement: CapitalMovementRecord?

        public var failedCount: Int { problems.count }
        public var textLines: [String] {
            lines + problems.map { "REFUSED: \(TextEscaping.controls($0))" }
                + (dryRun && problems.isEmpty ? ["dry run: nothing was changed"] : [])
        }

        enum CodingKeys: String, CodingKey { case action, strategyID, dryRun, strategies, problems, movement }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(action, forKey: .action)
            try c.encodeIfPresent(strategyID, forKey: .strategyID)
            try c.encode(dryRun, forKey: .dryRun)
            try c.encode(strategies, forKey: .strategies)
            try c.encode(problems, forKey: .problems)
            try c.encodeIfPresent(movement, forKey: .movement)
        }
    }

    static func summary(_ action: String, _ id: String?, dryRun: Bool = false) -> Summary {
        Summary(action: action, strategyID: id, dryRun: dryRun, strategies: [], problems: [], lines: [], movement: nil)
    }

    public static func list(_ store: any StrategyAdminStoring) throws -> Summary {
        var s = summary("list", nil)
        let (rows, misconfigured) = try store.strategies()
        s.strategies = rows
        let esc = TextEscaping.controls
        s.lines = rows.map { r in
            "\(esc(r.strategyID))\(r.isActive ? "" : " (retired)")  \(r.mode.rawValue)  \(r.tradingState.rawValue)  "
                + "capital \(r.initialCapital.formatted(places: 2))  wallet \(esc(r.wallet))  copies \(esc(r.ftWalletID))"
        }
        s.lines += misconfigured.map { "MISCONFIGURED \(esc($0.strategyID)): \(esc($0.reason))" }
        if s.lines.isEmpty { s.lines = ["no strategies"] }
        return s
    }

    public static func show(_ store: any StrategyAdminStoring, id: String) throws -> Summary {
        var s = summary("show", id)
        guard let row = try store.strategy(id) else {
            s.problems = ["no strategy \(id)"]
            return s
        }
        s.strategies = [row]
        s.lines = describe(row)
        s.lines += StrategyConfigValidation.check(row).map { "MISCONFIGURED: \($0)" }
        return s
    }

    public static func create(
        _ store: any StrategyAdminStoring, id: String, ftWalletID: String, wallet: String, capital: Fixed6,
        preset: RiskPreset?, settings: [StrategySetting], dryRun: Bool, logger: Logger
    ) throws -> Summary {
        var s = summary("create", id, dryRun: dryRun)
        guard capital.isPositive else {
            s.problems = ["initial capital must be positive"]
            return s
        }
        // The preset first, explicit settings after it: `--preset moderate --set daily_budget_usd=50`.
        let all = (preset?.settings ?? []) + settings
        switch try store.create(
            id: id, ftWalletID: ftWalletID, wallet: wallet, capital: capital, settings: all, dryRun: dryRun,
            check: StrategyConfigValidation.check)
        {
        case .failure(let p): s.problems = p.problems.map(\.description)
        case .success(let row):
            s.strategies = [row]
            s.lines = ["\(dryRun ? "would create" : "created") strategy \(TextEscaping.controls(id))"] + describe(row)
            if !dryRun { logger.notice("strategy created", metadata: ["strategy_id": .string(id)]) }
        }
        return s
    }

    public static func set(
        _ store: any StrategyAdminStoring, id: String, settings: [StrategySetting], dryRun: Bool, logger: Logger
    ) throws -> Summary {
        var s = summary("set", id, dryRun: dryRun)
        guard !settings.isEmpty else {
            s.problems = ["nothing to set: give column=value"]
            return s
        }
        switch try store.update(id: id, settings: settings, dryRun: dryRun, check: StrategyConfigValidation.check) {
        case nil: s.problems = ["no strategy \(id)"]
        case .failure(let p)?: s.problems = p.problems.map(\.description)
        case .success(let row)?:
            s.strategies = [row]
            s.lines =
                ["\(dryRun ? "would set" : "set") " + settings.map(\.column).joined(separator: ", ")] + describe(row)
            if !dryRun {
                logger.notice(
                    "strategy settings changed",
                    metadata: [
                        "strategy_id": .string(id), "columns": .string(settings.map(\.column).joined(separator: ",")),
                    ])
            }
        }
        return s
    }

    /// pause (HALTED: nothing trades, exits stop), reduce-only (exits only), resume (ACTIVE; also
    /// clears a tripped breaker, which only an operator may do — hence the reason on record).
    public static func setState(
        _ store: any StrategyAdminStoring, id: String, to state: TradingState, reason: String?, at: Date,
        logger: Logger
    ) throws -> Summary {
        var s = summary(state == .active ? "resume" : state == .halted ? "pause" : "reduce-only", id)
        guard let row = try store.setTradingState(id: id, state: state, clearBreaker: state == .active, at: at) else {
            s.problems = ["no strategy \(id)"]
            return s
        }
        s.strategies = [row]
        s.lines = ["strategy \(TextEscaping.controls(id)) is now \(state.rawValue)"]
        logger.notice(
            "strategy trading state changed",
            metadata: [
                "strategy_id": .string(id), "trading_state": .string(state.rawValue),
                "reason": .string(reason ?? "-"),
                "operator": .string(ProcessInfo.processInfo.environment["USER"] ?? "?"),
            ])
        return s
    }

    /// Retire: `is_active = false`. Refused while positions are open (they would never be exited or
    /// settled by a strategy nobody runs) unless `force`.
    public static func retire(_ store: any StrategyAdminStoring, id: String, force: Bool, at: Date, logger: Logger)
        throws -> Summary
    {
        var s = summary("retire", id)
        guard try store.strategy(id) != nil else {
            s.problems = ["no strategy \(id)"]
            return s
        }
        let open = try store.openPositions(id: id)
        if open > 0 && !force {
            s.problems = ["\(open) open position(s): exit or settle them first, or retire with --force-exit"]
            return s
        }
        try store.retire(id: id, at: at)
        s.lines = ["strategy \(TextEscaping.controls(id)) retired" + (open > 0 ? " with \(open) open position(s)" : "")]
        logger.notice("strategy retired", metadata: ["strategy_id": .string(id), "open_positions": "\(open)"])
        return s
    }

    /// deposit / withdraw (`CapitalMovement`): through the ledger, under the strategy lock, with a
    /// `lt_capital_movements` row and a log line naming who and why; `dryRun` shows the result and
    /// rolls it back.
    public static func moveCapital(
        _ ledger: any CapitalMovementLedger, _ request: CapitalMovementRequest, at: Date, dryRun: Bool, logger: Logger
    ) throws -> Summary {
        let verb = request.kind == .deposit ? "deposit" : "withdraw"
        var s = summary(verb, request.strategyID, dryRun: dryRun)
        switch try ledger.moveCapital(request, at: at, dryRun: dryRun) {
        case nil: s.problems = ["no strategy \(request.strategyID)"]
        case .failure(let refusal)?: s.problems = ["\(verb) \(request.amount.exactText): \(refusal)"]
        case .success(let m)?:
            s.movement = m
            let past = request.kind == .deposit ? "deposited" : "withdrew"
            s.lines = [
                "\(dryRun ? "would \(verb)" : past) \(m.amount.exactText) "
                    + "\(request.kind == .deposit ? "into" : "from") \(TextEscaping.controls(m.strategyID))"
                    + (m.id.map { " (movement #\($0))" } ?? ""),
                "  initial capital \(m.initialCapitalAfter.exactText), available \(m.availableCashAfter.exactText), "
                    + "peak equity \(m.peakEquityAfter.exactText) (moved in proportion: drawdown unchanged)",
            ]
            if !dryRun {
                logger.notice(
                    "strategy capital moved",
                    metadata: [
                        "strategy_id": .string(m.strategyID), "kind": .string(m.kind.rawValue),
                        "amount": .string(m.amount.exactText), "reason": .string(m.reason),
                        "operator": .string(m.operatorName), "movement_id": .string(m.id.map(String.init) ?? "-"),
                        "initial_capital": .string(m.initialCapitalAfter.exactText),
                    ])
            }
        }
        return s
    }

    static func describe(_ r: Strategy) -> [String] {
        func v(_ x: Fixed6?) -> String { x.map { $0.exactText } ?? "-" }
        let esc = TextEscaping.controls
        return [
            "  strategy_id \(esc(r.strategyID)), ft_wallet_id \(esc(r.ftWalletID)), wallet \(esc(r.wallet)), "
                + "mode \(r.mode.rawValue), trading_state \(r.tradingState.rawValue), active \(r.isActive)",
            "  sizing \(r.sizingMode.rawValue): multiplier \(r.sizeMultiplier.exactText), fixed \(v(r.fixedSizeUSD)), "
                + "percent \(v(r.percentOfCash)), tiers \(esc(r.multiplierTiersJSON)), min order \(r.minOrderUSD.exactText)",
            "  limits: max position \(v(r.maxPositionSizeUSD)), max exposure \(v(r.maxTotalExposureUSD)), "
                + "daily budget \(v(r.dailyBudgetUSD)), max daily loss \(v(r.maxDailyLossUSD)), "
                + "breaker at \(v(r.circuitBreakerLossPct))% drawdown",
            "  cash: initial \(r.initialCapital.exactText), available \(r.availableCash.exactText), "
                + "locked \(r.lockedCapital.exactText), cooldown \(r.cooldownCapital.exactText), "
                + "realized pnl \(r.realizedPnL.exactText)",
            "  breaker \(r.circuitBreakerActive ? "TRIPPED (\(esc(r.circuitBreakerReason ?? "?")))" : "off")",
        ]
    }
}

/// The SQL of `lt strategy` (LTPostgres `StrategyStore`).
public protocol StrategyAdminStoring: AnyObject {
    func strategies() throws -> (rows: [Strategy], misconfigured: [MisconfiguredStrategy])
    func strategy(_ id: String) throws -> Strategy?
    /// Inserts the strategy with all its capital available, applies `settings`, runs `check` on the
    /// row as written — all in one transaction, rolled back when `check` finds problems or `dryRun`.
    func create(
        id: String, ftWalletID: String, wallet: String, capital: Fixed6, settings: [StrategySetting], dryRun: Bool,
        check: (Strategy) -> [ConfigProblem]
    ) throws -> Result<Strategy, ConfigProblems>
    /// The same for an existing strategy; nil when there is none.
    func update(id: String, settings: [StrategySetting], dryRun: Bool, check: (Strategy) -> [ConfigProblem])
        throws -> Result<Strategy, ConfigProblems>?
    /// nil when there is no such strategy. `clearBreaker` also clears a tripped circuit breaker.
    func setTradingState(id: String, state: TradingState, clearBreaker: Bool, at: Date) throws -> Strategy?
    func openPositions(id: String) throws -> Int
    func retire(id: String, at: Date) throws
}
