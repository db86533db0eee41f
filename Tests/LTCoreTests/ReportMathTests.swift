import Foundation
import Testing

@testable import LTCore

/// `lt report`'s math (issue 14 §4), table-driven: nearest-rank percentiles, slippage in bps with
/// its sign, percentages, the window of --since/--until/--window, and one strategy's figures.
@Suite struct ReportMathTests {
    static func fx(_ s: String) -> Fixed6 { try! Fixed6(parsing: s) }

    @Test func nearestRankPercentiles() {
        let cases: [([Int64], Int, Int64?)] = [
            ([], 50, nil), ([5], 50, 5), ([5], 99, 5), ([5], 0, nil), ([5], 101, nil),
            (Array(1...10), 50, 5), (Array(1...10), 95, 10), (Array(1...10), 99, 10),
            (Array(1...20), 50, 10), (Array(1...20), 95, 19), (Array(1...20), 99, 20),
            (Array(1...100), 50, 50), (Array(1...100), 95, 95), (Array(1...100), 99, 99), (Array(1...100), 100, 100),
            ([30, 10, 20], 50, 20), ([1200, 300, 800, 400], 50, 400), ([1200, 300, 800, 400], 95, 1200),
        ]
        for (values, pct, want) in cases {
            #expect(ReportMath.percentile(values, pct) == want, "p\(pct) of \(values)")
        }
        #expect(ReportMath.percentile([Self.fx("400"), Self.fx("-250")], 50) == Self.fx("-250"))
    }

