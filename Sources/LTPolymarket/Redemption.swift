import BigInt
import LTChain

/// A call to a contract: what a transaction (or a wallet's inner call) carries.
public struct ContractCall: Sendable, Hashable {
    public let to: Address
    public let data: [UInt8]
    public let value: BigUInt

    public init(to: Address, data: [UInt8], value: BigUInt = 0) {
        self.to = to
        self.data = data
        self.value = value
    }
}

/// Calldata builders for redeeming resolved positions (protocol §8).
public enum Redemption {
    public static let redeemPositionsSignature = "redeemPositions(address,bytes32,bytes32,uint256[])"
    public static let negRiskRedeemSignature = "redeemPositions(bytes32,uint256[])"
    public static let setApprovalForAllSignature = "setApprovalForAll(address,bool)"
    public static let payoutDenominatorSignature = "payoutDenominator(bytes32)"
    public static let balanceOfSignature = "balanceOf(address,uint256)"

    /// The binary outcomes' index sets: redeeming [1, 2] redeems both sides of a condition.
    public static let binaryIndexSets: [BigUInt] = [1, 2]

    /// `redeemPositions(collateral, parentCollectionId = 0, conditionId, indexSets)` sent to
    /// `target`: the CTF itself (v1 era, USDC.e) or a collateral adapter (V2 era, pUSD).
    public static func redeemPositions(
        target: Address, collateral: Address, conditionID: [UInt8], indexSets: [BigUInt] = binaryIndexSets
    ) -> ContractCall {
        precondition(conditionID.count == 32, "a condition id is 32 bytes")
        return ContractCall(
            to: target,
            data: ABI.encodeCall(
                signature: redeemPositionsSignature,
                args: [
                    .address(collateral), .bytes32(Word.zero), .bytes32(conditionID),
                    .array(indexSets.map { .uint($0) }),
                ]))
    }

    /// The V2-era redemption [sdk] builds: the collateral adapter (standard markets) or the
    /// neg-risk collateral adapter, with pUSD as collateral.
    public static func redeem(conditionID: [UInt8], negRisk: Bool) -> ContractCall {
        redeemPositions(
            target: negRisk ? PolymarketContracts.negRiskCollateralAdapter : PolymarketContracts.collateralAdapter,
            collateral: PolymarketContracts.collateral, conditionID: conditionID)
    }

    /// The v1-era direct call: the CTF with USDC.e.
    public static func redeemDirectOnCTF(conditionID: [UInt8]) -> ContractCall {
        redeemPositions(
            target: PolymarketContracts.conditionalTokens, collateral: PolymarketContracts.usdcE,
            conditionID: conditionID)
    }

    /// NegRiskAdapter `redeemPositions(bytes32 conditionId, uint256[] amounts)`, amounts[outcome]
    /// = shares held in base units.
    public static func negRiskAdapterRedeem(conditionID: [UInt8], amounts: [BigUInt]) -> ContractCall {
        precondition(conditionID.count == 32, "a condition id is 32 bytes")
        return ContractCall(
            to: PolymarketContracts.negRiskAdapter,
            data: ABI.encodeCall(
                signature: negRiskRedeemSignature, args: [.bytes32(conditionID), .array(amounts.map { .uint($0) })]))
    }

    /// CTF `setApprovalForAll(operator, approved)`, needed once before an adapter can redeem.
    public static func setApprovalForAll(operator: Address, approved: Bool = true) -> ContractCall {
        ContractCall(
            to: PolymarketContracts.conditionalTokens,
            data: ABI.encodeCall(signature: setApprovalForAllSignature, args: [.address(`operator`), .bool(approved)]))
    }

    /// CTF `payoutDenominator(conditionId)` (an eth_call; > 0 once the condition is resolved).
    public static func payoutDenominatorCall(conditionID: [UInt8]) -> ContractCall {
        ContractCall(
            to: PolymarketContracts.conditionalTokens,
            data: ABI.encodeCall(signature: payoutDenominatorSignature, args: [.bytes32(conditionID)]))
    }

    /// CTF `balanceOf(owner, positionId)` (an eth_call).
    /// CTF `isApprovedForAll(owner, operator)` (an eth_call): may `operator` move `owner`'s tokens.
    public static func isApprovedForAllCall(owner: Address, operator op: Address) -> ContractCall {
        ContractCall(
            to: PolymarketContracts.conditionalTokens,
            data: ABI.encodeCall(signature: "isApprovedForAll(address,address)", args: [.address(owner), .address(op)]))
    }

    public static func balanceOfCall(owner: Address, tokenID: BigUInt) -> ContractCall {
        ContractCall(
            to: PolymarketContracts.conditionalTokens,
            data: ABI.encodeCall(signature: balanceOfSignature, args: [.address(owner), .uint(tokenID)]))
    }
}

