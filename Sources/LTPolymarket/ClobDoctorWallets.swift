import Foundation
import LTChain
import LTCore
import LTHTTP

/// `lt doctor`'s probe of the exchange itself (LTCore `DoctorExchange`): its version and its clock.
public final class ClobDoctorExchange: DoctorExchange {
    let clob: ClobClient

    public init(clob: ClobClient) { self.clob = clob }

    public func exchangeVersion() throws -> Int { try clob.exchangeVersion() }

    public func clockSkewSeconds() throws -> Int {
        let theirs = try clob.serverTime()
        return Int(Int64(Date().timeIntervalSince1970) - theirs)
    }
}

/// `lt doctor`'s probe of the wallets (LTCore `DoctorWallets`): the wallets file, each key and its
/// derived addresses, and — with the exchange configured — an authenticated read per wallet and its
/// closed-only status. Nothing here prints a key, secret or passphrase.
public final class ClobDoctorWallets: DoctorWallets {
    let clob: ClobClient?
    let file: () throws(WalletConfigError) -> WalletsFile
    var loaded: WalletsFile?
    /// Credentials derived once per wallet and run (each derivation is an L1 round trip).
    var credentials: [String: ApiCredentials] = [:]

    public init(clob: ClobClient?, file: @escaping () throws(WalletConfigError) -> WalletsFile) {
        self.clob = clob
        self.file = file
    }

    func wallets() throws -> WalletsFile {
        if let loaded { return loaded }
        let f = try file()
        loaded = f
        return f
    }

    public func names() throws -> [String] { try wallets().wallets.keys.sorted() }

    public func describe(_ name: String) throws -> String {
        let config = try wallets().wallet(named: name)
        let key = try config.loadKey()
        let maker = config.maker(eoa: key.address)
        return "signature type \(config.signatureType.rawValue), signer \(key.address), maker \(maker)"
            + (config.builderCode.contains { $0 != 0 } ? ", builder code set" : "")
    }

    public func addresses(_ name: String) throws -> WalletAddresses {
        let config = try wallets().wallet(named: name)
        let key = try config.loadKey()
        return WalletAddresses(signer: key.address.checksummed, maker: config.maker(eoa: key.address).checksummed)
    }

    /// The wallet's config, EOA and API credentials (configured, or derived with an L1 signature).
    func authenticated(_ name: String) throws -> (ClobClient, WalletConfig, ApiCredentials, Address) {
        guard let clob else { throw ConfigError(variable: "LT_CLOB_URL", reason: "is not set") }
        let config = try wallets().wallet(named: name)
        let key = try config.loadKey()
        if let known = credentials[name] { return (clob, config, known, key.address) }
        let derived = try config.apiCredentials ?? clob.deriveApiKey(key: key)
        credentials[name] = derived
        return (clob, config, derived, key.address)
    }

    public func collateral(_ name: String) throws -> Fixed6 {
        let (clob, config, creds, eoa) = try authenticated(name)
        return try clob.balance(signatureType: config.signatureType, credentials: creds, address: eoa)
    }

    public func closedOnly(_ name: String) throws -> Bool {
        let (clob, _, creds, eoa) = try authenticated(name)
        return try clob.closedOnly(credentials: creds, address: eoa)
    }
}
