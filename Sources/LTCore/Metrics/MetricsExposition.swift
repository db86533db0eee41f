/// The Prometheus text exposition format (version 0.0.4) of a run's samples, as node_exporter's
/// textfile collector reads it: per family one `# HELP` and one `# TYPE … gauge` line, then its
/// samples, families and samples in the order the run reported them.
///
/// Written here rather than through swift-prometheus, which lt used before: its registry copies a
/// family's whole label-set dictionary for every labelled gauge it adds, so a file costs O(n²) in
/// the strategies. With 1,000 strategies (15,000 samples) that was 0.65 s of CPU in every cron tick
/// of every job; this is linear (docs/benchmarks.md "Idle tick"). The format's rules it follows are
/// few and all here: escaping, one block per family, float spelling. promtool checks the files lt
/// writes in the tests.
public enum MetricsExposition {
    public static func render(_ samples: [MetricSample]) -> String {
        // Families in first-seen order, each with its series (the rendered label set) and values; a
        // repeated series keeps its place and takes the later value (a series appears once in a
        // valid file).
        var families: [(name: String, series: [String], values: [Double])] = []
        var familyIndex: [String: Int] = [:]
        var seriesIndex: [SeriesKey: Int] = [:]
        seriesIndex.reserveCapacity(samples.count)
        for s in samples {
            let f: Int
            if let known = familyIndex[s.name] {
                f = known
            } else {
                f = families.count
                familyIndex[s.name] = f
                families.append((s.name, [], []))
            }
            let series = labelSet(s.labels)
            let key = SeriesKey(family: f, labels: series)
            if let i = seriesIndex[key] {
                families[f].values[i] = s.value
            } else {
                seriesIndex[key] = families[f].series.count
                families[f].series.append(series)
                families[f].values.append(s.value)
            }
        }
        // One growing string, appended to in place (each append a copy of native UTF-8).
        var out = ""
        out.reserveCapacity(samples.count * 100)
        for family in families {
            if let help = MetricFamily(rawValue: family.name)?.help, !help.isEmpty {
                out += "# HELP "
                out += family.name
                out += " "
                out += escapeHelp(help)
                out += "\n"
            }
            out += "# TYPE "
            out += family.name
            out += " gauge\n"
            for (series, value) in zip(family.series, family.values) {
                out += family.name
                out += series
                out += " "
                out += spell(value)
                out += "\n"
            }
        }
        return out
    }

    private struct SeriesKey: Hashable {
        var family: Int
        var labels: String
    }

    /// `{name="value",…}` (empty without labels).
    static func labelSet(_ labels: [MetricSample.Label]) -> String {
        if labels.isEmpty { return "" }
        var out = "{"
        out.reserveCapacity(80)
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            out += label.name
            out += "=\""
            out += escapeLabelValue(label.value)
            out += "\""
        }
        out += "}"
        return out
    }

    /// A value as the format spells floats: Swift's shortest round-trip form for finite values
    /// (`1.0`, `0.25`, `1e+20`), and `NaN`, `+Inf`, `-Inf`, which Swift would write `nan`, `inf`.
    public static func spell(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return "\(value)"
    }

    /// A label value: backslash, double quote and line feed escaped.
    public static func escapeLabelValue(_ value: String) -> String { escape(value, quotes: true) }

    /// Help text: backslash and line feed escaped (a quote is plain text there).
    public static func escapeHelp(_ help: String) -> String { escape(help, quotes: false) }

    private static func escape(_ text: String, quotes: Bool) -> String {
        let special = { (b: UInt8) in
            b == UInt8(ascii: "\\") || b == UInt8(ascii: "\n") || (quotes && b == UInt8(ascii: "\""))
        }
        // Most values (strategy ids, statuses) have nothing to escape: returned as they are.
        guard text.utf8.contains(where: special) else { return text }
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
