import Foundation
import LTChain
import LTCore
import LTHTTP

/// `lt doctor`'s probe of the wallets and the exchange (LTCore `DoctorWallets`): the wallets file,
/// each key and its derived addresses, an authenticated read per wallet, the exchange's clock.
/// Nothing here prints a key, secret or passphrase.
public final class ClobDoctorWallets: DoctorWallets {
    let clob: ClobClient
    let file: () throws(WalletConfigError) -> WalletsFile
    var loaded: WalletsFile?

    public init(clob: ClobClient, file: @escaping () throws(WalletConfigError) -> WalletsFile) {
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

    public func collateral(_ name: String) throws -> Fixed6 {
        let config = try wallets().wallet(named: name)
        let key = try config.loadKey()
        let credentials = try config.apiCredentials ?? clob.deriveApiKey(key: key)
        return try clob.balance(
            signatureType: config.signatureType, credentials: credentials, address: key.address)
    }

    public func clockSkewSeconds() throws -> Int {
        let theirs = try clob.serverTime()
        return Int(Int64(Date().timeIntervalSince1970) - theirs)
    }
}