/// Polymarket proxy wallets: the owner calls the ProxyWalletFactory's
/// `proxy((uint8 typeCode,address to,uint256 value,bytes data)[])`, which forwards each call from the
/// owner's proxy wallet.
public enum ProxyWalletCalls {
    public static let signature = "proxy((uint8,address,uint256,bytes)[])"
    static let callType = ABIType.tuple([.uint(8), .address, .uint(256), .bytes])

    /// Factory calldata forwarding `calls` as CALLs (typeCode 1).
    public static func encode(_ calls: [ContractCall]) -> [UInt8] {
        ABI.encodeCall(
            signature: signature,
            args: [.array(calls.map { .tuple([.uint(1), .address($0.to), .uint($0.value), .bytes($0.data)]) })])
    }

    /// The call the owner EOA sends: to the factory, with `encode(calls)`.
    public static func factoryCall(_ calls: [ContractCall]) -> ContractCall {
        ContractCall(to: PolymarketContracts.proxyFactory, data: encode(calls))
    }

    /// Decodes factory calldata back into the forwarded calls (the paper exchange uses it).
    public static func decode(_ data: [UInt8]) throws -> [ContractCall] {
        let args = try ABI.decodeCall(signature: signature, data: data)
        guard let items = args.first?.arrayValue else { throw ABI.Error.badSignature(signature) }
        return try items.map { item in
            guard let f = item.arrayValue, f.count == 4, let to = f[1].addressValue, let value = f[2].uintValue,
                let data = f[3].bytesValue
            else { throw ABI.Error.invalidValue(type: "proxy call", why: "malformed tuple") }
            return ContractCall(to: to, data: data, value: value)
        }
    }

    /// The gasless relayer's struct hash ([rel]): keccak256("rlx:" ‖ from ‖ to ‖ data ‖ txFee ‖
    /// gasPrice ‖ gasLimit ‖ nonce ‖ relayHub ‖ relay), signed with the EIP-191 prefix.
    public static func relayerStructHash(
        from: Address, to: Address = PolymarketContracts.proxyFactory, data: [UInt8], txFee: BigUInt = 0,
        gasPrice: BigUInt = 0, gasLimit: BigUInt, nonce: BigUInt, relayHub: Address = PolymarketContracts.relayHub,
        relay: Address
    ) -> [UInt8] {
        var m = Array("rlx:".utf8)
        m += from.bytes + to.bytes + data
        m += Word.uint(txFee) + Word.uint(gasPrice) + Word.uint(gasLimit) + Word.uint(nonce)
        m += relayHub.bytes + relay.bytes
        return keccak256(m)
    }
}

/// A Gnosis Safe transaction (`SafeTx`), its EIP-712 hash, signatures and `execTransaction` calldata.
public struct SafeTransaction: Sendable, Hashable {
    public enum Operation: UInt8, Sendable { case call = 0, delegateCall = 1 }

    public var to: Address
    public var value: BigUInt
    public var data: [UInt8]
    public var operation: Operation
    public var safeTxGas: BigUInt
    public var baseGas: BigUInt
    public var gasPrice: BigUInt
    public var gasToken: Address
    public var refundReceiver: Address
    public var nonce: BigUInt

    public init(
        to: Address, value: BigUInt = 0, data: [UInt8], operation: Operation = .call, safeTxGas: BigUInt = 0,
        baseGas: BigUInt = 0, gasPrice: BigUInt = 0, gasToken: Address = .zero, refundReceiver: Address = .zero,
        nonce: BigUInt = 0
    ) {
        self.to = to
        self.value = value
        self.data = data
        self.operation = operation
        self.safeTxGas = safeTxGas
        self.baseGas = baseGas
        self.gasPrice = gasPrice
        self.gasToken = gasToken
        self.refundReceiver = refundReceiver
        self.nonce = nonce
    }

    public init(call: ContractCall, nonce: BigUInt = 0) {
        self.init(to: call.to, value: call.value, data: call.data, nonce: nonce)
    }

    public static let execTransactionSignature =
        "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)"

    public static let eip712Types: EIP712.Types = [
        "SafeTx": [
            .init(name: "to", type: "address"), .init(name: "value", type: "uint256"),
            .init(name: "data", type: "bytes"), .init(name: "operation", type: "uint8"),
            .init(name: "safeTxGas", type: "uint256"), .init(name: "baseGas", type: "uint256"),
            .init(name: "gasPrice", type: "uint256"), .init(name: "gasToken", type: "address"),
            .init(name: "refundReceiver", type: "address"), .init(name: "nonce", type: "uint256"),
        ],
        "EIP712Domain": [.init(name: "chainId", type: "uint256"), .init(name: "verifyingContract", type: "address")],
    ]

