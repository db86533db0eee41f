import LTCore

/// A request or scenario document that could not be used; `message` says which field and why.
public struct PaperInputError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed, error-reporting access to the fields of a JSON object (scenario files and control
/// bodies share it, so a bad field is reported the same way wherever it appears).
struct Fields {
    let json: JSON
    let context: String

    init(_ json: JSON, _ context: String) throws(PaperInputError) {
        guard case .object = json else { throw PaperInputError("\(context): expected a JSON object") }
        self.json = json
        self.context = context
    }

    func has(_ key: String) -> Bool {
        guard let v = json[key] else { return false }
        return !v.isNull
    }

    func raw(_ key: String) -> JSON? {
        guard let v = json[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(PaperInputError) -> String {
        guard let v = try optString(key) else { throw PaperInputError("\(context): missing \"\(key)\"") }
        return v
    }

    func optString(_ key: String) throws(PaperInputError) -> String? {
        guard let v = raw(key) else { return nil }
        guard let s = v.textValue else { throw PaperInputError("\(context): \"\(key)\" must be a string") }
        return s
    }

    func fixed(_ key: String) throws(PaperInputError) -> Fixed6 {
        guard let v = try optFixed(key) else { throw PaperInputError("\(context): missing \"\(key)\"") }
        return v
    }

    func optFixed(_ key: String) throws(PaperInputError) -> Fixed6? {
        guard let s = try optString(key) else { return nil }
        do { return try Fixed6(parsing: s) } catch {
            throw PaperInputError("\(context): \"\(key)\" is not a decimal with at most 6 places: \(s)")
        }
    }

    func optInt(_ key: String) throws(PaperInputError) -> Int64? {
        guard let s = try optString(key) else { return nil }
        if let i = Int64(s) { return i }
        // Accept a whole number written with a fraction of zeros ("2.0").
        if let f = try? Fixed6(parsing: s), f.micros % Fixed6.scale == 0 { return f.micros / Fixed6.scale }
        throw PaperInputError("\(context): \"\(key)\" must be an integer")
    }

    func int(_ key: String) throws(PaperInputError) -> Int64 {
        guard let v = try optInt(key) else { throw PaperInputError("\(context): missing \"\(key)\"") }
        return v
    }

    func optBool(_ key: String) throws(PaperInputError) -> Bool? {
        guard let v = raw(key) else { return nil }
        guard let b = v.boolValue else { throw PaperInputError("\(context): \"\(key)\" must be true or false") }
        return b
    }

    func array(_ key: String) throws(PaperInputError) -> [JSON] {
        guard let v = raw(key) else { return [] }
        guard let a = v.arrayValue else { throw PaperInputError("\(context): \"\(key)\" must be an array") }
        return a
    }

    func object(_ key: String) throws(PaperInputError) -> Fields? {
        guard let v = raw(key) else { return nil }
        return try Fields(v, "\(context).\(key)")
    }
}

/// Addresses are compared case-insensitively (EIP-55 only changes letter case).
func addressKey(_ s: String) -> String { s.lowercased() }
