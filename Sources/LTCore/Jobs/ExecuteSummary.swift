import Foundation

/// The run's counts, printed as the summary (design §6).
public struct ExecuteSummary: Sendable, Hashable, Encodable {
    public var strategies = 0
    public var signalsSeen = 0
    /// Live orders posted (any answer).
    public var placed = 0
    public var filled = 0
    public var submitted = 0
    public var unfilled = 0
    public var rejected = 0
    public var failed = 0
    public var unknown = 0
    /// Posts that provably never reached the venue (429/425, refused before sending): the cash
    /// was released and the next run decides the signal again.
    public var notPlaced = 0
    /// Matched answers whose amounts failed the sanity check: booked SUBMITTED, for sync to settle.
    public var unverifiedAnswers = 0
    /// Answers the ledger refused to book (another run or sync changed the row first).
    public var answersNotBooked = 0
    /// Shadow decisions booked with a simulated fill.
    public var shadowFilled = 0
    public var skipped: [SkipReason: Int] = [:]
    /// Signals another run decided first.
    public var alreadyDecided = 0
    /// Signals left undecided because the venue could not be read (retried next run).
    public var deferred = 0
    /// INTENT rows of earlier runs turned UNKNOWN.
    public var abandonedIntents = 0
    /// Signals left undecided because a wallet could not be used (missing, unreadable key: exit 78).
    public var configurationErrors = 0
    /// Wallets that could not sign, with the reason (said once per wallet, not once per signal).
    public var walletErrors: [String: String] = [:]
    /// Strategies skipped because their configuration is unusable (exit 1).
    public var misconfigured: [MisconfiguredStrategy] = []
    /// Signals whose decision the database or the ledger refused (exit 1), with why.
    public var errors: [String] = []
    /// What `--follow` did after the first pass (nil without it).
    public var follow: FollowSummary?

    public init() {}

    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    public var text: String {
        var lines = [
            "execute: \(strategies) strategies, \(signalsSeen) signals seen",
            "  placed \(placed) (filled \(filled), submitted \(submitted), unfilled \(unfilled), "
                + "rejected \(rejected), failed \(failed), unknown \(unknown), not placed \(notPlaced))",
            "  shadow filled \(shadowFilled)",
            "  skipped \(skippedTotal)" + (skipped.isEmpty ? "" : ": ")
                + skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
                .joined(separator: ", "),
        ]
        if alreadyDecided > 0 { lines.append("  already decided by another run \(alreadyDecided)") }
        if deferred > 0 { lines.append("  deferred (venue unavailable) \(deferred)") }
        if abandonedIntents > 0 { lines.append("  earlier INTENT rows marked UNKNOWN \(abandonedIntents)") }
        if unverifiedAnswers > 0 {
            lines.append("  matched answers not believable, left SUBMITTED \(unverifiedAnswers)")
        }
        if answersNotBooked > 0 {
            lines.append("  answers not booked (row changed by another run) \(answersNotBooked)")
        }
        if configurationErrors > 0 {
            lines.append("  not signed (wallet configuration) \(configurationErrors)")
            for (wallet, reason) in walletErrors.sorted(by: { $0.key < $1.key }) {
                lines.append("    wallet \(TextEscaping.controls(wallet)): \(TextEscaping.controls(reason))")
            }
        }
        for m in misconfigured {
            lines.append(
                "  MISCONFIGURED strategy \(TextEscaping.controls(m.strategyID)) skipped: "
                    + TextEscaping.controls(m.reason))
        }
        for e in errors { lines.append("  ERROR \(TextEscaping.controls(e))") }
        if let f = follow {
            lines.append(
                "  followed (\(f.wake.rawValue)): \(f.passes) passes after \(f.probes) probes"
                    + (f.notifications > 0 ? ", \(f.notifications) notifications" : "")
                    + (f.dayChanges > 0 ? ", daily reset at the UTC day change" : ""))
        }
        return lines.joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey {
        case strategies, signalsSeen, placed, filled, submitted, unfilled, rejected, failed, unknown, notPlaced
        case unverifiedAnswers, answersNotBooked, shadowFilled
        case skipped, skippedByReason, alreadyDecided, deferred, abandonedIntents, configurationErrors
        case walletErrors, misconfigured, errors, follow
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(strategies, forKey: .strategies)
        try c.encode(signalsSeen, forKey: .signalsSeen)
        try c.encode(placed, forKey: .placed)
        try c.encode(filled, forKey: .filled)
        try c.encode(submitted, forKey: .submitted)
        try c.encode(unfilled, forKey: .unfilled)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(failed, forKey: .failed)
        try c.encode(unknown, forKey: .unknown)
        try c.encode(notPlaced, forKey: .notPlaced)
        try c.encode(unverifiedAnswers, forKey: .unverifiedAnswers)
        try c.encode(answersNotBooked, forKey: .answersNotBooked)
        try c.encode(shadowFilled, forKey: .shadowFilled)
        try c.encode(skippedTotal, forKey: .skipped)
        try c.encode(
            Dictionary(uniqueKeysWithValues: skipped.map { ($0.key.rawValue, $0.value) }), forKey: .skippedByReason)
        try c.encode(alreadyDecided, forKey: .alreadyDecided)
        try c.encode(deferred, forKey: .deferred)
        try c.encode(abandonedIntents, forKey: .abandonedIntents)
        try c.encode(configurationErrors, forKey: .configurationErrors)
        try c.encode(walletErrors, forKey: .walletErrors)
        try c.encode(misconfigured, forKey: .misconfigured)
        try c.encode(errors, forKey: .errors)
        try c.encodeIfPresent(follow, forKey: .follow)
    }
}

extension ExecuteSummary: JobSummary {
    /// Orders whose post failed, provably did not reach the venue, or whose outcome is unproven
    /// (exit 1).
    public var failedCount: Int { failed + unknown + notPlaced + misconfigured.count + errors.count }
    public var textLines: [String] { text.split(separator: "\n").map(String.init) }
}
