import Foundation

/// `lt doctor` (issue 14 item 1): a preflight a person runs before trusting a deployment with money,
/// and cron can run every hour. Each check says ✓ or ✗, what it found and, when it fails, the fix.
/// The checks that decide are pure functions over what the ports read.
public enum Doctor {
    public struct Check: Sendable, Hashable, Codable {
        public var name: String
        public var ok: Bool
        public var found: String
        public var fix: String?

        public init(_ name: String, ok: Bool, found: String, fix: String? = nil) {
            self.name = name
            self.ok = ok
            self.found = found
            self.fix = ok ? nil : fix
        }
    }

    public struct Summary: JobSummary {
        public var checks: [Check]
        /// wallet → books minus collateral (positive: the wallet is short), for `lt_books_drift_usd`.
        public var drifts: [String: Fixed6] = [:]
        public var failedCount: Int { checks.filter { !$0.ok }.count }
        public var textLines: [String] {
            checks.map { c in
                (c.ok ? "✓ " : "✗ ") + "\(c.name): \(TextEscaping.controls(c.found))"
                    + (c.fix.map { " — fix: \($0)" } ?? "")
            } + [
                failedCount == 0
                    ? "all \(checks.count) checks passed" : "\(failedCount) of \(checks.count) checks failed"
            ]
        }
    }

    /// One strategy's books as the database holds them.
    public struct Books: Sendable, Hashable {
        public var strategyID: String
        public var wallet: String
        public var live: Bool
        public var available: Fixed6
        public var locked: Fixed6
        public var cooldown: Fixed6
        /// Σ unreleased cooldown queue rows.
        public var cooldownQueued: Fixed6
        /// Σ what the rows say is locked: pending orders' amount + expected fee, open positions'
        /// remaining cost basis.
        public var lockedByRows: Fixed6
        /// Σ pending orders' amount + expected fee: collateral still in the wallet.
        public var pendingLocks: Fixed6

        public init(
            strategyID: String, wallet: String, live: Bool, available: Fixed6, locked: Fixed6, cooldown: Fixed6,
            cooldownQueued: Fixed6, lockedByRows: Fixed6, pendingLocks: Fixed6
        ) {
            self.strategyID = strategyID
            self.wallet = wallet
            self.live = live
            self.available = available
            self.locked = locked
            self.cooldown = cooldown
            self.cooldownQueued = cooldownQueued
            self.lockedByRows = lockedByRows
            self.pendingLocks = pendingLocks
        }
    }

    /// The books' own invariants, per strategy (design §3, §2).
    public static func bookChecks(_ books: [Books]) -> [Check] {
        var problems: [String] = []
        for b in books {
            if b.cooldown != b.cooldownQueued {
                problems.append("\(b.strategyID): cooldown \(b.cooldown) ≠ queue \(b.cooldownQueued)")
            }
            if b.locked != b.lockedByRows {
                problems.append("\(b.strategyID): locked \(b.locked) ≠ rows \(b.lockedByRows)")
            }
        }
        return [
            Check(
                "books", ok: problems.isEmpty,
                found: problems.isEmpty
                    ? "\(books.count) strategies: cooldown = queue, locked = pending orders + open cost basis"
                    : problems.joined(separator: "; "),
                fix:
                    "run lt sync-order-status and lt status; a persistent difference is a bug to report with these numbers"
            )
        ]
    }

    /// The books against the wallet (design §3): a wallet's collateral must cover what its live
    /// strategies believe is theirs and unspent — available cash plus the locks of orders not yet
    /// filled. More collateral than that is unallocated money (reported, fine); less is drift.
    public static func drift(wallet: String, collateral: Fixed6, books: [Books]) -> Check {
        let mine = books.filter { $0.live && $0.wallet == wallet }
        let owed = owedByBooks(wallet: wallet, books: books)
        let difference = collateral - owed
        return Check(
            "drift \(wallet)", ok: !difference.isNegative,
            found: "collateral \(collateral), books \(owed) over \(mine.count) live strategies "
                + (difference.isNegative ? "(short by \(Fixed6.zero - difference))" : "(unallocated \(difference))"),
            fix: "the wallet holds less than the books: find the missing fills (lt sync-order-status) or fund it")
    }

