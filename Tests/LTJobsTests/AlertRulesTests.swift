import Foundation
import LTCore
import Testing

/// examples/prometheus/lt-alerts.yml: valid for Prometheus (promtool), each alert tested on series
/// (lt-alerts.test.yml), complete (severity, summary, runbook section) and only about metrics lt
/// writes.
@Suite struct AlertRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let rules = root.appendingPathComponent("examples/prometheus/lt-alerts.yml")
    static let ruleTests = root.appendingPathComponent("examples/prometheus/lt-alerts.test.yml")

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// The alerts of the rules file, each with its block of lines.
    static func alerts() throws -> [(name: String, block: String)] {
        var out: [(String, String)] = []
        for line in try text(rules).split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- alert:") {
                out.append((String(trimmed.dropFirst("- alert:".count)).trimmingCharacters(in: .whitespaces), ""))
            } else if !out.isEmpty, !trimmed.hasPrefix("#") {
                out[out.count - 1].1 += trimmed + "\n"
            }
        }
        return out
    }

    @Test func promtoolAcceptsTheRulesAndTheirTestsPass() throws {
        let checked = try PromTool.run(["check", "rules", Self.rules.path])
        #expect(checked.contains("SUCCESS: \(try Self.alerts().count) rules found"), "\(checked)")
        try PromTool.run(["test", "rules", Self.ruleTests.path])
    }

    @Test func everyAlertHasSeverityAnnotationsARunbookSectionAndATest() throws {
        let alerts = try Self.alerts()
        #expect(
            alerts.map(\.name).sorted() == [
                "LTBooksDrift", "LTCircuitBreakerTripped", "LTExitsFailing", "LTJobFailing", "LTJobNotSucceeding",
                "LTRedemptionFailing", "LTUnknownOrderTooOld",
            ])
        let runbook = try Self.text(Self.root.appendingPathComponent("docs/runbook.md"))
        let alertSection = try #require(runbook.range(of: "\n## Alerts\n")).upperBound
        let tests = try Self.text(Self.ruleTests)
        for (name, block) in alerts {
            for field in ["expr:", "for:", "labels:", "annotations:", "summary:", "description:"] {
                #expect(block.contains("\n\(field)") || block.hasPrefix(field), "\(name) has no \(field)")
            }
            let severity = block.split(separator: "\n").first { $0.hasPrefix("severity:") }
            #expect(
                severity == "severity: critical" || severity == "severity: warning", "\(name): \(severity ?? "none")")
            #expect(block.contains("runbook: \"docs/runbook.md#\(name.lowercased())\""), "\(name) runbook link")
            #expect(runbook[alertSection...].contains("\n### \(name)\n"), "docs/runbook.md has no ### \(name)")
            #expect(tests.contains("alertname: \(name)\n"), "\(name) has no promtool test")
        }
    }

    /// Every metric a rule or a rule test names is one lt writes (`MetricFamily`), so a rename in
    /// lt cannot silently turn an alert off.
    @Test func everyMetricNamedIsOneLTWrites() throws {
        let written = Set(MetricFamily.allCases.map(\.rawValue))
        let labelNames = Set(MetricFamily.allCases.flatMap(\.labelNames) + ["lt_job"])
        for url in [Self.rules, Self.ruleTests] {
            let names = Self.identifiers(in: try Self.text(url)).filter {
                $0.hasPrefix("lt_") && !labelNames.contains($0)
            }
            #expect(!names.isEmpty)
            for name in names { #expect(written.contains(name), "\(url.lastPathComponent) names \(name)") }
        }
    }

    /// docs/operations.md's table names every family lt writes, with its labels, and no other.
    @Test func theOperationsTableDocumentsEveryMetricAndItsLabels() throws {
        let doc = try Self.text(Self.root.appendingPathComponent("docs/operations.md"))
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `lt_") }
        var documented = Set<String>()
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented.insert(name)
            guard let family = MetricFamily(rawValue: name) else {
                Issue.record("docs/operations.md documents \(name), which lt does not write")
                continue
            }
            for label in family.labelNames { #expect(cells[1].contains("`\(label)`"), "\(name): label \(label)") }
        }
        #expect(documented == Set(MetricFamily.allCases.map(\.rawValue)))
    }

    static func identifiers(in text: String) -> Set<String> {
        var out = Set<String>()
        var current = ""
        for c in text.unicodeScalars {
            if ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" {
                current.unicodeScalars.append(c)
            } else {
                if !current.isEmpty { out.insert(current) }
                current = ""
            }
        }
        if !current.isEmpty { out.insert(current) }
        return out
    }
}
