import Foundation

/// `lt strategy create|set … column=value`: which configuration columns an operator may set, and
/// the typed value of each assignment (issue 14 item 2). Cash buckets and risk state are not
/// settings: they move only through the ledger. Pure: the store binds the values.
public struct StrategySetting: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text, number, integer, boolean, json
        case oneOf([String])
    }

    public enum Value: Sendable, Hashable {
        case text(String)
        case number(Fixed6)
        case integer(Int)
        case boolean(Bool)
        case json(String)
        case null
    }

    public let column: String
    public let value: Value

    /// Every settable column, its type and whether it may be NULL.
    public static let columns: [String: (kind: Kind, nullable: Bool)] = [
        "user_id": (.text, true), "ft_wallet_id": (.text, false), "wallet": (.text, false),
        "mode": (.oneOf(StrategyMode.allCases.map(\.rawValue)), false),
        "sizing_mode": (.oneOf(SizingMode.allCases.map(\.rawValue)), false),
        "size_multiplier": (.number, false), "fixed_size_usd": (.number, true), "percent_of_cash": (.number, true),
        "multiplier_tiers": (.json, false), "min_order_usd": (.number, false),
        "max_signal_age_seconds": (.integer, false), "max_slippage_bps": (.integer, false),
        "fak_threshold_usd": (.number, false), "cooldown_hours": (.integer, false), "mirror_exits": (.boolean, false),
        "exit_threshold_pct": (.number, false), "stop_loss_pct": (.number, true), "take_profit_pct": (.number, true),
        "max_hold_hours": (.integer, true), "max_position_size_usd": (.number, true),
        "max_total_exposure_usd": (.number, true), "daily_budget_usd": (.number, true),
        "max_daily_loss_usd": (.number, true), "circuit_breaker_loss_pct": (.number, true),
    ]

    public init(column: String, value: Value) {
        self.column = column
        self.value = value
    }

    /// Parses `column=value`; `null` clears a nullable column.
    public static func parse(_ assignment: String) -> Result<StrategySetting, ConfigProblem> {
        guard let eq = assignment.firstIndex(of: "=") else {
            return .failure(ConfigProblem(column: assignment, value: "", reason: "expected column=value"))
        }
        let column = assignment[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        let text = String(assignment[assignment.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        let shown = TextEscaping.controls(String(text.prefix(80)))
        guard let spec = columns[column] else {
            let reason =
                ["available_cash", "locked_capital", "cooldown_capital", "realized_pnl", "initial_capital"]
                    .contains(column)
                ? "cash moves only through the ledger, not by setting a column"
                : "not a setting (one of: \(columns.keys.sorted().joined(separator: ", ")))"
            return .failure(ConfigProblem(column: TextEscaping.controls(column), value: shown, reason: reason))
        }
        if text.lowercased() == "null" {
            return spec.nullable
                ? .success(StrategySetting(column: column, value: .null))
                : .failure(ConfigProblem(column: column, value: shown, reason: "cannot be null"))
        }
        func bad(_ why: String) -> Result<StrategySetting, ConfigProblem> {
            .failure(ConfigProblem(column: column, value: shown, reason: why))
        }
        switch spec.kind {
        case .text:
            guard !text.isEmpty, text.utf8.count <= 128, !text.contains(where: { $0.isNewline }) else {
                return bad("must be 1–128 characters on one line")
            }
            return .success(StrategySetting(column: column, value: .text(text)))
        case .oneOf(let allowed):
            let match = allowed.first { $0.caseInsensitiveCompare(text) == .orderedSame }
            guard let match else { return bad("must be one of \(allowed.joined(separator: ", "))") }
            return .success(StrategySetting(column: column, value: .text(match)))
        case .number:
            guard let n = try? Fixed6(parsing: text), !n.isNegative else {
                return bad("must be a non-negative decimal with at most 6 places")
            }
            return .success(StrategySetting(column: column, value: .number(n)))
        case .integer:
            guard let n = Int(text), n >= 0, n <= Int(Int32.max) else { return bad("must be a non-negative integer") }
            return .success(StrategySetting(column: column, value: .integer(n)))
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes": return .success(StrategySetting(column: column, value: .boolean(true)))
            case "false", "0", "no": return .success(StrategySetting(column: column, value: .boolean(false)))
            default: return bad("must be true or false")
            }
        case .json:
            if case .failure(let p) = StrategyConfigValidation.tiers(json: text) { return bad(p.description) }
            return .success(StrategySetting(column: column, value: .json(text)))
        }
    }
}

/// The seeds' three risk presets (seed 000 §9.4): limits a new strategy starts from.
public enum RiskPreset: String, Sendable, CaseIterable {
    case conservative, moderate, aggressive

    /// The preset as settings (nil limits are cleared: "no hard limit").
    public var settings: [StrategySetting] {
        func n(_ v: Int?) -> StrategySetting.Value { v.map { .number(Fixed6($0)) } ?? .null }
        let values: [(String, Int?)]
        switch self {
        case .conservative:
            values = [
                ("max_position_size_usd", 50), ("max_total_exposure_usd", 500), ("daily_budget_usd", 100),
                ("max_daily_loss_usd", 50), ("circuit_breaker_loss_pct", 10),
            ]
        case .moderate:
            values = [
                ("max_position_size_usd", 100), ("max_total_exposure_usd", nil), ("daily_budget_usd", 250),
                ("max_daily_loss_usd", 100), ("circuit_breaker_loss_pct", 20),
            ]
        case .aggressive:
            values = [
                ("max_position_size_usd", nil), ("max_total_exposure_usd", nil), ("daily_budget_usd", nil),
                ("max_daily_loss_usd", 200), ("circuit_breaker_loss_pct", 30),
            ]
        }
        return values.map { StrategySetting(column: $0.0, value: n($0.1)) }
    }
}
