import Foundation

/// Configuration comes from the environment only (design §6). Loading validates what it reads;
/// a job that needs more than the database asks for its variables with `require`, and a missing or
/// invalid one is a `ConfigError` (exit 78) naming the variable. Values are never echoed when they
/// could be secret: errors name the variable, not its content.
public struct Config: Sendable {
    public enum LogFormat: String, Sendable, CaseIterable {
        case json
        case text
    }

    /// The raw environment, kept so jobs can `require` their own variables.
    public let environment: [String: String]
    public let databaseURL: String
    /// nil: choose by terminal (text on a TTY, JSON otherwise).
    public let logFormat: LogFormat?
    /// `LT_LIVE_TRADING=1` is the environment's half of the two keys for live orders; `0` or unset
    /// is off; any other value is a `ConfigError`.
    public let liveTrading: Bool

    /// Reads and validates the variables every database job needs.
    public init(environment env: [String: String]) throws(ConfigError) {
        environment = env
        guard let url = env["DATABASE_URL"], !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigError(variable: "DATABASE_URL", reason: "is not set (a libpq URI or conninfo string)")
        }
        databaseURL = url
        switch env["LT_LOG_FORMAT"] {
        case nil, "": logFormat = nil
        case let v?:
            guard let f = LogFormat(rawValue: v.lowercased()) else {
                throw ConfigError(variable: "LT_LOG_FORMAT", reason: "must be json or text, got \(v)")
            }
            logFormat = f
        }
        // Exactly "1" arms live trading and "0" (or unset/empty) does not. Anything else — "true",
        // "TRUE", "yes", " 1" — is refused rather than guessed: this switch decides real money.
        switch env["LT_LIVE_TRADING"] {
        case nil, "", "0": liveTrading = false
        case "1": liveTrading = true
        case let v?:
            throw ConfigError(
                variable: "LT_LIVE_TRADING",
                reason:
                    "must be 1 (live orders allowed) or 0/unset, got '\(TextEscaping.controls(String(v.prefix(20))))'")
        }
    }

    /// A variable a job cannot run without (e.g. `LT_CLOB_URL` for execute).
    public func require(_ name: String) throws(ConfigError) -> String {
        guard let v = environment[name], !v.isEmpty else { throw ConfigError(variable: name, reason: "is not set") }
        return v
    }

    /// A required `http://` or `https://` URL.
    public func requireURL(_ name: String) throws(ConfigError) -> String {
        let v = try require(name)
        guard v.hasPrefix("http://") || v.hasPrefix("https://") else {
            throw ConfigError(variable: name, reason: "must be an http:// or https:// URL")
        }
        return v
    }

    public func optional(_ name: String) -> String? {
        guard let v = environment[name], !v.isEmpty else { return nil }
        return v
    }
}

/// A missing or invalid setting (exit 78).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var variable: String
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable) \(reason)" }
}
