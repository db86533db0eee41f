import BigInt
import Foundation
import Testing

@testable import LTChain

/// chain.json (EIP-1559 transactions, ABI calldata) and redemption.json wallet derivations, every case.
struct ChainVectorTests {
    @Test("EIP-1559 raw transactions and hashes", arguments: 0..<Vectors.cases("eip1559_transactions").count)
    func eip1559(index: Int) throws {
        let c = Vectors.cases("eip1559_transactions")[index]
        let t = c["tx"] as! [String: Any]
        #expect(Vectors.string(t["type"]) == "2")
        let tx = EIP1559Transaction(
            chainID: UInt64(Vectors.string(t["chainId"]))!, nonce: UInt64(Vectors.string(t["nonce"]))!,
            maxPriorityFeePerGas: BigUInt(Vectors.string(t["maxPriorityFeePerGas"]))!,
            maxFeePerGas: BigUInt(Vectors.string(t["maxFeePerGas"]))!, gasLimit: UInt64(Vectors.string(t["gas"]))!,
            to: try (t["to"] as? String).map(Address.init(hex:)), value: BigUInt(Vectors.string(t["value"]))!,
            data: try Hex.decode(t["data"] as! String),
            accessList: try (t["accessList"] as! [[String: Any]]).map {
                AccessListEntry(
                    address: try Address(hex: $0["address"] as! String),
                    storageKeys: try ($0["storageKeys"] as! [String]).map(Hex.decode))
            })
        let signed = try tx.signed(with: Vectors.testKey)
        #expect(signed.rawHex == c["raw"] as! String)
        #expect(signed.hashHex == c["hash"] as! String)
        // The vectors write r and s as integers (no leading zeros).
        #expect(Word.toBigUInt(signed.signature.r) == BigUInt(uint256Text: c["r"] as! String))
        #expect(Word.toBigUInt(signed.signature.s) == BigUInt(uint256Text: c["s"] as! String))
        #expect(Int(signed.signature.yParity) == Int(Vectors.string(c["v"])))

        let decoded = try EIP1559Transaction.decodeSigned(raw: try Hex.decode(c["raw"] as! String))
        #expect(decoded.tx == tx)
        #expect(decoded.sender == Vectors.testKey.address)
        #expect(Hex.encode(decoded.hash) == c["hash"] as! String)
        #expect(try RLP.decode(Array(signed.raw.dropFirst())).encoded == Array(signed.raw.dropFirst()))

        // One flipped byte in the payload changes the recovered sender (or breaks decoding).
        var tampered = signed.raw
        tampered[tampered.count / 2] ^= 0x01
        if let t = try? EIP1559Transaction.decodeSigned(raw: tampered) { #expect(t.sender != Vectors.testKey.address) }
    }

    static func abiValue(_ type: ABIType, _ json: Any) throws -> ABIValue {
        switch type {
        case .address: return .address(try Address(hex: json as! String))
        case .fixedBytes: return .bytes32(try Hex.decode(json as! String))
        case .bytes: return .bytes(try Hex.decode(json as! String))
        case .uint: return .uint(BigUInt(Vectors.string(json))!)
        case .bool: return .bool(json as! Bool)
        case .string: return .string(json as! String)
        case .array(let t): return .array(try (json as! [Any]).map { try abiValue(t, $0) })
        case .fixedArray(let t, _): return .fixedArray(try (json as! [Any]).map { try abiValue(t, $0) })
        case .tuple(let ts): return .tuple(try zip(ts, json as! [Any]).map { try abiValue($0, $1) })
        case .int: return .int(BigInt(Vectors.string(json))!)
        }
    }

    @Test("ABI calldata", arguments: 0..<Vectors.cases("abi_calldata").count)
    func abiCalldata(index: Int) throws {
        let c = Vectors.cases("abi_calldata")[index]
        let signature = c["signature"] as! String
        let (_, types) = try ABI.parseSignature(signature)
        let args = try zip(types, c["args"] as! [Any]).map { try Self.abiValue($0, $1) }
        let data = ABI.encodeCall(signature: signature, args: args)
        #expect(Hex.encode(data) == c["calldata"] as! String)
        #expect(try ABI.decodeCall(signature: signature, data: data) == args)
        #expect(throws: ABI.Error.self) { try ABI.decodeCall(signature: signature, data: Array(data.dropLast(1))) }
    }

    @Test func abiNestedDynamicTuplesRoundTrip() throws {
        // proxy((uint8,address,uint256,bytes)[]) carries dynamic tuples inside a dynamic array.
        let call: ABIValue = .array([
            .tuple([.uint(1), .address(Vectors.testKey.address), .uint(0), .bytes([1, 2, 3])]),
            .tuple([.uint(1), .address(.zero), .uint(7), .bytes(Array(repeating: 9, count: 40))]),
        ])
        let sig = "proxy((uint8,address,uint256,bytes)[])"
        let data = ABI.encodeCall(signature: sig, args: [call])
        #expect(try ABI.decodeCall(signature: sig, data: data) == [call])
        let mixed: [ABIValue] = [.string("héllo"), .fixedArray([.uint(1), .uint(2)]), .bool(true), .int(-5)]
        let types = try ["string", "uint256[2]", "bool", "int256"].map(ABIType.init(parsing:))
        #expect(try ABI.decode(types: types, data: ABI.encode(mixed)) == mixed)
        #expect(Hex.encode(ABI.selector("transfer(address,uint256)")) == "0xa9059cbb")
    }

    @Test func rlpRejectsNonCanonicalInput() {
        #expect(throws: RLP.Error.self) { try RLP.decode([0x81, 0x05]) }  // single byte < 0x80 with a prefix
        #expect(throws: RLP.Error.self) { try RLP.decode([0xb8, 0x01, 0x00]) }  // long form for a short string
        #expect(throws: RLP.Error.self) { try RLP.decode([0x83, 0x01]) }  // truncated
        #expect(throws: RLP.Error.self) { try RLP.decode([0x01, 0x02]) }  // trailing bytes
        #expect(
            RLP.list([.bytes([]), .uint(UInt64(0x400)), .list([])]).encoded == [0xc5, 0x80, 0x82, 0x04, 0x00, 0xc0])
    }

