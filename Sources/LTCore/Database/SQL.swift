import Foundation

/// A SQL statement whose interpolated values are bound parameters, never spliced text.
///
/// `"SELECT * FROM lt_orders WHERE strategy_id = \(id) AND status = \(status)"` renders as
/// `... strategy_id = $1 AND status = $2` with two parameters, so a value can contain quotes,
/// semicolons or `$1` and is still stored verbatim. Splicing raw text needs the visibly unsafe
/// spelling `\(unsafeRaw: identifier)`, reserved for identifiers and constants the code controls.
/// Fragments compose: `\(fragment)` appends another `SQL` and renumbers its parameters.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case text(String)
        case bind(String?)
    }

    var parts: [Part]

    public init(stringLiteral value: String) { parts = [.text(value)] }

    public init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    /// Raw SQL text with no parameters. The name says what it is: nothing in `text` is escaped.
    public init(unsafeRaw text: String) { parts = [.text(text)] }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) { parts.append(.text(literal)) }

        /// A value: becomes `$n` and a bound parameter.
        public mutating func appendInterpolation(_ value: some SQLEncodable) { parts.append(.bind(value.sqlText)) }

        /// An optional value: NULL when nil.
        public mutating func appendInterpolation(_ value: (some SQLEncodable)?) {
            parts.append(.bind(value?.sqlText))
        }

        /// Another statement fragment, its parameters renumbered into this one.
        public mutating func appendInterpolation(_ fragment: SQL) { parts.append(contentsOf: fragment.parts) }

        /// Raw text spliced into the statement. Only for identifiers and constants the code controls.
        public mutating func appendInterpolation(unsafeRaw text: String) { parts.append(.text(text)) }
    }

    /// The statement text with `$1`, `$2`, … placeholders and the parameters in order (text format;
    /// nil is NULL).
    public var rendered: (text: String, parameters: [String?]) {
        var text = ""
        var parameters: [String?] = []
        for part in parts {
            switch part {
            case .text(let t): text += t
            case .bind(let v):
                parameters.append(v)
                text += "$\(parameters.count)"
            }
        }
        return (text, parameters)
    }

    /// The statement text only: parameters are never shown, so logging a statement cannot leak a value.
    public var description: String { rendered.text }

    /// Joins fragments with a separator (e.g. `", "` or `" AND "`).
    public static func joined(_ fragments: [SQL], separator: String) -> SQL {
        var result = SQL(unsafeRaw: "")
        for (i, f) in fragments.enumerated() {
            if i > 0 { result.parts.append(.text(separator)) }
            result.parts.append(contentsOf: f.parts)
        }
        return result
    }

    public static func + (a: SQL, b: SQL) -> SQL {
        var r = a
        r.parts.append(contentsOf: b.parts)
        return r
    }
}

/// A Swift value that can be sent as a text-format parameter.
public protocol SQLEncodable {
    /// The parameter in Postgres text input format; nil sends NULL.
    var sqlText: String? { get }
}

/// A Swift value that can be read from a column in Postgres text output format.
public protocol SQLDecodable {
    init(sqlText: String) throws(RowDecodingError)
}

public struct RowDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: String
    public var message: String

    public init(column: String = "?", message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}

// MARK: - Conformances

extension String: SQLEncodable, SQLDecodable {
    public var sqlText: String? { self }
    public init(sqlText: String) { self = sqlText }
}

/// Integer columns (int2/int4/int8) share one text codec.
public protocol SQLInteger: FixedWidthInteger, SQLEncodable, SQLDecodable {}

extension SQLInteger {
    public var sqlText: String? { String(self) }
    public init(sqlText: String) throws(RowDecodingError) {
        guard let v = Self(sqlText, radix: 10) else {
            throw RowDecodingError(message: "not a \(Self.self): \(sqlText)")
        }
        self = v
    }
}

extension Int: SQLInteger {}
extension Int64: SQLInteger {}
extension Int32: SQLInteger {}

extension Bool: SQLEncodable, SQLDecodable {
    public var sqlText: String? { self ? "true" : "false" }
    public init(sqlText: String) throws(RowDecodingError) {
        switch sqlText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw RowDecodingError(message: "not a boolean: \(sqlText)")
        }
    }
}

