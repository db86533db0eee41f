import Foundation
import Testing

@testable import LTCore

/// The text exposition format lt writes for `--metrics-file` (docs/operations.md "Metrics"); the
/// process tests also run promtool over real files.
@Suite struct MetricsExpositionTests {
    typealias L = MetricSample.Label

    @Test func eachFamilyIsOneBlockInFirstSeenOrderWithItsHelpAndType() {
        let cash = MetricFamily.cash
        let samples = [
            MetricSample(cash.rawValue, [L("strategy_id", "a"), L("bucket", "available")], 10),
            MetricSample(MetricFamily.lastRunExitStatus.rawValue, [], 0),
            MetricSample(cash.rawValue, [L("strategy_id", "b"), L("bucket", "available")], 2.5),
        ]
        #expect(
            MetricsExposition.render(samples) == """
                # HELP lt_strategy_cash_usd \(cash.help)
                # TYPE lt_strategy_cash_usd gauge
                lt_strategy_cash_usd{strategy_id="a",bucket="available"} 10.0
                lt_strategy_cash_usd{strategy_id="b",bucket="available"} 2.5
                # HELP lt_job_last_run_exit_status \(MetricFamily.lastRunExitStatus.help)
                # TYPE lt_job_last_run_exit_status gauge
                lt_job_last_run_exit_status 0.0

                """)
    }

    /// The renderer writes names as they are (swift-prometheus checked them): every family and label
    /// name lt declares must be valid in the format.
    @Test func everyDeclaredNameIsValidInTheFormat() {
        func valid(_ name: String, colons: Bool) -> Bool {
            guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
            return name.unicodeScalars.allSatisfy { c in
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || (colons && c == ":"))
            }
        }
        for family in MetricFamily.allCases {
            #expect(valid(family.rawValue, colons: true), "\(family.rawValue)")
            for label in ["lt_job"] + family.labelNames {
                #expect(valid(label, colons: false) && !label.hasPrefix("__"), "\(family.rawValue): \(label)")
            }
        }
        #expect(!valid("9lives", colons: true) && !valid("a-b", colons: true) && !valid("a:b", colons: false))
    }

    @Test func aRepeatedSeriesKeepsItsPlaceAndTakesTheLaterValue() {
        let name = MetricFamily.items.rawValue
        let samples = [
            MetricSample(name, [L("item", "x")], 1), MetricSample(name, [L("item", "y")], 2),
            MetricSample(name, [L("item", "x")], 3),
        ]
        let lines = MetricsExposition.render(samples).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["lt_job_items{item=\"x\"} 3.0", "lt_job_items{item=\"y\"} 2.0"])
    }

    @Test func aFamilyWithoutHelpGetsOnlyItsTypeLine() {
        #expect(MetricsExposition.render([MetricSample("lt_other", [], 1)]) == "# TYPE lt_other gauge\nlt_other 1.0\n")
        #expect(MetricsExposition.render([]) == "")
    }

    @Test(
        arguments: [
            ("plain", "plain"), ("a\\b", "a\\\\b"), ("say \"hi\"", "say \\\"hi\\\""), ("two\nlines", "two\\nlines"),
            ("é ✓", "é ✓"),
        ])
    func labelValuesEscapeBackslashQuoteAndLineFeed(value: String, written: String) {
        #expect(MetricsExposition.escapeLabelValue(value) == written)
        let text = MetricsExposition.render([MetricSample("lt_x", [L("k", value)], 1)])
        #expect(text.contains("lt_x{k=\"\(written)\"} 1.0\n"))
    }

    @Test func helpEscapesBackslashAndLineFeedButNotQuotes() {
        #expect(MetricsExposition.escapeHelp("a \\ b\n\"c\"") == "a \\\\ b\\n\"c\"")
    }

    @Test(
        arguments: [
            (1.0, "1.0"), (0.25, "0.25"), (-3.5, "-3.5"), (1e20, "1e+20"), (123_456.789012, "123456.789012"),
            (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
        ])
    func valuesAreSpelledAsTheFormatReadsThem(value: Double, spelled: String) {
        #expect(MetricsExposition.spell(value) == spelled)
        // Whatever is spelled reads back as the same value (NaN as NaN).
        let back = Double(spelled.replacingOccurrences(of: "Inf", with: "inf"))
        #expect(back.map { $0 == value || ($0.isNaN && value.isNaN) } == true)
    }

    @Test func aWrittenLastSuccessIsReadBackFromTheRenderedFile() {
        let run = RunOutcome(
            job: "execute-1-of-2", result: .success, exitStatus: 0,
            startedAt: Date(timeIntervalSince1970: 1_800_000_000),
            finishedAt: Date(timeIntervalSince1970: 1_800_000_002))
        let books = BooksSnapshot(
            strategies: (0..<50).map { i in
                BooksSnapshot.StrategyBooks(
                    strategyID: "s\(i)", available: .zero, locked: .zero, cooldown: .zero, realizedPnL: .zero,
                    breakerActive: false, tradingState: "ACTIVE")
            }, notFinal: [:], createdToday: [:], oldestUnknownAt: nil, redemptions: [:])
        let text = MetricsExposition.render(
            JobMetrics.samples(run: run, summary: nil, books: books, previousLastSuccess: nil))
        #expect(JobMetrics.previousLastSuccess(in: text, job: "execute-1-of-2") == 1_800_000_002)
        #expect(JobMetrics.previousLastSuccess(in: text, job: "execute") == nil)
    }
}
