import Foundation
import Testing

@testable import LTChain

/// chain.json: Keccak-256 known answers, EIP-191 personal signatures and EIP-55 checksums, every case.
struct PrimitiveTests {
    @Test("keccak256 known answers", arguments: 0..<Vectors.cases("keccak256").count)
    func keccak(index: Int) throws {
        let c = Vectors.cases("keccak256")[index]
        let input = try (c["input"] as? String).map(Hex.decode) ?? Array((c["input_utf8"] as! String).utf8)
        if let text = c["input_utf8"] as? String {
            #expect(Hex.encode(keccak256(utf8: text)) == c["keccak256"] as! String)
        }
        #expect(Hex.encode(keccak256(input)) == c["keccak256"] as! String)
        // Incremental hashing in uneven pieces crosses the 136-byte block boundary differently.
        var h = Keccak256()
        var offset = 0
        var step = 1
        while offset < input.count {
            let end = min(input.count, offset + step)
            h.update(Array(input[offset..<end]))
            offset = end
            step = step * 3 + 1
        }
        #expect(Hex.encode(h.finalize()) == c["keccak256"] as! String)
    }

    @Test func keccakIsNotSHA3() {
        // NIST SHA3-256("") starts a7ffc6f8; Keccak-256("") is Ethereum's empty hash.
        #expect(Hex.encode(keccak256([])) == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test("EIP-191 personal_sign", arguments: 0..<Vectors.cases("eip191_personal_sign").count)
    func personalSign(index: Int) throws {
        let c = Vectors.cases("eip191_personal_sign")[index]
        let message = try Hex.decode(c["message"] as! String)
        #expect(Hex.encode(EIP191.hash(message: message)) == c["hash"] as! String)
        let sig = try EIP191.sign(message: message, key: Vectors.testKey)
        #expect(Hex.encode(sig.bytes65) == c["signature"] as! String)
        let parsed = try Signature(bytes65: try Hex.decode(c["signature"] as! String))
        #expect(try parsed.recover(digest: EIP191.hash(message: message)) == Vectors.testKey.address)
    }

    @Test("EIP-55 checksums", arguments: 0..<Vectors.cases("checksum_addresses").count)
    func checksum(index: Int) throws {
        let c = Vectors.cases("checksum_addresses")[index]
        let expected = c["checksummed"] as! String
        let a = try Address(hex: c["lower"] as! String)
        #expect(a.checksummed == expected)
        #expect(a.description == expected)
        #expect(try Address(hex: expected) == a)
        #expect(try Address(hex: expected.uppercased().replacingOccurrences(of: "0X", with: "0x")) == a)
        // Flip the case of one letter: the checksum must catch it.
        if let i = expected.dropFirst(2).firstIndex(where: { $0.isLetter }) {
            var broken = expected
            let ch = broken[i]
            broken.replaceSubrange(i...i, with: ch.isUppercase ? ch.lowercased() : ch.uppercased())
            #expect(throws: Address.Error.badChecksum(broken)) { try Address(hex: broken) }
        }
        let json = try JSONEncoder().encode([a])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(expected)\"]")
        #expect(try JSONDecoder().decode([Address].self, from: json) == [a])
    }

    @Test func testKeyAddress() {
        let meta = Vectors.chain["meta"] as! [String: Any]
        #expect(Vectors.testKey.address.checksummed == meta["test_address"] as! String)
    }

    @Test func hexRoundTripsAndRejectsGarbage() throws {
        #expect(try Hex.decode("0xABcd01") == [0xab, 0xcd, 0x01])
        #expect(try Hex.decode("") == [])
        #expect(Hex.encode([0x00, 0xff], prefix: false) == "00ff")
        #expect(throws: Hex.Error.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: Hex.Error.invalidCharacter("g")) { try Hex.decode("0xag") }
    }

    @Test func cryptoWrappers() throws {
        #expect(
            Hex.encode(Crypto.sha256(Array("abc".utf8)), prefix: false)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        let mac = Crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac, prefix: false) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Crypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEqual([1, 2], [1, 2, 3]))
        let r1 = try Crypto.randomBytes(count: 32)
        let r2 = try Crypto.randomBytes(count: 32)
        #expect(r1.count == 32 && r1 != r2)
        #expect(try Crypto.randomBits(53) < (1 << 53))
    }

    @Test func base64BothAlphabets() throws {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0x00, 0x10]
        #expect(Base64.encode(bytes) == "+//+ABA=")
        #expect(Base64.encodeURL(bytes) == "-__-ABA=")
        #expect(try Base64.decode("+//+ABA=") == bytes)
        #expect(try Base64.decodeURL("-__-ABA=") == bytes)
        #expect(try Base64.decodeURL("-__-ABA") == bytes)
        #expect(throws: Base64.Error.invalid) { try Base64.decodeURL("+//+ABA=") }
        #expect(throws: Base64.Error.invalid) { try Base64.decode("A") }
        for n in 0..<40 {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(try Base64.decode(Base64.encode(data)) == data)
            #expect(try Base64.decodeURL(Base64.encodeURL(data)) == data)
        }
    }
}
