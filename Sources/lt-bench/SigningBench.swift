import ArgumentParser
import BigInt
import LTChain
import LTCore
import LTPolymarket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time of the calling thread: on a shared machine wall-clock time counts other processes'
/// work too, while this counts only ours — the "one core" cost the figures are about.
private struct ThreadCPUClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Orders built per second on one core (amounts + struct + hash + signature + POST body) and
/// Keccak-256 throughput. Uses a random throwaway key, never a configured one.
struct SigningBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing", abstract: "Order building/signing rate and Keccak-256 throughput.")

    @Option(help: "Orders to build in the timed run.")
    var orders = 20_000

    @Option(help: "Megabytes hashed for the Keccak-256 throughput figure.")
    var megabytes = 64

    func run() throws {
        let key = try PrivateKey(bytes: Crypto.randomBytes(count: 32))
        let domain = ExchangeDomain.v2(negRisk: false)
        let tokenID = BigUInt(
            uint256Text: "71321045679252212594626385532706912750332728571942532289631379312455583992563")!
        let prices: [ExactDecimal] = ["0.57", "0.12", "0.99", "0.5", "0.33", "0.01", "0.75", "0.42"]
        let sizes: [ExactDecimal] = ["17.8", "100", "3.03", "12.3456", "250.5", "5", "1000", "19.99"]
        let timestamp: UInt64 = 1_767_225_600_000

        func buildOne(_ i: Int) throws -> String {
            let side: Side = i & 1 == 0 ? .buy : .sell
            let a = try OrderAmounts.limit(
                side: side, price: prices[i & 7], size: sizes[(i >> 3) & 7], tick: .hundredth)
            let order = OrderV2(
                salt: UInt64(i) &* 2_654_435_761 & ((1 << 53) - 1), maker: key.address, signer: key.address,
                tokenID: tokenID, makerAmount: a.makerAmount, takerAmount: a.takerAmount, side: side,
                signatureType: .eoa, timestamp: timestamp &+ UInt64(i))
            let signed = try SignedOrder.sign(order: order, key: key, domain: domain)
            return signed.postBody(owner: "11111111-2222-4333-8444-555555555555", orderType: .gtc)
        }

        // Warm-up (lazy statics, caches), then the timed run.
        var sink = 0
        for i in 0..<500 { sink &+= try buildOne(i).utf8.count }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = ThreadCPUClock.now()
        for i in 0..<orders { sink &+= try buildOne(i).utf8.count }
        let orderSeconds = ThreadCPUClock.now() - cpuStart
        let wallSeconds = seconds(clock.now - start)

        // Where the time goes, per stage (same inputs).
        let stageN = max(orders / 4, 1000)
        let amountsT = try time(stageN) { i in
            let a = try OrderAmounts.limit(
                side: .buy, price: prices[i & 7], size: sizes[(i >> 3) & 7], tick: .hundredth)
            return Int(a.makerAmount & 1)
        }
        let sample = OrderV2(
            salt: 1, maker: key.address, signer: key.address, tokenID: tokenID, makerAmount: 10_146_000,
            takerAmount: 17_800_000, side: .buy, signatureType: .eoa, timestamp: timestamp)
        let structT = try time(stageN) { i in
            Int(
                OrderV2(
                    salt: UInt64(i), maker: key.address, signer: key.address, tokenID: tokenID, makerAmount: 10_146_000,
                    takerAmount: 17_800_000, side: .buy, signatureType: .eoa, timestamp: timestamp
                ).structHash[0])
        }
        let digestT = try time(stageN) { _ in Int(sample.digest(domain: domain)[0]) }
        let signT = try time(stageN) { i in
            Int(try key.sign(digest: keccak256([UInt8(truncatingIfNeeded: i)])).r[0])
        }
        let signedSample = try SignedOrder.sign(order: sample, key: key, domain: domain)
        let bodyT = try time(stageN) { _ in signedSample.postBody(owner: "owner", orderType: .gtc).utf8.count }
        let type3 = OrderV2(
            salt: 1, maker: key.address, signer: key.address, tokenID: tokenID, makerAmount: 10_146_000,
            takerAmount: 17_800_000, side: .buy, signatureType: .poly1271, timestamp: timestamp)
        let type3T = try time(stageN / 2) { _ in
            try SignedOrder.sign(order: type3, key: key, domain: domain).signature.count
        }
        let recoverT = try time(stageN / 2) { _ in Int(try signedSample.recoverSigningEOA(domain: domain).bytes[0]) }

        // Keccak-256: bulk throughput and short inputs (32 and 384 bytes, the sizes order hashing uses).
        let bulk = [UInt8](repeating: 0xa5, count: 1 << 20)
        let kStart = ThreadCPUClock.now()
        for _ in 0..<megabytes { sink &+= Int(keccak256(bulk)[0]) }
        let kSeconds = ThreadCPUClock.now() - kStart
        let short32 = [UInt8](repeating: 7, count: 32)
        let short384 = [UInt8](repeating: 7, count: 384)
        let k32 = try time(200_000) { _ in Int(keccak256(short32)[0]) }
        let k384 = try time(100_000) { _ in Int(keccak256(short384)[0]) }

        let perOrder = orderSeconds / Double(orders) * 1e6
        print("signing benchmark: one thread, \(orders) orders, random throwaway key; figures are thread CPU time")
        print(
            "(wall clock for the order run: \(Int((wallSeconds / Double(orders) * 1e6).rounded())) µs/order, "
                + "inflated when other processes share the cores)")
        print(line("orders built/s (amounts+struct+hash+sign+body)", Double(orders) / orderSeconds, "orders/s"))
        print(line("  per order", perOrder, "µs"))
        print(line("  reference: fastest public implementation", 44, "µs/order"))
        print(line("  stage: amounts", amountsT, "µs"))
        print(line("  stage: OrderV2 + hashStruct", structT, "µs"))
        print(line("  stage: digest (0x1901‖domain‖struct)", digestT, "µs"))
        print(line("  stage: secp256k1 sign", signT, "µs"))
        print(line("  stage: POST body", bodyT, "µs"))
        print(line("  type 3 (ERC-7739) sign", type3T, "µs"))
        print(line("  recover signer (types 0-2)", recoverT, "µs"))
        print(line("keccak256 throughput (1 MiB blocks)", Double(megabytes) / kSeconds, "MiB/s"))
        print(line("keccak256 32-byte input", k32, "µs"))
        print(line("keccak256 384-byte input (order struct)", k384, "µs"))
        if sink == 42 { print("") }  // keeps the work observable to the optimizer
    }

    /// Mean microseconds per call of `body` over `n` calls.
    private func time(_ n: Int, _ body: (Int) throws -> Int) throws -> Double {
        var sink = 0
        for i in 0..<min(n, 200) { sink &+= try body(i) }
        let start = ThreadCPUClock.now()
        for i in 0..<n { sink &+= try body(i) }
        let s = ThreadCPUClock.now() - start
        if sink == 42 { print("") }
        return s / Double(n) * 1e6
    }

    private func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    private func line(_ label: String, _ value: Double, _ unit: String) -> String {
        let text = value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 100)) / 100)
        return label + String(repeating: " ", count: max(1, 51 - label.count)) + text + " " + unit
    }
}
