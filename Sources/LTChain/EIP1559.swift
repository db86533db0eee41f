import BigInt

/// An EIP-2930 access-list entry.
public struct AccessListEntry: Sendable, Hashable {
    public var address: Address
    public var storageKeys: [[UInt8]]

    public init(address: Address, storageKeys: [[UInt8]] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// An EIP-1559 (type 2) transaction.
public struct EIP1559Transaction: Sendable, Hashable {
    public var chainID: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: BigUInt
    public var maxFeePerGas: BigUInt
    public var gasLimit: UInt64
    /// nil for contract creation.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt, gasLimit: UInt64,
        to: Address?, value: BigUInt = 0, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case notType2
        case malformed(String)

        public var description: String {
            switch self {
            case .notType2: return "raw transaction is not an EIP-1559 (type 2) transaction"
            case .malformed(let why): return "malformed EIP-1559 transaction: \(why)"
            }
        }
    }

    public static let typeByte: UInt8 = 0x02

    private var fields: [RLP] {
        [
            .uint(chainID), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
            .bytes(to?.bytes ?? []), .uint(value), .bytes(data),
            .list(accessList.map { .list([.bytes($0.address.bytes), .list($0.storageKeys.map { .bytes($0) })]) }),
        ]
    }

    /// keccak256(0x02 ‖ rlp([chainId, nonce, maxPriorityFee, maxFee, gas, to, value, data, accessList])).
    public var signingHash: [UInt8] {
        keccak256([Self.typeByte] + RLP.list(fields).encoded)
    }

    /// Signs with `key`: the raw transaction to send (`eth_sendRawTransaction`) and its hash.
    public func signed(with key: PrivateKey) throws -> SignedTransaction {
        let sig = try key.sign(digest: signingHash)
        let raw =
            [Self.typeByte]
            + RLP.list(
                fields + [
                    .uint(UInt64(sig.yParity)), .uint(Word.toBigUInt(sig.r)), .uint(Word.toBigUInt(sig.s)),
                ]
            ).encoded
        return SignedTransaction(raw: raw, hash: keccak256(raw), signature: sig)
    }

    /// Parses a signed type-2 transaction and recovers its sender.
    public static func decodeSigned(raw: [UInt8]) throws -> (tx: EIP1559Transaction, sender: Address, hash: [UInt8]) {
        guard raw.first == typeByte else { throw Error.notType2 }
        let items: [RLP]
        do { items = try RLP.decode(Array(raw.dropFirst())).asList() } catch {
            throw Error.malformed("\(error)")
        }
        guard items.count == 12 else { throw Error.malformed("expected 12 fields, got \(items.count)") }
        do {
            let toBytes = try items[5].asBytes()
            guard toBytes.isEmpty || toBytes.count == 20 else { throw Error.malformed("`to` is not 20 bytes") }
            let access = try items[8].asList().map { entry -> AccessListEntry in
                let pair = try entry.asList()
                guard pair.count == 2, try pair[0].asBytes().count == 20 else { throw Error.malformed("access list") }
                return AccessListEntry(
                    address: Address(bytes: try pair[0].asBytes()),
                    storageKeys: try pair[1].asList().map { try $0.asBytes() })
            }
            let tx = EIP1559Transaction(
                chainID: try items[0].asUInt64(), nonce: try items[1].asUInt64(),
                maxPriorityFeePerGas: try items[2].asUInt(), maxFeePerGas: try items[3].asUInt(),
                gasLimit: try items[4].asUInt64(), to: toBytes.isEmpty ? nil : Address(bytes: toBytes),
                value: try items[6].asUInt(), data: try items[7].asBytes(), accessList: access)
            let parity = try items[9].asUInt64()
            guard parity <= 1 else { throw Error.malformed("yParity \(parity)") }
            let r = try items[10].asUInt()
            let s = try items[11].asUInt()
            let sig = Signature(r: Word.uint(r), s: Word.uint(s), yParity: UInt8(parity))
            let sender = try sig.recover(digest: tx.signingHash)
            return (tx, sender, keccak256(raw))
        } catch let e as Error {
            throw e
        } catch {
            throw Error.malformed("\(error)")
        }
    }
}

public struct SignedTransaction: Sendable, Hashable {
    /// 0x02 ‖ rlp([..., yParity, r, s]).
    public let raw: [UInt8]
    /// keccak256(raw): the transaction hash.
    public let hash: [UInt8]
    public let signature: Signature

    public var rawHex: String { Hex.encode(raw) }
    public var hashHex: String { Hex.encode(hash) }
}
