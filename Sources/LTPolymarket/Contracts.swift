import LTChain

/// Polygon mainnet contract addresses of the V2 era (protocol §1).
public enum PolymarketContracts {
    private static func address(_ text: String) -> Address {
        // Literals below are fixed and checked by the tests; a typo is a programming error.
        do { return try Address(hex: text) } catch { preconditionFailure("bad contract address \(text)") }
    }

    public static let chainID = 137
    public static let exchangeV2 = address("0xE111180000d2663C0091e4f400237545B87B996B")
    public static let negRiskExchangeV2 = address("0xe2222d279d744050d28e00520010520000310F59")
    public static let exchangeV3 = address("0xe3333700cA9d93003F00f0F71f8515005F6c00Aa")
    public static let exchangeV1 = address("0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E")
    public static let negRiskExchangeV1 = address("0xC5d563A36AE78145C45a50134d48A1215220f80a")
    /// pUSD, the V2 exchange collateral.
    public static let collateral = address("0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB")
    /// USDC.e, the collateral behind the CTF positions and of the V1 era.
    public static let usdcE = address("0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174")
    public static let conditionalTokens = address("0x4D97DCd97eC945f40cF65F87097ACe5EA0476045")
    public static let negRiskAdapter = address("0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296")
    /// The NegRiskAdapter's WrappedCollateral, on which it mints v1 neg-risk positions. Not in the
    /// protocol reference: the token ids of a real neg-risk market derive from it
    /// (PositionIDsTests), which is what `PositionIDs.backing` needs it for.
    public static let negRiskWrappedCollateral = address("0x3A3BD7bb9528E159577F7C2e685CC81A765002E2")
    public static let collateralAdapter = address("0xAdA100Db00Ca00073811820692005400218FcE1f")
    public static let negRiskCollateralAdapter = address("0xadA2005600Dec949baf300f4C6120000bDB6eAab")
    public static let proxyFactory = address("0xaB45c5A4B0c941a2F231C04C3f49182e1A254052")
    public static let proxyImplementation = address("0x44e999d5c2F66Ef0861317f9A4805AC2e90aEB4f")
    public static let relayHub = address("0xD216153c06E857cD7f72665E0aF1d7D82172F494")
    public static let safeFactory = address("0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b")
    public static let safeMultiSend = address("0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761")
    public static let depositWalletFactory = address("0x00000000000Fb5C9ADea0298D729A0CB3823Cc07")
    public static let depositWalletImplementation = address("0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB")
    public static let depositWalletBeacon = address("0x7A18EDfe055488A3128f01F563e5B479D92ffc3a")
}

/// The EIP-712 domain of an exchange: `EIP712Domain(string name,string version,uint256 chainId,
/// address verifyingContract)` with name "Polymarket CTF Exchange". The separator is computed once
/// with the generic EIP-712 engine when the domain is made.
public struct ExchangeDomain: Sendable, Hashable {
    public static let exchangeName = "Polymarket CTF Exchange"

    public let name: String
    public let version: String
    public let chainID: Int
    public let verifyingContract: Address
    public let separator: [UInt8]

    public init(name: String = ExchangeDomain.exchangeName, version: String, chainID: Int, verifyingContract: Address) {
        self.name = name
        self.version = version
        self.chainID = chainID
        self.verifyingContract = verifyingContract
        let typed = EIP712.TypedData(
            types: [:], primaryType: "EIP712Domain",
            domain: [
                "name": .string(name), "version": .string(version), "chainId": .uint(.init(chainID)),
                "verifyingContract": .address(verifyingContract),
            ], message: [:])
        do { separator = try typed.domainSeparator() } catch {
            preconditionFailure("the exchange domain type is fixed: \(error)")
        }
    }

    /// The V2 exchange (standard or neg-risk) on Polygon, version "2".
    public static func v2(negRisk: Bool, chainID: Int = PolymarketContracts.chainID) -> ExchangeDomain {
        let domain = negRisk ? negRiskV2 : standardV2
        return chainID == domain.chainID ? domain : domain.with(chainID: chainID)
    }

    private static let standardV2 = ExchangeDomain(
        version: "2", chainID: PolymarketContracts.chainID, verifyingContract: PolymarketContracts.exchangeV2)
    private static let negRiskV2 = ExchangeDomain(
        version: "2", chainID: PolymarketContracts.chainID, verifyingContract: PolymarketContracts.negRiskExchangeV2)

    /// The same domain pointed at another contract (a paper exchange, a testnet deployment).
    public func with(verifyingContract: Address) -> ExchangeDomain {
        ExchangeDomain(name: name, version: version, chainID: chainID, verifyingContract: verifyingContract)
    }

    public func with(chainID: Int) -> ExchangeDomain {
        ExchangeDomain(name: name, version: version, chainID: chainID, verifyingContract: verifyingContract)
    }

    /// The domain as EIP-712 values, for the generic engine.
    public var typedDataDomain: [String: EIP712.Value] {
        [
            "name": .string(name), "version": .string(version), "chainId": .uint(.init(chainID)),
            "verifyingContract": .address(verifyingContract),
        ]
    }
}
