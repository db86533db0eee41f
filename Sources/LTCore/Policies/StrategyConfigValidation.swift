import Foundation

/// One reason a strategy's configuration is unusable: the column, the value as stored, and what is
/// wrong with it. An operator reading it knows which column of which strategy to fix.
public struct ConfigProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let column: String
    /// The offending value as text (bounded and with control characters escaped).
    public let value: String
    public let reason: String

    public init(column: String, value: String, reason: String) {
        self.column = column
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(column) = \(value): \(reason)" }
}

/// Every problem found in one configuration (at least one).
public struct ConfigProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public let problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// The one set of rules a strategy's configuration must satisfy, shared by every reader (`execute`
/// skips a strategy that breaks them and runs the others; `lt status` shows it as misconfigured).
/// Pure: the caller decodes the row and passes the values; every check returns all the problems it
/// finds, so one pass shows the operator everything to fix.
///
/// The schema's CHECK constraints hold some of these already; they are repeated here because a
/// constraint can be dropped or predate a rule, and because the rules that span columns (FIXED needs
/// `fixed_size_usd`, tiers well-formed) are not constraints at all.
public enum StrategyConfigValidation {
    /// Percent columns are in (0, 100].
    static let hundred = Fixed6(100)
    /// A slippage allowance beyond 100 % means no protection at all: certainly a typo.
    public static let maxSlippageBps = 10_000

    // MARK: Tiers