    @Test func walletDerivations() throws {
        let r = Vectors.load("redemption.json")
        let wallets = r["wallets"] as! [String: String]
        let owner = try Address(hex: wallets["eoa"]!)
        #expect(owner == Vectors.testKey.address)
        #expect(WalletDerivation.proxyWallet(owner: owner).checksummed == wallets["poly_proxy"])
        #expect(WalletDerivation.safe(owner: owner).checksummed == wallets["gnosis_safe"])
        #expect(WalletDerivation.depositWallet(owner: owner, kind: .uups).checksummed == wallets["deposit_wallet_uups"])
        #expect(
            WalletDerivation.depositWallet(owner: owner, kind: .beacon).checksummed == wallets["deposit_wallet_beacon"])
        let config =
            (r["production_config_polymarket_client"] as! [String: Any])["wallet_derivation"] as! [String: String]
        #expect(WalletDerivation.proxyFactory.checksummed == config["proxy_factory"])
        #expect(WalletDerivation.safeFactory.checksummed == config["safe_factory"])
        #expect(Hex.encode(WalletDerivation.safeInitCodeHash) == config["safe_init_code_hash"])
        #expect(WalletDerivation.depositWalletFactory.checksummed == config["deposit_wallet_factory"])
        #expect(WalletDerivation.depositWalletImplementation.checksummed == config["deposit_wallet_implementation"])
        #expect(WalletDerivation.depositWalletBeacon.checksummed == config["deposit_wallet_beacon"])
        // Different owners, different wallets.
        let other = Address(bytes: Array(repeating: 0x11, count: 20))
        #expect(WalletDerivation.proxyWallet(owner: other) != WalletDerivation.proxyWallet(owner: owner))
    }
}

struct WordTests {
    @Test func decimalStringMatchesBigInt() {
        var values: [BigUInt] = [
            0, 1, 9, 10, 18_446_744_073_709_551_615, BigUInt(1) << 64,
            BigUInt(10).power(19), BigUInt(10).power(19) - 1, BigUInt(10).power(38),
            (BigUInt(1) << 256) - 1,
        ]
        var x = BigUInt(7)
        for _ in 0..<60 { x = x * 1_000_003 + 12_345; values.append(x & ((BigUInt(1) << 256) - 1)) }
        for v in values { #expect(Word.decimalString(v) == String(v)) }
    }
}
