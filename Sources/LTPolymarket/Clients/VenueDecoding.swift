import Foundation
import LTCore

/// Decoding helpers for venue JSON, which is loose about types: decimals arrive as strings or as
/// JSON numbers (with any number of digits), ids as strings or numbers, and absent values as
/// `null`, `""` or a missing key. Numbers are read through `Decimal` (which keeps the JSON text's
/// digits) and then parsed by `Fixed6` — never through `Double`.
extension KeyedDecodingContainer {
    /// A decimal that must be present. More than six decimals round half-even (venue prices and
    /// sizes computed in floating point elsewhere can carry noise digits).
    func decimal(_ key: Key) throws -> Fixed6 {
        guard let v = try decimalIfPresent(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "decimal required"))
        }
        return v
    }

    /// A decimal, or nil when missing, null or "".
    func decimalIfPresent(_ key: Key) throws -> Fixed6? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let text: String
        if let s = try? decode(String.self, forKey: key) {
            text = s
        } else if let d = try? decode(Decimal.self, forKey: key) {
            text = "\(d)"
        } else {
            throw DecodingError.typeMismatch(
                Fixed6.self, .init(codingPath: codingPath + [key], debugDescription: "expected a decimal"))
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        do {
            return try Fixed6(parsing: text, rounding: .halfEven)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "not a decimal: \(error.description)"))
        }
    }

    /// A string field that may also arrive as a number or bool; nil when missing or null.
    func looseString(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let s = try? decode(String.self, forKey: key) { return s }
        if let d = try? decode(Decimal.self, forKey: key) { return "\(d)" }
        if let b = try? decode(Bool.self, forKey: key) { return b ? "true" : "false" }
        throw DecodingError.typeMismatch(
            String.self, .init(codingPath: codingPath + [key], debugDescription: "expected a string"))
    }

    /// An identity field (condition id, asset id) without which the object means nothing: a missing,
    /// null or empty value is a decoding error naming the field and what it belonged to.
    func requiredString(_ key: Key, of what: String) throws -> String {
        guard let s = try looseString(key), !s.isEmpty else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "\(what) without \(key.stringValue)"))
        }
        return s
    }

    /// A bool that may arrive as "true"/"false"; `fallback` when missing or null.
    func looseBool(_ key: Key, default fallback: Bool = false) throws -> Bool {
        guard contains(key), try !decodeNil(forKey: key) else { return fallback }
        if let b = try? decode(Bool.self, forKey: key) { return b }
        if let s = try? decode(String.self, forKey: key) {
            switch s.lowercased() {
            case "true": return true
            case "false", "": return false
            default: break
            }
        }
        throw DecodingError.typeMismatch(
            Bool.self, .init(codingPath: codingPath + [key], debugDescription: "expected a bool"))
    }

    /// An array that is either a real JSON array or a string holding one (Gamma's `outcomes`,
    /// `clobTokenIds`, `outcomePrices`). Empty when missing, null or "".
    func stringArray(_ key: Key) throws -> [String] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        if let strings = try? decode([String].self, forKey: key) { return strings }
        if let decimals = try? decode([Decimal].self, forKey: key) { return decimals.map { "\($0)" } }
        let encoded = try decode(String.self, forKey: key)
        if encoded.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        let data = Data(encoded.utf8)
        if let strings = try? JSONDecoder().decode([String].self, from: data) { return strings }
        if let decimals = try? JSONDecoder().decode([Decimal].self, from: data) { return decimals.map { "\($0)" } }
        throw DecodingError.dataCorrupted(
            .init(codingPath: codingPath + [key], debugDescription: "expected an array or a JSON-encoded array"))
    }
}
