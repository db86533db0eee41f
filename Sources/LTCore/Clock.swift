import Foundation

/// The time port. Jobs ask the context's clock, never `Date()`, so tests fix the instant.
/// (Named `WallClock` because `Clock` is the standard library's monotonic-clock protocol.)
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real time.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always answers the same instant (tests, `--now`).
public struct FixedClock: WallClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    /// Parses an ISO 8601 UTC instant such as `2026-11-23T23:59:59Z`; nil when malformed.
    public init?(iso8601 text: String) {
        guard let d = UTCTimestamp.parse(text) else { return nil }
        instant = d
    }
    public func now() -> Date { instant }
}

/// A clock that starts at a given instant and then advances in real time: `--now` for a run that
/// lasts (`lt execute --follow` crossing a UTC midnight in a test).
public struct AdvancingClock: WallClock {
    let offset: TimeInterval
    public init(from start: Date) { offset = start.timeIntervalSinceNow }
    public func now() -> Date { Date().addingTimeInterval(offset) }
}

/// A calendar day in UTC (what `DATE` columns such as `last_reset_date` hold). Pure integer math:
/// no `Calendar`, no time zone database, no locale.
public struct UTCDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC day containing `date`.
    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        (year, month, day) = UTCDay.civil(fromDays: days)
    }

    public init?(parsing text: String) {
        let f = text.split(separator: "-", omittingEmptySubsequences: false)
        guard f.count == 3, f[0].count == 4, f[1].count == 2, f[2].count == 2,
            let y = Int(f[0]), let m = Int(f[1]), let d = Int(f[2]),
            (1...12).contains(m), (1...UTCDay.daysIn(year: y, month: m)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int { UTCDay.days(fromCivil: year, month, day) }

    /// 00:00:00 UTC of this day.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch * 86_400)) }

    public func adding(days n: Int) -> UTCDay {
        let (y, m, d) = UTCDay.civil(fromDays: daysSinceEpoch + n)
        return UTCDay(year: y, month: m, day: d)
    }

    public var description: String {
        let y = String(year).leftPadded(to: 4)
        return "\(y)-\(String(month).leftPadded(to: 2))-\(String(day).leftPadded(to: 2))"
    }

    public static func < (a: UTCDay, b: UTCDay) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = UTCDay(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil / civil-from-days (proleptic Gregorian).
    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// UTC timestamps as text: ISO 8601 out, ISO 8601 or Postgres' ISO output (`2026-11-23 20:33:23.5+00`) in.
public enum UTCTimestamp {
    /// `2026-11-23T20:33:23.123456Z` (microseconds, the precision of `timestamptz`).
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 {
            frac += 1_000_000
            secs -= 1
        }
        let days = Int(secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400)
        let sod = Int(secs - Int64(days) * 86_400)
        let (y, m, d) = UTCDay.civil(fromDays: days)
        let day = UTCDay(year: y, month: m, day: d).description
        let h = String(sod / 3600).leftPadded(to: 2)
        let mi = String(sod % 3600 / 60).leftPadded(to: 2)
        let s = String(sod % 60).leftPadded(to: 2)
        return "\(day)T\(h):\(mi):\(s).\(String(frac).leftPadded(to: 6))Z"
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM:SS[.ffffff][Z|±HH[:MM]]`; a missing zone means UTC.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 19, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") else { return nil }
        guard let day = UTCDay(parsing: String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard i < chars.count, chars[i] >= 48, chars[i] <= 57 else { return nil }
                v = v * 10 + Int(chars[i] - 48)
            }
            return v
        }
        guard let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19),
            chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var micros = 0
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(chars[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offset = 0
        if i < chars.count {
            if chars[i] == UInt8(ascii: "Z") {
                i += 1
            } else if chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
                let sign = chars[i] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = num(i + 1..<i + 3) else { return nil }
                i += 3
                var om = 0
                if i < chars.count, chars[i] == UInt8(ascii: ":") {
                    guard let v = num(i + 1..<i + 3) else { return nil }
                    om = v
                    i += 3
                }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == chars.count else { return nil }
        let secs = day.daysSinceEpoch * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: TimeInterval(secs) + TimeInterval(micros) / 1_000_000)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