    /// `multiplier_tiers` JSONB text → tiers, or the problems with it. `[]` and an empty text are
    /// no tiers.
    public static func tiers(json: String) -> Result<[MultiplierTier], ConfigProblems> {
        // No tiers, the common case, without Foundation's trimming or a JSONDecoder: execute decodes
        // every active strategy on every run, idle ones included (docs/benchmarks.md "Idle tick").
        if json == "[]" || json.isEmpty { return .success([]) }
        let text = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .success([]) }
        let tiers: [MultiplierTier]
        do {
            tiers = try JSONDecoder().decode([MultiplierTier].self, from: Data(text.utf8))
        } catch {
            return .failure(
                ConfigProblems([
                    problem(
                        "multiplier_tiers", text,
                        "not a JSON array of {\"min\", \"max\", \"multiplier\"} with decimal values (\(why(error)))")
                ]))
        }
        let problems = check(tiers: tiers)
        return problems.isEmpty ? .success(tiers) : .failure(ConfigProblems(problems))
    }

    /// Tiers must be well-formed and ordered: each multiplier > 0, bounds ≥ 0, min < max, sorted by
    /// `min`, and non-overlapping as half-open ranges `[min, max)` (an open bound only at the ends).
    /// Adjacent tiers may touch (`max` of one = `min` of the next); a gap is allowed (the strategy's
    /// `size_multiplier` applies there).
    public static func check(tiers: [MultiplierTier]) -> [ConfigProblem] {
        var out: [ConfigProblem] = []
        for (i, t) in tiers.enumerated() {
            let name = "multiplier_tiers[\(i)]"
            let shown = describe(t)
            if !t.multiplier.isPositive { out.append(problem(name, shown, "multiplier must be > 0")) }
            if let lo = t.min, lo.isNegative { out.append(problem(name, shown, "min must be ≥ 0")) }
            if let hi = t.max, !hi.isPositive { out.append(problem(name, shown, "max must be > 0")) }
            if let lo = t.min, let hi = t.max, lo >= hi { out.append(problem(name, shown, "min must be < max")) }
            guard i > 0 else { continue }
            let prev = tiers[i - 1]
            guard let prevMax = prev.max else {
                out.append(problem(name, shown, "follows tier \(i - 1) whose max is open: the tiers overlap"))
                continue
            }
            guard let lo = t.min else {
                out.append(problem(name, shown, "only the first tier may have an open min: the tiers overlap"))
                continue
            }
            if let prevMin = prev.min, lo < prevMin {
                out.append(problem(name, shown, "tiers must be ordered by min (tier \(i - 1) starts at \(prevMin))"))
            } else if lo < prevMax {
                out.append(problem(name, shown, "overlaps tier \(i - 1), which ends at \(prevMax)"))
            }
        }
        return out
    }

    // MARK: Sizing and limits

    /// Sizing mode against its columns, the sizing numbers and the risk limits.
    public static func check(sizing s: SizingConfig, limits: RiskLimits) -> [ConfigProblem] {
        var out = check(tiers: s.multiplierTiers)
        switch s.mode {
        case .signal:
            if !s.sizeMultiplier.isPositive {
                out.append(problem("size_multiplier", "\(s.sizeMultiplier)", "SIGNAL sizing needs a multiplier > 0"))
            }
        case .fixed:
            if let f = s.fixedSizeUSD {
                if !f.isPositive { out.append(problem("fixed_size_usd", "\(f)", "FIXED sizing needs a size > 0")) }
            } else {
                out.append(problem("fixed_size_usd", "NULL", "FIXED sizing needs fixed_size_usd"))
            }
        case .percent:
            if let p = s.percentOfCash {
                if !p.isPositive || p > hundred {
                    out.append(problem("percent_of_cash", "\(p)", "PERCENT sizing needs a percentage in (0, 100]"))
                }
            } else {
                out.append(problem("percent_of_cash", "NULL", "PERCENT sizing needs percent_of_cash"))
            }
        }
        out += nonNegative("min_order_usd", s.minOrderUSD)
        out += nonNegative("max_position_size_usd", limits.maxPositionSizeUSD)
        out += nonNegative("max_total_exposure_usd", limits.maxTotalExposureUSD)
        out += nonNegative("daily_budget_usd", limits.dailyBudgetUSD)
        out += nonNegative("max_daily_loss_usd", limits.maxDailyLossUSD)
        out += percent("circuit_breaker_loss_pct", limits.circuitBreakerLossPct)
        return out
    }

    // MARK: Capital

    /// The three buckets and their invariant, computed in 128 bits so values near the Fixed6 range
    /// are reported, not trapped on: each amount ≥ 0, and available + locked + cooldown (equity)
    /// = initial_capital + realized_pnl, within Fixed6's range.
    public static func check(
        initialCapital: Fixed6, availableCash: Fixed6, lockedCapital: Fixed6, cooldownCapital: Fixed6,
        realizedPnL: Fixed6
    ) -> [ConfigProblem] {
        var out: [ConfigProblem] = []
        out += nonNegative("initial_capital", initialCapital)
        out += nonNegative("available_cash", availableCash)
        out += nonNegative("locked_capital", lockedCapital)
        out += nonNegative("cooldown_capital", cooldownCapital)
        let equity = Int128(availableCash.micros) + Int128(lockedCapital.micros) + Int128(cooldownCapital.micros)
        let funded = Int128(initialCapital.micros) + Int128(realizedPnL.micros)
        let limit = Int128(Fixed6.max.micros)
        if equity > limit {
            out.append(
                problem(
                    "available_cash + locked_capital + cooldown_capital",
                    "\(availableCash) + \(lockedCapital) + \(cooldownCapital)",
                    "too large: beyond \(Fixed6.max.plainText)"))
        } else if equity != funded {
            out.append(
                problem(
                    "available_cash + locked_capital + cooldown_capital",
                    "\(availableCash) + \(lockedCapital) + \(cooldownCapital)",
                    "must equal initial_capital + realized_pnl (\(initialCapital) + \(realizedPnL))"))
        }
        return out
    }

    /// A NUMERIC column's text → Fixed6, or a problem saying why (too large for Fixed6's range, or
    /// more than 6 decimals): for a reader that gets the raw text of a value its decoder rejected.
    public static func amount(column: String, text: String) -> Result<Fixed6, ConfigProblem> {
        do {
            return .success(try Fixed6(parsing: text))
        } catch {
            return .failure(problem(column, text, "\(error)"))
        }
    }

    // MARK: The whole row

    /// Every rule, on a decoded `lt_strategies` row (including its raw `multiplier_tiers`).
    public static func check(_ s: Strategy) -> [ConfigProblem] {
        var out: [ConfigProblem] = []
        // Decoded and checked here; the sizing check below then has no tiers to repeat.
        if case .failure(let p) = tiers(json: s.multiplierTiersJSON) { out += p.problems }
        let sizing = SizingConfig(
            mode: s.sizingMode, sizeMultiplier: s.sizeMultiplier, multiplierTiers: [], fixedSizeUSD: s.fixedSizeUSD,
            percentOfCash: s.percentOfCash, minOrderUSD: s.minOrderUSD, maxPositionSizeUSD: s.maxPositionSizeUSD)
        out += check(
            sizing: sizing,
            limits: RiskLimits(
                maxPositionSizeUSD: s.maxPositionSizeUSD, maxTotalExposureUSD: s.maxTotalExposureUSD,
                dailyBudgetUSD: s.dailyBudgetUSD, maxDailyLossUSD: s.maxDailyLossUSD,
                circuitBreakerLossPct: s.circuitBreakerLossPct))
        out += nonNegative("fak_threshold_usd", s.fakThresholdUSD)
        if s.maxSignalAgeSeconds <= 0 {
            out.append(problem("max_signal_age_seconds", "\(s.maxSignalAgeSeconds)", "must be > 0"))
        }
        if s.maxSlippageBps < 0 || s.maxSlippageBps > maxSlippageBps {
            out.append(problem("max_slippage_bps", "\(s.maxSlippageBps)", "must be in [0, \(maxSlippageBps)]"))
        }
        if s.cooldownHours < 0 { out.append(problem("cooldown_hours", "\(s.cooldownHours)", "must be ≥ 0")) }
        if s.exitThresholdPct.isNegative || s.exitThresholdPct > hundred {
            out.append(problem("exit_threshold_pct", "\(s.exitThresholdPct)", "must be in [0, 100]"))
        }
        out += percent("stop_loss_pct", s.stopLossPct)
        if let tp = s.takeProfitPct, !tp.isPositive {
            out.append(problem("take_profit_pct", "\(tp)", "must be > 0"))
        }
        if let h = s.maxHoldHours, h <= 0 { out.append(problem("max_hold_hours", "\(h)", "must be > 0")) }
        if s.wallet.trimmingCharacters(in: .whitespaces).isEmpty {
            out.append(problem("wallet", "''", "names no trading wallet"))
        }
        out += check(
            initialCapital: s.initialCapital, availableCash: s.availableCash, lockedCapital: s.lockedCapital,
            cooldownCapital: s.cooldownCapital, realizedPnL: s.realizedPnL)
        return out
    }

    // MARK: Helpers

    static func nonNegative(_ column: String, _ v: Fixed6?) -> [ConfigProblem] {
        guard let v, v.isNegative else { return [] }
        return [problem(column, "\(v)", "must be ≥ 0")]
    }

    static func percent(_ column: String, _ v: Fixed6?) -> [ConfigProblem] {
        guard let v, !v.isPositive || v > hundred else { return [] }
        return [problem(column, "\(v)", "must be a percentage in (0, 100]")]
    }

    static func problem(_ column: String, _ value: String, _ reason: String) -> ConfigProblem {
        let bounded = value.count > 120 ? String(value.prefix(120)) + "…" : value
        return ConfigProblem(column: column, value: TextEscaping.controls(bounded), reason: reason)
    }

    static func describe(_ t: MultiplierTier) -> String {
        "{min: \(t.min.map { "\($0)" } ?? "open"), max: \(t.max.map { "\($0)" } ?? "open"), multiplier: \(t.multiplier)}"
    }

    /// Where the JSON went wrong, without echoing Foundation's long debug text.
    static func why(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty: return "invalid JSON"
        case DecodingError.dataCorrupted(let c): return "bad value at \(path(c))"
        case DecodingError.keyNotFound(let k, let c): return "missing \(k.stringValue) at \(path(c))"
        case DecodingError.typeMismatch(_, let c): return "wrong type at \(path(c))"
        case DecodingError.valueNotFound(_, let c): return "null at \(path(c))"
        default: return "unreadable"
        }
    }

    static func path(_ c: DecodingError.Context) -> String {
        let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return p.isEmpty ? "top level" : p
    }
}
