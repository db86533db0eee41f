import Foundation

/// `lt doctor` (issue 14 item 1): a preflight a person runs before trusting a deployment with money,
/// and cron can run every hour. Each check says ✓ or ✗, what it found and, when it fails, the fix.
/// The checks that decide are pure functions over what the ports read.
public enum Doctor {
    public struct Check: Sendable, Hashable, Codable {
        public var name: String
        public var ok: Bool
        /// The check could not run because what it needs is not configured, and nothing requires
        /// it: neither a pass nor a failure, and said so.
        public var skipped: Bool
        public var found: String
        public var fix: String?

        public init(_ name: String, ok: Bool, found: String, fix: String? = nil) {
            self.name = name
            self.ok = ok
            self.skipped = false
            self.found = found
            self.fix = ok ? nil : fix
        }

        /// A check that needs `variable`, which is not set: skipped, or failed when `required`.
        public static func unconfigured(_ name: String, variable: String, checks: String, required: Bool) -> Check {
            var c = Check(
                name, ok: !required,
                found: "\(variable) not set: \(checks) not checked"
                    + (required ? " (live strategies need it)" : ""),
                fix: "set \(variable) (docs/operations.md)")
            c.skipped = !required
            return c
        }
    }

    public struct Summary: JobSummary {
        public var checks: [Check]
        /// wallet → books minus collateral (positive: the wallet is short), for `lt_books_drift_usd`.
        public var drifts: [String: Fixed6] = [:]
        public var failedCount: Int { checks.filter { !$0.ok }.count }
        public var textLines: [String] {
            let skipped = checks.filter(\.skipped).count
            return checks.map { c in
                (c.skipped ? "– " : c.ok ? "✓ " : "✗ ") + "\(c.name): \(TextEscaping.controls(c.found))"
                    + (c.fix.map { " — fix: \($0)" } ?? "")
            } + [
                (failedCount == 0
                    ? "all \(checks.count - skipped) checks passed" : "\(failedCount) of \(checks.count) checks failed")
                    + (skipped > 0 ? ", \(skipped) skipped" : "")
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

    /// The venue's exchange version (protocol §0, `GET /version`): lt signs exchange v2 orders only.
    public static func exchangeVersion(_ version: Int) -> Check {
        Check(
            "exchange version", ok: version == 2, found: "GET /version answers \(version); lt signs exchange v2 orders",
            fix: version > 2
                ? "the venue moved past v2: upgrade lt before trading"
                : "LT_CLOB_URL is not the V2 CLOB: point it at https://clob.polymarket.com (or the paper exchange)")
    }

    /// `GET /auth/ban-status/closed-only` (protocol §6): an account in closed-only mode may only
    /// reduce positions, so every BUY would be refused.
    public static func closedOnly(wallet: String, _ closedOnly: Bool) -> Check {
        Check(
            "closed-only \(wallet)", ok: !closedOnly,
            found: closedOnly
                ? "the exchange has put this account in closed-only mode: new positions are refused"
                : "not closed-only",
            fix: "set its strategies reduce-only (lt strategy reduce-only ID) and ask Polymarket why the account is "
                + "restricted")
    }

    /// `eth_chainId` against `LT_CHAIN_ID`: redeem signs transactions for the configured chain only.
    public static func chainID(found: Int64, expected: Int64) -> Check {
        Check(
            "chain id", ok: found == expected, found: "eth_chainId \(found), LT_CHAIN_ID \(expected)",
            fix: "point LT_POLYGON_RPC_URL at a node of chain \(expected) (Polygon: 137) or correct LT_CHAIN_ID")
    }

    /// One exchange contract's permissions over a wallet's funds, as the chain holds them.
    public struct Allowance: Sendable, Hashable {
        public var spender: String
        public var address: String
        /// The collateral ERC-20 allowance; `Fixed6.max` stands for anything larger (uint256 max).
        public var collateral: Fixed6
        /// The CTF's `isApprovedForAll(wallet, spender)`: needed to sell outcome tokens.
        public var outcomeTokens: Bool

        public init(spender: String, address: String, collateral: Fixed6, outcomeTokens: Bool) {
            self.spender = spender
            self.address = address
            self.collateral = collateral
            self.outcomeTokens = outcomeTokens
        }
    }

    /// The wallet's collateral on chain: a live strategy trading from an empty wallet fails every
    /// order; an unused empty wallet is fine.
    public static func chainCollateral(wallet: String, address: String, balance: Fixed6, books: [Books]) -> Check {
        let live = books.filter { $0.live && $0.wallet == wallet }.count
        return Check(
            "collateral \(wallet)", ok: balance.isPositive || live == 0,
            found: "\(balance) pUSD at \(address) on chain, \(live) live strategies trade from it",
            fix: "deposit pUSD into \(address)")
    }

    /// Every exchange contract may spend the wallet's collateral (at least its balance) and move
    /// its outcome tokens: without the first BUYs fail, without the second SELLs do.
    public static func allowances(wallet: String, address: String, balance: Fixed6, _ allowances: [Allowance])
        -> Check
    {
        var problems: [String] = []
        let needed = max(balance, Fixed6(micros: 1))
        for a in allowances {
            if a.collateral < needed {
                problems.append("pUSD allowance for \(a.spender) is \(a.collateral), below the balance \(balance)")
            }
            if !a.outcomeTokens { problems.append("the CTF has not approved \(a.spender) (sells fail)") }
        }
        let names = allowances.map(\.spender).joined(separator: ", ")
        return Check(
            "allowances \(wallet)", ok: problems.isEmpty,
            found: problems.isEmpty
                ? "pUSD allowance ≥ balance and CTF approval for \(names)" : problems.joined(separator: "; "),
            fix: "from \(address), approve(spender, max) on pUSD and setApprovalForAll(spender, true) on the CTF "
                + "for each of: "
                + allowances.map { "\($0.spender) \($0.address)" }.joined(separator: ", ")
                + " (Polymarket's UI does this at the first deposit)")
    }

    /// The gas every redemption costs is paid in POL by the wallet's signing EOA, whatever the wallet
    /// type: it must afford at least one redemption at the fee cap.
    public static func gas(wallet: String, signer: String, balance: Fixed6, floor: Fixed6) -> Check {
        Check(
            "gas \(wallet)", ok: balance >= floor,
            found: "\(balance) POL at the signer \(signer); one redemption at the fee cap needs \(floor)",
            fix: "send POL to \(signer): it pays the gas of this wallet's redemptions")
    }

    /// Gas units assumed for one redemption (a proxy or Safe routing of the adapter call, with
    /// redeem's 25 % margin on the estimate).
    public static let redemptionGas: Int64 = 375_000

    /// POL (6 decimals) for one redemption at `capGwei` per gas: gas × gwei × 10⁹ wei / 10¹⁸.
    public static func gasFloor(capGwei: Int64) -> Fixed6 {
        Fixed6(micros: redemptionGas * capGwei / 1_000)
    }

    /// What `lt doctor` may probe; nil: not configured (its checks are skipped, or fail when a live
    /// strategy needs them).
    public struct Probes {
        public var store: any DoctorStoring
        public var exchange: (any DoctorExchange)?
        public var wallets: (any DoctorWallets)?
        public var chain: (any DoctorChain)?

        public init(
            store: any DoctorStoring, exchange: (any DoctorExchange)?, wallets: (any DoctorWallets)?,
            chain: (any DoctorChain)?
        ) {
            self.store = store
            self.exchange = exchange
            self.wallets = wallets
            self.chain = chain
        }
    }

    /// The settings the checks compare against.
    public struct Expectations: Sendable {
        public var schemaVersion: Int
        public var liveTrading: Bool
        public var chainID: Int64
        public var gasFloor: Fixed6

        public init(
            schemaVersion: Int, liveTrading: Bool, chainID: Int64 = 137,
            gasFloor: Fixed6 = Doctor.gasFloor(capGwei: 500)
        ) {
            self.schemaVersion = schemaVersion
            self.liveTrading = liveTrading
            self.chainID = chainID
            self.gasFloor = gasFloor
        }
    }

    public static func run(_ probes: Probes, expect: Expectations) throws -> Summary {
        let store = probes.store
        var checks: [Check] = []
        let version = try store.schemaVersion()
        checks.append(
            Check(
                "schema", ok: version == expect.schemaVersion,
                found: "v\(version), this lt expects v\(expect.schemaVersion)", fix: "run lt migrate"))
        let sync = try store.synchronousCommit()
        checks.append(
            Check(
                "synchronous_commit", ok: true,
                found: "\(sync)" + (sync == "on" ? "" : " (lt forces it on for the commits that must survive a crash)"))
        )
        let books = try store.books()
        checks += bookChecks(books)
        let used = Set(books.filter(\.live).map(\.wallet))
        checks += exchangeChecks(probes.exchange, required: !used.isEmpty)
        let chainOK: Bool
        if let chain = probes.chain {
            do {
                let c = chainID(found: try chain.chainID(), expected: expect.chainID)
                checks.append(c)
                chainOK = c.ok
            } catch {
                checks.append(
                    Check(
                        "chain id", ok: false, found: "eth_chainId failed: \(error)",
                        fix: "check LT_POLYGON_RPC_URL and the network (HTTPS_PROXY)"))
                chainOK = false
            }
        } else {
            checks.append(
                .unconfigured(
                    "chain", variable: "LT_POLYGON_RPC_URL",
                    checks: "chain id, on-chain collateral, allowances and gas", required: false))
            chainOK = false
        }
        guard let wallets = probes.wallets else {
            checks.append(
                .unconfigured(
                    "wallets", variable: "LT_WALLETS_FILE", checks: "keys, credentials, drift, balances",
                    required: !used.isEmpty))
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
        for missing in used.subtracting(names).sorted() {
            checks.append(
                Check(
                    "wallet \(missing)", ok: false, found: "named by a live strategy but not in the wallets file",
                    fix: "add it to LT_WALLETS_FILE or change the strategy's wallet"))
        }
        var drifts: [String: Fixed6] = [:]
        for name in names {
            let addresses: WalletAddresses
            do {
                checks.append(Check("wallet \(name)", ok: true, found: try wallets.describe(name)))
                addresses = try wallets.addresses(name)
                if probes.exchange != nil {
                    let collateral = try wallets.collateral(name)
                    checks.append(Check("credentials \(name)", ok: true, found: "L2 read ok, collateral \(collateral)"))
                    checks.append(drift(wallet: name, collateral: collateral, books: books))
                    drifts[name] = owedByBooks(wallet: name, books: books) - collateral
                    checks.append(closedOnly(wallet: name, try wallets.closedOnly(name)))
                }
            } catch {
                checks.append(
                    Check(
                        "wallet \(name)", ok: false, found: "\(error)",
                        fix: "check its key file (owner-only), signature type, funder and API credentials"))
                continue
            }
            if let chain = probes.chain, chainOK {
                checks += chainChecks(chain, wallet: name, addresses, books: books, gasFloor: expect.gasFloor)
            }
        }
        if !expect.liveTrading && used.count > 0 {
            checks.append(
                Check(
                    "LT_LIVE_TRADING", ok: true,
                    found: "not 1: live strategies run as shadow until it is set"))
        }
        return Summary(checks: checks, drifts: drifts)
    }

    static func exchangeChecks(_ exchange: (any DoctorExchange)?, required: Bool) -> [Check] {
        guard let exchange else {
            return [
                .unconfigured(
                    "exchange", variable: "LT_CLOB_URL", checks: "exchange version, clock, credentials, closed-only",
                    required: required)
            ]
        }
        var checks: [Check] = []
        do {
            checks.append(exchangeVersion(try exchange.exchangeVersion()))
        } catch {
            checks.append(
                Check(
                    "exchange version", ok: false, found: "GET /version failed: \(error)",
                    fix: "check LT_CLOB_URL and the network (HTTPS_PROXY)"))
        }
        if let skew = try? exchange.clockSkewSeconds() {
            checks.append(
                Check(
                    "clock", ok: abs(skew) <= 5, found: "\(skew) s from the exchange's clock",
                    fix: "run an NTP client: L1/L2 signatures carry timestamps"))
        }
        return checks
    }

    /// A wallet's balances and permissions read from the chain; a read that fails is a ✗ naming it.
    static func chainChecks(
        _ chain: any DoctorChain, wallet: String, _ a: WalletAddresses, books: [Books], gasFloor: Fixed6
    ) -> [Check] {
        var checks: [Check] = []
        do {
            let balance = try chain.collateralBalance(a.maker)
            checks.append(chainCollateral(wallet: wallet, address: a.maker, balance: balance, books: books))
            checks.append(
                allowances(wallet: wallet, address: a.maker, balance: balance, try chain.allowances(owner: a.maker)))
            checks.append(
                gas(wallet: wallet, signer: a.signer, balance: try chain.gasBalance(a.signer), floor: gasFloor))
        } catch {
            checks.append(
                Check(
                    "chain \(wallet)", ok: false, found: "reading \(a.maker) on chain failed: \(error)",
                    fix: "check LT_POLYGON_RPC_URL (an archive or full node answering eth_call and eth_getBalance)"))
        }
        return checks
    }
}

/// The database side of `lt doctor` (LTPostgres `DoctorStore`).
public protocol DoctorStoring: AnyObject {
    func schemaVersion() throws -> Int
    func synchronousCommit() throws -> String
    func books() throws -> [Doctor.Books]
}

/// The exchange as `lt doctor` probes it without a wallet (LTPolymarket `ClobDoctorExchange`).
public protocol DoctorExchange: AnyObject {
    /// `GET /version`.
    func exchangeVersion() throws -> Int
    /// Local clock minus the exchange's `/time`, in seconds.
    func clockSkewSeconds() throws -> Int
}

/// A wallet's signing EOA and the address that holds its funds (the order's maker).
public struct WalletAddresses: Sendable, Hashable {
    public var signer: String
    public var maker: String

    public init(signer: String, maker: String) {
        self.signer = signer
        self.maker = maker
    }
}

/// The wallets as `lt doctor` probes them (LTPolymarket `ClobDoctorWallets`). The L2 reads
/// (`collateral`, `closedOnly`) are only asked when the exchange is configured.
public protocol DoctorWallets: AnyObject {
    /// The wallets file's wallet names (throws when the file cannot be used).
    func names() throws -> [String]
    /// Signature type and the addresses derived from the key (the key loads).
    func describe(_ name: String) throws -> String
    func addresses(_ name: String) throws -> WalletAddresses
    /// An authenticated read: proves the API credentials, answers the collateral balance.
    func collateral(_ name: String) throws -> Fixed6
    /// `GET /auth/ban-status/closed-only` for the wallet's account.
    func closedOnly(_ name: String) throws -> Bool
}

/// The chain as `lt doctor` reads it over `LT_POLYGON_RPC_URL` (LTPolymarket `RPCDoctorChain`).
public protocol DoctorChain: AnyObject {
    func chainID() throws -> Int64
    /// The exchange collateral (pUSD) held by `address`.
    func collateralBalance(_ address: String) throws -> Fixed6
    /// The exchange contracts' permissions over `owner`'s collateral and outcome tokens.
    func allowances(owner: String) throws -> [Doctor.Allowance]
    /// POL held by `address`, 6 decimals (rounded down).
    func gasBalance(_ address: String) throws -> Fixed6
}