    @Test func slippageInBasisPointsPositiveIsWorse() {
        let cases: [(String?, String?, String?)] = [
            ("0.50", "0.52", "400"), ("0.40", "0.39", "-250"), ("0.5", "0.5", "0"),
            ("0.333333", "0.34", "200.01"),  // 66.67 / 0.333333 = 200.0102… → 0.01 bps
            ("0.07", "0.071", "142.86"), (nil, "0.5", nil), ("0", "0.5", nil), ("0.5", nil, nil), ("0.5", "0", nil),
        ]
        for (signal, executed, want) in cases {
            #expect(
                ReportMath.slippageBps(signalPrice: signal.map(Self.fx), executedPrice: executed.map(Self.fx))
                    == want.map(Self.fx), "\(signal ?? "nil") -> \(executed ?? "nil")")
        }
    }

    @Test func percentages() {
        let cases: [(String, String, String?)] = [
            ("3", "4", "75"), ("1", "3", "33.33"), ("2", "3", "66.67"), ("25", "35", "71.43"), ("0", "5", "0"),
            ("1", "0", nil), ("1", "-1", nil),
        ]
        for (part, whole, want) in cases {
            #expect(ReportMath.percent(Self.fx(part), of: Self.fx(whole)) == want.map(Self.fx))
        }
    }

    @Test func windowDurations() {
        let cases: [(String, Int?)] = [
            ("90m", 5400), ("24h", 86400), ("7d", 604_800), ("1d", 86400), ("0h", nil), ("-1d", nil), ("7", nil),
            ("7w", nil), ("", nil), ("d", nil), ("99999d", nil),
        ]
        for (text, want) in cases { #expect(ReportWindow.seconds(parsing: text) == want, "\(text)") }
    }

    @Test func windowResolution() {
        let now = UTCTimestamp.parse("2026-11-24T12:00:00Z")!
        let t = { (s: String) in UTCTimestamp.parse(s)! }
        typealias Case = (Date?, Date?, Int?, (String, String)?)
        let cases: [Case] = [
            (nil, nil, nil, ("2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z")),
            (nil, nil, 7 * 86400, ("2026-11-17T12:00:00Z", "2026-11-24T12:00:00Z")),
            (t("2026-11-24T00:00:00Z"), nil, nil, ("2026-11-24T00:00:00Z", "2026-11-24T12:00:00Z")),
            (t("2026-11-20T00:00:00Z"), nil, 86400, ("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z")),
            (nil, t("2026-11-20T00:00:00Z"), 3600, ("2026-11-19T23:00:00Z", "2026-11-20T00:00:00Z")),
            (
                t("2026-11-20T00:00:00Z"), t("2026-11-21T00:00:00Z"), nil,
                ("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z")
            ),
            (t("2026-11-20T00:00:00Z"), t("2026-11-21T00:00:00Z"), 60, nil),  // all three
            (t("2026-11-21T00:00:00Z"), t("2026-11-21T00:00:00Z"), nil, nil),  // empty
            (t("2026-11-25T00:00:00Z"), nil, nil, nil),  // since after now
        ]
        for (since, until, seconds, want) in cases {
            let got = try? ReportWindow.resolve(since: since, until: until, windowSeconds: seconds, now: now).get()
            #expect(got == want.map { ReportWindow(since: t($0.0), until: t($0.1)) })
        }
    }

    /// Hand-computed: 5 BUY decisions (2 filled, 1 skipped, 1 unfilled, 1 pending) and one exit.
    @Test func figuresOfOneStrategy() {
        let d: [ReportDecisionRow] = [
            ReportDecisionRow(
                strategyID: "s", leader: "A", side: .buy, status: .filled, signalPrice: Self.fx("0.50"),
                executedPrice: Self.fx("0.52"), requestedUSD: 10, executedUSD: 10, executedShares: Self.fx("19.230769"),
                feesUSD: Self.fx("0.1"), latencyMs: 800),
            ReportDecisionRow(strategyID: "s", leader: "A", side: .buy, status: .skipped, skipReason: "STALE_SIGNAL"),
            ReportDecisionRow(
                strategyID: "s", leader: "A", side: .buy, status: .unfilled, requestedUSD: 5, latencyMs: 400),
            ReportDecisionRow(
                strategyID: "s", leader: "B", side: .buy, status: .filled, signalPrice: Self.fx("0.40"),
                executedPrice: Self.fx("0.39"), requestedUSD: 20, executedUSD: 15, executedShares: Self.fx("38.461538"),
                feesUSD: Self.fx("0.2"), latencyMs: 1200),
            ReportDecisionRow(
                strategyID: "s", leader: "B", side: .buy, status: .submitted, requestedUSD: 8, latencyMs: 300),
            ReportDecisionRow(
                strategyID: "s", leader: "B", side: .sell, status: .filled, executedUSD: Self.fx("4.5"),
                executedShares: 10, feesUSD: Self.fx("0.05")),
        ]
        let f = ReportFigures.of(
            decisions: d,
            pnl: [
                ReportPnLRow(strategyID: "s", leader: "A", pnl: Self.fx("9.130769")),
                ReportPnLRow(strategyID: "s", leader: "B", pnl: Self.fx("0.3")),
            ], ft: [],
            backlog: [
                ReportBacklogRow(
                    strategyID: "s", leader: "A", payoutUSD: Self.fx("19.230769"),
                    resolvedAt: UTCTimestamp.parse("2026-11-24T20:00:00Z")),
                ReportBacklogRow(
                    strategyID: "s", leader: "A", payoutUSD: 1, resolvedAt: UTCTimestamp.parse("2026-11-24T08:00:00Z")),
            ])
        #expect(f.signalsSeen == 5 && f.copied == 4 && f.skipped == 1 && f.filled == 2 && f.pending == 1)
        #expect(f.skippedByReason == ["STALE_SIGNAL": 1])
        #expect(f.copyRatePct == 80)
        #expect(f.fillRatePct == Self.fx("71.43"))  // 25 of 35 over final orders; the SUBMITTED one waits
        #expect(f.slippageBps == ReportPercentiles([Self.fx("400"), Self.fx("-250")]))
        #expect(f.slippageBps.p50 == Self.fx("-250") && f.slippageBps.p95 == 400 && f.slippageBps.count == 2)
        #expect(f.latencyMs.p50 == 400 && f.latencyMs.p95 == 1200 && f.latencyMs.p99 == 1200 && f.latencyMs.count == 4)
        #expect(f.exits == 1 && f.exitsFilled == 1)
        #expect(f.feesUSD == Self.fx("0.35"))
        #expect(f.realizedPnl == Self.fx("9.430769"))
        #expect(f.redemptionBacklog.rows == 2 && f.redemptionBacklog.payoutUSD == Self.fx("20.230769"))
        #expect(f.redemptionBacklog.oldestResolvedAt == UTCTimestamp.parse("2026-11-24T08:00:00Z"))
        #expect(ReportFigures.of(decisions: [], pnl: [], ft: [], backlog: []).copyRatePct == nil)
    }

    @Test func csvFieldsAreQuotedWhenNeeded() {
        let cases: [(String, String)] = [
            ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("", ""),
        ]
        for (field, want) in cases { #expect(Report.Summary.csvField(field) == want) }
    }
}