    /// The SafeTx EIP-712 digest for `safe` on `chainId` (domain {chainId, verifyingContract}).
    public func digest(safe: Address, chainID: Int = PolymarketContracts.chainID) throws -> [UInt8] {
        try EIP712.TypedData(
            types: Self.eip712Types, primaryType: "SafeTx",
            domain: ["chainId": .uint(BigUInt(chainID)), "verifyingContract": .address(safe)],
            message: [
                "to": .address(to), "value": .uint(value), "data": .bytes(data),
                "operation": .uint(BigUInt(operation.rawValue)), "safeTxGas": .uint(safeTxGas),
                "baseGas": .uint(baseGas), "gasPrice": .uint(gasPrice), "gasToken": .address(gasToken),
                "refundReceiver": .address(refundReceiver), "nonce": .uint(nonce),
            ]
        ).digest()
    }

    /// The relayer's signature form ([rel]): EIP-191 over the digest, then v += 4 (31/32, the
    /// Safe's "eth_sign" signature type), packed r‖s‖v.
    public func ethSignSignature(key: PrivateKey, safe: Address, chainID: Int = PolymarketContracts.chainID) throws
        -> [UInt8]
    {
        let sig = try EIP191.sign(message: try digest(safe: safe, chainID: chainID), key: key)
        var bytes = sig.bytes65
        bytes[64] += 4
        return bytes
    }

    /// A "pre-validated" signature (v = 1, r = owner): valid when the owner itself sends the
    /// `execTransaction`, which is how `lt` redeems from a Safe without a relayer.
    public static func prevalidatedSignature(owner: Address) -> [UInt8] {
        owner.word + Word.zero + [1]
    }

    public func execTransactionCalldata(signatures: [UInt8]) -> [UInt8] {
        ABI.encodeCall(
            signature: Self.execTransactionSignature,
            args: [
                .address(to), .uint(value), .bytes(data), .uint(BigUInt(operation.rawValue)), .uint(safeTxGas),
                .uint(baseGas), .uint(gasPrice), .address(gasToken), .address(refundReceiver), .bytes(signatures),
            ])
    }

    /// Parses `execTransaction` calldata (the paper exchange uses it); the nonce is not in the call.
    public static func decodeExecTransaction(_ data: [UInt8]) throws -> (tx: SafeTransaction, signatures: [UInt8]) {
        let a = try ABI.decodeCall(signature: execTransactionSignature, data: data)
        guard a.count == 10, let to = a[0].addressValue, let value = a[1].uintValue, let inner = a[2].bytesValue,
            let op = a[3].uintValue, let operation = Operation(rawValue: UInt8(op)), let safeTxGas = a[4].uintValue,
            let baseGas = a[5].uintValue, let gasPrice = a[6].uintValue, let gasToken = a[7].addressValue,
            let refund = a[8].addressValue, let sigs = a[9].bytesValue
        else { throw ABI.Error.invalidValue(type: "execTransaction", why: "unexpected argument values") }
        return (
            SafeTransaction(
                to: to, value: value, data: inner, operation: operation, safeTxGas: safeTxGas, baseGas: baseGas,
                gasPrice: gasPrice, gasToken: gasToken, refundReceiver: refund),
            sigs
        )
    }
}

/// Safe MultiSend: several calls in one DelegateCall to the MultiSend contract.
public enum MultiSend {
    public static let signature = "multiSend(bytes)"

    /// `multiSend(bytes)` calldata packing each call as op(1) ‖ to(20) ‖ value(32) ‖ len(32) ‖ data.
    public static func encode(_ calls: [ContractCall], operation: SafeTransaction.Operation = .call) -> [UInt8] {
        var packed = [UInt8]()
        for c in calls {
            packed.append(operation.rawValue)
            packed += c.to.bytes + Word.uint(c.value) + Word.uint(UInt64(c.data.count)) + c.data
        }
        return ABI.encodeCall(signature: signature, args: [.bytes(packed)])
    }

    /// The Safe transaction that runs `calls` through MultiSend (a DelegateCall).
    public static func safeTransaction(_ calls: [ContractCall], nonce: BigUInt = 0) -> SafeTransaction {
        SafeTransaction(
            to: PolymarketContracts.safeMultiSend, data: encode(calls), operation: .delegateCall, nonce: nonce)
    }
}

/// How a wallet's call reaches the chain when its owner EOA sends the transaction itself.
public enum WalletRouting {
    /// The call the owner EOA must send so that `call` executes from the wallet of `type`:
    /// EOA directly; proxy wallet through the factory's `proxy(...)`; Safe through `execTransaction`
    /// with the owner's pre-validated signature (`safe` is the Safe's address). Deposit wallets
    /// (type 3) are relayer-only and not routed here.
    public static func route(_ call: ContractCall, signatureType: SignatureType, owner: Address, safe: Address? = nil)
        -> ContractCall?
    {
        switch signatureType {
        case .eoa:
            return call
        case .polyProxy:
            return ProxyWalletCalls.factoryCall([call])
        case .polyGnosisSafe:
            let wallet = safe ?? WalletDerivation.safe(owner: owner)
            let data = SafeTransaction(call: call).execTransactionCalldata(
                signatures: SafeTransaction.prevalidatedSignature(owner: owner))
            return ContractCall(to: wallet, data: data)
        case .poly1271:
            return nil
        }
    }
}
