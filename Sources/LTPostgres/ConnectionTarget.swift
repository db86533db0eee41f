import CLibPQ
import Foundation
import LTCore

/// The parts of a connection string that may be shown: host, port, database and user. The password
/// is kept only to scrub it out of libpq's own error text, and never printed.
public struct ConnectionTarget: Sendable, CustomStringConvertible {
    public var host: String?
    public var port: String?
    public var database: String?
    public var user: String?
    let password: String?

    init(host: String?, port: String?, database: String?, user: String?, password: String?) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }

    /// Parses a URI or conninfo string with libpq's own parser. A string libpq cannot parse is a
    /// configuration error whose message does not repeat the string (it may hold a password).
    public init(parsing url: String) throws(DatabaseError) {
        var err: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &err) else {
            if let err { PQfreemem(err) }
            throw DatabaseError(
                .configuration,
                "DATABASE_URL is not a valid libpq URI (postgresql://user@host:port/db) or conninfo string "
                    + "(host=... dbname=...)")
        }
        defer { PQconninfoFree(options) }
        var fields: [String: String] = [:]
        var p = options
        while let keyword = p.pointee.keyword {
            if let v = p.pointee.val { fields[String(cString: keyword)] = String(cString: v) }
            p += 1
        }
        if let problem = Self.invalidOption(fields) {
            throw DatabaseError(.configuration, "DATABASE_URL: \(problem)")
        }
        self.init(
            host: fields["host"] ?? fields["hostaddr"], port: fields["port"], database: fields["dbname"],
            user: fields["user"], password: fields["password"])
    }

    /// Values libpq accepts in the string but rejects only when it connects, which would read as an
    /// unreachable server (69) instead of a setting to fix (78). Names the option, and shows the
    /// value: none of these options holds a secret.
    static func invalidOption(_ fields: [String: String]) -> String? {
        let choices: [(String, [String])] = [
            ("sslmode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]),
            ("gssencmode", ["disable", "prefer", "require"]),
            ("channel_binding", ["disable", "prefer", "require"]),
            ("target_session_attrs", ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"]),
            ("load_balance_hosts", ["disable", "random"]),
        ]
        for (option, allowed) in choices {
            if let v = fields[option], !v.isEmpty, !allowed.contains(v) {
                return "\(option)=\(shown(v)) is not one of \(allowed.joined(separator: ", "))"
            }
        }
        if let ports = fields["port"], !ports.isEmpty {
            // One port, or one per host (comma-separated); an empty element means the default.
            for p in ports.split(separator: ",", omittingEmptySubsequences: false) where !p.isEmpty {
                guard let n = Int(p), (1...65_535).contains(n) else {
                    return "port=\(shown(ports)) is not a port number (1-65535)"
                }
            }
        }
        for option in ["connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count"] {
            if let v = fields[option], !v.isEmpty, Int(v.trimmingCharacters(in: .whitespaces)) == nil {
                return "\(option)=\(shown(v)) is not an integer"
            }
        }
        return nil
    }

    private static func shown(_ v: String) -> String { "'" + TextEscaping.controls(String(v.prefix(40))) + "'" }

    /// `database "lt" on host "db.example" port 5432 as user "lt"`: what to say when something fails.
    public var description: String {
        var s = "database \"\(database ?? user ?? "?")\" on host \"\(host ?? "default socket")\""
        if let port, !port.isEmpty { s += " port \(port)" }
        if let user { s += " as user \"\(user)\"" }
        return s
    }

    /// Removes the password from text that libpq produced (it can echo connection parameters).
    func scrub(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}

/// A connection string with any password replaced by `***`, for the rare place that must show it.
/// Handles URIs (`postgresql://user:secret@host/db`, `?password=secret`) and conninfo
/// (`password=secret`, `password='se cret'`).
public func redactDatabaseURL(_ url: String) -> String {
    var s = url
    // URI userinfo: scheme://user:password@host
    if let schemeEnd = s.range(of: "://") {
        let rest = s[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@"),
            let colon = rest[..<at].firstIndex(of: ":")
        {
            s.replaceSubrange(s.index(after: colon)..<at, with: "***")
        }
    }
    // password=value in a URI query or conninfo (quoted or bare).
    var out = ""
    var i = s.startIndex
    while i < s.endIndex {
        let atBoundary = i == s.startIndex || " ?&\t".contains(s[s.index(before: i)])
        if atBoundary, s[i...].hasPrefix("password") {
            // Allow spaces around '=' as conninfo does.
            var j = s.index(i, offsetBy: 8)
            while j < s.endIndex, s[j] == " " { j = s.index(after: j) }
            if j < s.endIndex, s[j] == "=" {
                j = s.index(after: j)
                while j < s.endIndex, s[j] == " " { j = s.index(after: j) }
                out += "password=***"
                if j < s.endIndex, s[j] == "'" {
                    j = s.index(after: j)
                    while j < s.endIndex, s[j] != "'" {
                        if s[j] == "\\" { j = s.index(after: j) }
                        if j < s.endIndex { j = s.index(after: j) }
                    }
                    if j < s.endIndex { j = s.index(after: j) }
                } else {
                    while j < s.endIndex, !" &\t".contains(s[j]) { j = s.index(after: j) }
                }
                i = j
                continue
            }
        }
        out.append(s[i])
        i = s.index(after: i)
    }
    return out
}
