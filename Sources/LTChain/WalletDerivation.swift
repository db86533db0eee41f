/// CREATE2 addresses of the wallets an owner EOA may trade through on Polymarket (protocol §2):
/// the Polymarket proxy wallet, the Gnosis Safe and the deposit wallet (an ERC-1967 proxy with
/// immutable arguments, UUPS or beacon flavour). Nothing here touches the chain.
public enum WalletDerivation {
    public static let proxyFactory = fixed("0xaB45c5A4B0c941a2F231C04C3f49182e1A254052")
    public static let proxyInitCodeHash = fixedBytes(
        "0xd21df8dc65880a8606f09fe0ce3df9b8869287ab0b058be05aa9e8af6330a00b")
    public static let safeFactory = fixed("0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b")
    public static let safeInitCodeHash = fixedBytes(
        "0x2bce2127ff07fb632d16c8347c4ebf501f4841168bed00d9e6ef715ddb6fcecf")
    public static let depositWalletFactory = fixed("0x00000000000Fb5C9ADea0298D729A0CB3823Cc07")
    public static let depositWalletImplementation = fixed("0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB")
    public static let depositWalletBeacon = fixed("0x7A18EDfe055488A3128f01F563e5B479D92ffc3a")

    public enum DepositWalletKind: String, Sendable, CaseIterable {
        /// An ERC-1967 proxy pointing at the wallet implementation (upgradeable per wallet).
        case uups
        /// An ERC-1967 beacon proxy reading its implementation from the beacon.
        case beacon
    }

    /// keccak256(0xff ‖ deployer ‖ salt ‖ initCodeHash)[12…].
    public static func create2(deployer: Address, salt: [UInt8], initCodeHash: [UInt8]) -> Address {
        precondition(salt.count == 32 && initCodeHash.count == 32)
        let h = keccak256([0xff] + deployer.bytes + salt + initCodeHash)
        return Address(bytes: Array(h[12..<32]))
    }

    /// Polymarket proxy wallet: salt = keccak256(abi.encodePacked(owner)).
    public static func proxyWallet(owner: Address) -> Address {
        create2(deployer: proxyFactory, salt: keccak256(owner.bytes), initCodeHash: proxyInitCodeHash)
    }

    /// Gnosis Safe: salt = keccak256(abi.encode(owner)).
    public static func safe(owner: Address) -> Address {
        create2(deployer: safeFactory, salt: keccak256(owner.word), initCodeHash: safeInitCodeHash)
    }

    /// Deposit wallet: args = abi.encode(factory, bytes32(owner)), salt = keccak256(args), and the
    /// init code of Solady's minimal ERC-1967 proxy (or beacon proxy) carrying `args` as immutable
    /// arguments after its runtime code.
    public static func depositWallet(owner: Address, kind: DepositWalletKind = .beacon) -> Address {
        let args = depositWalletFactory.word + owner.word
        return create2(
            deployer: depositWalletFactory, salt: keccak256(args),
            initCodeHash: keccak256(depositWalletInitCode(kind: kind, args: args)))
    }

    /// Every wallet an owner may use, in the order [sdk] `classify_account` tries them after the
    /// EOA itself: beacon deposit wallet, UUPS deposit wallet, proxy, Safe.
    public static func candidates(owner: Address) -> [(kind: String, address: Address)] {
        [
            ("deposit_wallet_beacon", depositWallet(owner: owner, kind: .beacon)),
            ("deposit_wallet_uups", depositWallet(owner: owner, kind: .uups)),
            ("poly_proxy", proxyWallet(owner: owner)),
            ("gnosis_safe", safe(owner: owner)),
        ]
    }

    // Solady LibClone creation code pieces (bytecode, i.e. facts about the deployed contracts).
    // `PUSH2 <runtime size>` ‖ args head ‖ implementation-or-beacon ‖ runtime tail ‖ args.
    private static let argsHead = fixedBytes("0x3d8160233d3973")
    private static let erc1967Tail = fixedBytes(
        "0x60095155f3363d3d373d3d363d7f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc545af43d6000803e6038573d6000fd5b3d6000f3"
    )
    private static let beaconTail = fixedBytes(
        "0x60195155f3363d3d373d3d363d602036600436635c60da1b60e01b36527fa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50545afa5036515af43d6000803e604d573d6000fd5b3d6000f3"
    )

    static func depositWalletInitCode(kind: DepositWalletKind, args: [UInt8]) -> [UInt8] {
        let (runtime, target, tail): (Int, Address, [UInt8]) =
            switch kind {
            case .uups: (0x3d, depositWalletImplementation, erc1967Tail)
            case .beacon: (0x52, depositWalletBeacon, beaconTail)
            }
        let size = runtime + args.count
        return [0x61, UInt8(size >> 8), UInt8(size & 0xff)] + argsHead + target.bytes + tail + args
    }

    private static func fixed(_ text: String) -> Address {
        do { return try Address(hex: text) } catch { preconditionFailure("bad address constant \(text)") }
    }

    private static func fixedBytes(_ text: String) -> [UInt8] {
        do { return try Hex.decode(text) } catch { preconditionFailure("bad hex constant") }
    }
}
