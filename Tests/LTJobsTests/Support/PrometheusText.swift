import Foundation

/// A strict reader of the Prometheus text exposition format (version 0.0.4), as node_exporter's
/// textfile collector reads it: every line is a HELP, TYPE or comment line or a sample; names and
/// label names are valid; label values are quoted with only \\, \" and \n escapes; a family's TYPE
/// comes once, before its samples; no series repeats; the text ends with a newline. Anything else
/// throws, naming the line.
struct PrometheusText {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// "name{a=\"x\",b=\"y\"}" (labels sorted) → value.
    private(set) var samples: [String: Double] = [:]
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Invalid(description: "the text does not end with a newline") }
        var samplesSeen = Set<String>()  // families whose samples started
        for (number, raw) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            func fail(_ why: String) -> Invalid { Invalid(description: "line \(number + 1) \(why): \(line)") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#", ["HELP", "TYPE"].contains(parts[1]) else { continue }
                guard Self.isName(parts[2]) else { throw fail("bad metric name") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw fail("bad type") }
                    guard types[parts[2]] == nil, !samplesSeen.contains(parts[2]) else {
                        throw fail("TYPE repeated or after the family's samples")
                    }
                    types[parts[2]] = parts[3]
                }
                continue
            }
            guard !line.isEmpty else { throw fail("empty line") }
            var i = line.startIndex
            while i < line.endIndex, line[i] != "{", line[i] != " " { i = line.index(after: i) }
            let name = String(line[..<i])
            guard Self.isName(name) else { throw fail("bad metric name") }
            var labels: [(String, String)] = []
            if i < line.endIndex, line[i] == "{" {
                i = line.index(after: i)
                while true {
                    guard i < line.endIndex else { throw fail("unterminated labels") }
                    if line[i] == "}" {
                        i = line.index(after: i)
                        break
                    }
                    var j = i
                    while j < line.endIndex, line[j] != "=" { j = line.index(after: j) }
                    let labelName = String(line[i..<j])
                    guard Self.isLabelName(labelName), j < line.endIndex else { throw fail("bad label name") }
                    j = line.index(after: j)
                    guard j < line.endIndex, line[j] == "\"" else { throw fail("unquoted label value") }
                    j = line.index(after: j)
                    var value = ""
                    while true {
                        guard j < line.endIndex else { throw fail("unterminated label value") }
                        let c = line[j]
                        if c == "\"" { break }
                        if c == "\\" {
                            j = line.index(after: j)
                            guard j < line.endIndex else { throw fail("dangling escape") }
                            switch line[j] {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: throw fail("bad escape")
                            }
                        } else {
                            value.append(c)
                        }
                        j = line.index(after: j)
                    }
                    guard !labels.contains(where: { $0.0 == labelName }) else { throw fail("label repeated") }
                    labels.append((labelName, value))
                    i = line.index(after: j)
                    if i < line.endIndex, line[i] == "," { i = line.index(after: i) }
                }
            }
            guard i < line.endIndex, line[i] == " " else { throw fail("no value") }
            let rest = line[line.index(after: i)...].split(separator: " ", omittingEmptySubsequences: false)
            guard (1...2).contains(rest.count), let value = Self.value(String(rest[0])) else { throw fail("bad value") }
            if rest.count == 2, Int64(rest[1]) == nil { throw fail("bad timestamp") }
            let key = Self.key(name, labels)
            guard samples[key] == nil else { throw fail("series repeated") }
            samples[key] = value
            samplesSeen.insert(name)
        }
    }

    static func key(_ name: String, _ labels: [(String, String)]) -> String {
        let sorted = labels.sorted { $0.0 < $1.0 }
        return sorted.isEmpty ? name : name + "{" + sorted.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[Self.key(name, labels.map { ($0.key, $0.value) })]
    }

    static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else {
            return false
        }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == ":" }
    }

    static func isLabelName(_ s: String) -> Bool { isName(s) && !s.contains(":") }

    static func value(_ s: String) -> Double? {
        switch s {
        case "NaN": return .nan
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(s)
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