extension Fixed6: SQLEncodable, SQLDecodable {
    /// Always the exact six-decimal text: NUMERIC(20,6) stores it without rounding.
    public var sqlText: String? { exactText }
    public init(sqlText: String) throws(RowDecodingError) {
        do {
            self = try Fixed6(parsing: sqlText)
        } catch {
            throw RowDecodingError(message: "not a 6-decimal amount (\(error)): \(sqlText)")
        }
    }
}

extension UUID: SQLEncodable, SQLDecodable {
    public var sqlText: String? { uuidString.lowercased() }
    public init(sqlText: String) throws(RowDecodingError) {
        guard let v = UUID(uuidString: sqlText) else { throw RowDecodingError(message: "not a uuid: \(sqlText)") }
        self = v
    }
}

extension Date: SQLEncodable, SQLDecodable {
    /// ISO 8601 in UTC with microseconds (timestamptz precision).
    public var sqlText: String? { UTCTimestamp.format(self) }
    public init(sqlText: String) throws(RowDecodingError) {
        guard let d = UTCTimestamp.parse(sqlText) else {
            throw RowDecodingError(message: "not a timestamp: \(sqlText)")
        }
        self = d
    }
}

extension UTCDay: SQLEncodable, SQLDecodable {
    public var sqlText: String? { description }
    public init(sqlText: String) throws(RowDecodingError) {
        guard let d = UTCDay(parsing: sqlText) else { throw RowDecodingError(message: "not a date: \(sqlText)") }
        self = d
    }
}

/// Arrays go as Postgres array literals (`{"a","b"}`), for `= ANY(\(ids))`.
extension Array: SQLEncodable where Element: SQLEncodable {
    public var sqlText: String? {
        // One pass, no Foundation: execute binds every active strategy's id this way on every run,
        // idle ones included (a thousand ids cost milliseconds through replacingOccurrences).
        var out = "{"
        for (i, element) in enumerated() {
            if i > 0 { out.unicodeScalars.append(",") }
            guard let t = element.sqlText else {
                out += "NULL"
                continue
            }
            out.unicodeScalars.append("\"")
            for c in t.unicodeScalars {
                if c == "\\" || c == "\"" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(c)
            }
            out.unicodeScalars.append("\"")
        }
        out.unicodeScalars.append("}")
        return out
    }
}

/// Enums whose raw value is their schema spelling bind and decode as that text.
public protocol SQLStringEnum: SQLEncodable, SQLDecodable, RawRepresentable where RawValue == String {}

extension SQLStringEnum {
    public var sqlText: String? { rawValue }
    public init(sqlText: String) throws(RowDecodingError) {
        guard let v = Self(rawValue: sqlText) else {
            throw RowDecodingError(message: "unknown \(Self.self) value: \(sqlText)")
        }
        self = v
    }
}

extension Side: SQLStringEnum {}
extension OrderType: SQLStringEnum {}
extension OrderStatus: SQLStringEnum {}
extension StrategyMode: SQLStringEnum {}
extension TradingState: SQLStringEnum {}
extension SizingMode: SQLStringEnum {}
extension ExitReason: SQLStringEnum {}
extension PositionOutcome: SQLStringEnum {}
extension RedemptionStatus: SQLStringEnum {}

// MARK: - Rows

/// One result row in text format, addressed by column name.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]
    let index: [String: Int]

    public init(columns: [String], values: [String?], index: [String: Int]? = nil) {
        self.columns = columns
        self.values = values
        self.index = index ?? Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The raw text of a column (nil for NULL). Throws when the column is not in the result.
    public func text(_ column: String) throws(RowDecodingError) -> String? {
        guard let i = index[column] else {
            throw RowDecodingError(
                column: column, message: "no such column in result (\(columns.joined(separator: ", ")))")
        }
        return values[i]
    }

    /// A non-NULL column decoded as `T`; NULL is an error naming the column.
    public func decode<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws(RowDecodingError) -> T {
        guard let t = try text(column) else { throw RowDecodingError(column: column, message: "unexpected NULL") }
        do {
            return try T(sqlText: t)
        } catch {
            throw RowDecodingError(column: column, message: error.message)
        }
    }

    /// A nullable column decoded as `T?`.
    public func decode<T: SQLDecodable>(_ column: String, as type: T?.Type) throws(RowDecodingError) -> T? {
        guard let t = try text(column) else { return nil }
        do {
            return try T(sqlText: t)
        } catch {
            throw RowDecodingError(column: column, message: error.message)
        }
    }
}
extension Settlement: SQLStringEnum {}
