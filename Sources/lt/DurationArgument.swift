import ArgumentParser

/// A duration on the command line: a whole number with a unit, `250ms`, `55s` or `1m`.
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible, Comparable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let units: [(suffix: String, unit: Duration)] = [
            ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)),
        ]
        for (suffix, unit) in units where argument.hasSuffix(suffix) {
            guard let n = Int(argument.dropLast(suffix.count)), n >= 0, n <= 86_400_000 else { return nil }
            self.init(unit * n)
            return
        }
        return nil
    }

    var milliseconds: Int64 {
        let c = duration.components
        return c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
    }

    var description: String { milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms" }

    static func < (a: DurationArgument, b: DurationArgument) -> Bool { a.duration < b.duration }
}
