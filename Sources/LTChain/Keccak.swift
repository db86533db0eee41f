/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 … 0x80), not NIST
/// SHA-3's (0x06). Debian's OpenSSL 3.0 has no Keccak, so it lives here in pure Swift, pinned by the
/// known-answer vectors in chain.json. The permutation is fully unrolled over 25 local lanes (the
/// body is generated, see `keccakF1600`), which keeps the state in registers: signing an order hashes
/// several blocks, and the benchmark counts every one of them.

/// Rate of Keccak-256 in bytes (1600 − 2·256 bits).
let keccakRate = 136

/// Keccak-256 of `bytes` (32 bytes).
public func keccak256(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBytes { keccak256(buffer: $0) }
}

/// Keccak-256 of the bytes of a string (UTF-8), e.g. an EIP-712 type string or a function signature.
public func keccak256(utf8 text: String) -> [UInt8] {
    var text = text
    return text.withUTF8 { keccak256(buffer: UnsafeRawBufferPointer($0)) }
}

/// Keccak-256 of raw memory; the other entry points funnel here. One-shot hashing absorbs straight
/// from the input and keeps the state on the stack: no allocation but the 32-byte result.
public func keccak256(buffer: UnsafeRawBufferPointer) -> [UInt8] {
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { state in
        let s = state.baseAddress!
        s.initialize(repeating: 0, count: 25)
        var offset = 0
        let count = buffer.count
        while count - offset >= keccakRate {
            for lane in 0..<(keccakRate / 8) {
                s[lane] ^= UInt64(
                    littleEndian: buffer.loadUnaligned(fromByteOffset: offset + lane * 8, as: UInt64.self))
            }
            keccakF1600(s)
            offset += keccakRate
        }
        // Last (partial) block with the 0x01 … 0x80 padding, assembled in a stack buffer.
        withUnsafeTemporaryAllocation(byteCount: keccakRate, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            let rest = count - offset
            if rest > 0 {
                block.baseAddress!.copyMemory(from: buffer.baseAddress! + offset, byteCount: rest)
            }
            block[rest] ^= 0x01
            block[keccakRate - 1] ^= 0x80
            for lane in 0..<(keccakRate / 8) {
                s[lane] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
            }
        }
        keccakF1600(s)
        return squeeze(s)
    }
}

@inline(__always)
private func squeeze(_ s: UnsafePointer<UInt64>) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 32) { out, initialized in
        for lane in 0..<4 {
            let v = s[lane].littleEndian
            withUnsafeBytes(of: v) { b in
                for i in 0..<8 { out[lane * 8 + i] = b[i] }
            }
        }
        initialized = 32
    }
}

/// Incremental Keccak-256, for hashing concatenations (EIP-712 encodings, 0x1901 prefixes) without
/// building the concatenated array first.
public struct Keccak256: Sendable {
    private var state = [UInt64](repeating: 0, count: 25)
    private var block = [UInt8](repeating: 0, count: keccakRate)
    private var filled = 0

    public init() {}

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        var offset = 0
        let count = buffer.count
        while offset < count {
            let take = min(keccakRate - filled, count - offset)
            block.withUnsafeMutableBytes { dst in
                dst.baseAddress!.advanced(by: filled)
                    .copyMemory(from: buffer.baseAddress!.advanced(by: offset), byteCount: take)
            }
            filled += take
            offset += take
            if filled == keccakRate {
                absorbBlock()
                filled = 0
            }
        }
    }

    /// Pads, absorbs the last block and squeezes 32 bytes. The hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        block.withUnsafeMutableBytes { b in
            for i in filled..<keccakRate { b[i] = 0 }
            b[filled] ^= 0x01
            b[keccakRate - 1] ^= 0x80
        }
        absorbBlock()
        return state.withUnsafeBufferPointer { squeeze($0.baseAddress!) }
    }

    private mutating func absorbBlock() {
        block.withUnsafeBytes { b in
            state.withUnsafeMutableBufferPointer { s in
                for lane in 0..<(keccakRate / 8) {
                    s[lane] ^= UInt64(littleEndian: b.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
                }
                keccakF1600(s.baseAddress!)
            }
        }
    }
}

private let keccakRoundConstants: [UInt64] = [
    0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
    0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
    0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
    0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
    0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
    0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
]

@inline(__always)
private func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