    /// What a wallet's live strategies believe is theirs and unspent: available cash plus the locks
    /// of orders not yet filled.
    public static func owedByBooks(wallet: String, books: [Books]) -> Fixed6 {
        books.filter { $0.live && $0.wallet == wallet }.reduce(Fixed6.zero) { $0 + $1.available + $1.pendingLocks }
    }

    public static func run(
        store: any DoctorStoring, expectedSchemaVersion: Int, wallets: (any DoctorWallets)?, liveTrading: Bool
    ) throws -> Summary {
        var checks: [Check] = []
        let version = try store.schemaVersion()
        checks.append(
            Check(
                "schema", ok: version == expectedSchemaVersion,
                found: "v\(version), this lt expects v\(expectedSchemaVersion)", fix: "run lt migrate"))
        let sync = try store.synchronousCommit()
        checks.append(
            Check(
                "synchronous_commit", ok: true,
                found: "\(sync)" + (sync == "on" ? "" : " (lt forces it on for the commits that must survive a crash)"))
        )
        let books = try store.books()
        checks += bookChecks(books)
        guard let wallets else {
            checks.append(
                Check(
                    "wallets", ok: !books.contains { $0.live }, found: "LT_WALLETS_FILE not set",
                    fix: "set LT_WALLETS_FILE (docs/operations.md) for live strategies"))
            return Summary(checks: checks)
        }
        let names: [String]
        do {
            names = try wallets.names()
        } catch {
            checks.append(Check("wallets file", ok: false, found: "\(error)", fix: "see docs/operations.md, wallets"))
            return Summary(checks: checks)
        }
        checks.append(
            Check("wallets file", ok: true, found: "\(names.count) wallet(s): \(names.joined(separator: ", "))"))
        let used = Set(books.filter(\.live).map(\.wallet))
        for missing in used.subtracting(names).sorted() {
            checks.append(
                Check(
                    "wallet \(missing)", ok: false, found: "named by a live strategy but not in the wallets file",
                    fix: "add it to LT_WALLETS_FILE or change the strategy's wallet"))
        }
        var drifts: [String: Fixed6] = [:]
        for name in names {
            do {
                checks.append(Check("wallet \(name)", ok: true, found: try wallets.describe(name)))
                let collateral = try wallets.collateral(name)
                checks.append(Check("credentials \(name)", ok: true, found: "L2 read ok, collateral \(collateral)"))
                checks.append(drift(wallet: name, collateral: collateral, books: books))
                drifts[name] = owedByBooks(wallet: name, books: books) - collateral
            } catch {
                checks.append(
                    Check(
                        "wallet \(name)", ok: false, found: "\(error)",
                        fix: "check its key file (owner-only), signature type, funder and API credentials"))
            }
        }
        if let skew = try? wallets.clockSkewSeconds() {
            checks.append(
                Check(
                    "clock", ok: abs(skew) <= 5, found: "\(skew) s from the exchange's clock",
                    fix: "run an NTP client: L1/L2 signatures carry timestamps"))
        }
        if !liveTrading && used.count > 0 {
            checks.append(
                Check(
                    "LT_LIVE_TRADING", ok: true,
                    found: "not 1: live strategies run as shadow until it is set"))
        }
        return Summary(checks: checks, drifts: drifts)
    }
}

/// The database side of `lt doctor` (LTPostgres `DoctorStore`).
public protocol DoctorStoring: AnyObject {
    func schemaVersion() throws -> Int
    func synchronousCommit() throws -> String
    func books() throws -> [Doctor.Books]
}

/// The wallets and the exchange as `lt doctor` probes them (LTPolymarket `ClobDoctorWallets`).
public protocol DoctorWallets: AnyObject {
    /// The wallets file's wallet names (throws when the file cannot be used).
    func names() throws -> [String]
    /// Signature type and the addresses derived from the key (the key loads).
    func describe(_ name: String) throws -> String
    /// An authenticated read: proves the API credentials, answers the collateral balance.
    func collateral(_ name: String) throws -> Fixed6
    /// Local clock minus the exchange's `/time`, in seconds.
    func clockSkewSeconds() throws -> Int
}