/// Keccak-f[1600] on 25 lanes (lane (x, y) at index x + 5y). θ, ρ+π and χ are written out per lane
/// (generated from the rotation table of the Keccak reference) so the optimizer keeps all lanes in
/// registers; ι is the round constant.
@inline(__always)
private func keccakF1600(_ s: UnsafeMutablePointer<UInt64>) {
    var a00 = s[0]
    var a01 = s[1]
    var a02 = s[2]
    var a03 = s[3]
    var a04 = s[4]
    var a05 = s[5]
    var a06 = s[6]
    var a07 = s[7]
    var a08 = s[8]
    var a09 = s[9]
    var a10 = s[10]
    var a11 = s[11]
    var a12 = s[12]
    var a13 = s[13]
    var a14 = s[14]
    var a15 = s[15]
    var a16 = s[16]
    var a17 = s[17]
    var a18 = s[18]
    var a19 = s[19]
    var a20 = s[20]
    var a21 = s[21]
    var a22 = s[22]
    var a23 = s[23]
    var a24 = s[24]
    for round in 0..<24 {
        let c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
        let c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
        let c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
        let c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
        let c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
        let d0 = c4 ^ rotl(c1, 1)
        let d1 = c0 ^ rotl(c2, 1)
        let d2 = c1 ^ rotl(c3, 1)
        let d3 = c2 ^ rotl(c4, 1)
        let d4 = c3 ^ rotl(c0, 1)
        let b00 = (a00 ^ d0)
        let b10 = rotl(a06 ^ d1, 44)
        let b20 = rotl(a12 ^ d2, 43)
        let b30 = rotl(a18 ^ d3, 21)
        let b40 = rotl(a24 ^ d4, 14)
        let b01 = rotl(a03 ^ d3, 28)
        let b11 = rotl(a09 ^ d4, 20)
        let b21 = rotl(a10 ^ d0, 3)
        let b31 = rotl(a16 ^ d1, 45)
        let b41 = rotl(a22 ^ d2, 61)
        let b02 = rotl(a01 ^ d1, 1)
        let b12 = rotl(a07 ^ d2, 6)
        let b22 = rotl(a13 ^ d3, 25)
        let b32 = rotl(a19 ^ d4, 8)
        let b42 = rotl(a20 ^ d0, 18)
        let b03 = rotl(a04 ^ d4, 27)
        let b13 = rotl(a05 ^ d0, 36)
        let b23 = rotl(a11 ^ d1, 10)
        let b33 = rotl(a17 ^ d2, 15)
        let b43 = rotl(a23 ^ d3, 56)
        let b04 = rotl(a02 ^ d2, 62)
        let b14 = rotl(a08 ^ d3, 55)
        let b24 = rotl(a14 ^ d4, 39)
        let b34 = rotl(a15 ^ d0, 41)
        let b44 = rotl(a21 ^ d1, 2)
        a00 = b00 ^ (~b10 & b20)
        a01 = b10 ^ (~b20 & b30)
        a02 = b20 ^ (~b30 & b40)
        a03 = b30 ^ (~b40 & b00)
        a04 = b40 ^ (~b00 & b10)
        a05 = b01 ^ (~b11 & b21)
        a06 = b11 ^ (~b21 & b31)
        a07 = b21 ^ (~b31 & b41)
        a08 = b31 ^ (~b41 & b01)
        a09 = b41 ^ (~b01 & b11)
        a10 = b02 ^ (~b12 & b22)
        a11 = b12 ^ (~b22 & b32)
        a12 = b22 ^ (~b32 & b42)
        a13 = b32 ^ (~b42 & b02)
        a14 = b42 ^ (~b02 & b12)
        a15 = b03 ^ (~b13 & b23)
        a16 = b13 ^ (~b23 & b33)
        a17 = b23 ^ (~b33 & b43)
        a18 = b33 ^ (~b43 & b03)
        a19 = b43 ^ (~b03 & b13)
        a20 = b04 ^ (~b14 & b24)
        a21 = b14 ^ (~b24 & b34)
        a22 = b24 ^ (~b34 & b44)
        a23 = b34 ^ (~b44 & b04)
        a24 = b44 ^ (~b04 & b14)
        a00 ^= keccakRoundConstants[round]
    }

    s[0] = a00
    s[1] = a01
    s[2] = a02
    s[3] = a03
    s[4] = a04
    s[5] = a05
    s[6] = a06
    s[7] = a07
    s[8] = a08
    s[9] = a09
    s[10] = a10
    s[11] = a11
    s[12] = a12
    s[13] = a13
    s[14] = a14
    s[15] = a15
    s[16] = a16
    s[17] = a17
    s[18] = a18
    s[19] = a19
    s[20] = a20
    s[21] = a21
    s[22] = a22
    s[23] = a23
    s[24] = a24
}
