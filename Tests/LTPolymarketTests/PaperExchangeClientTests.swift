import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP
import Synchronization
import Testing

@testable import LTPolymarket

/// A `lt-paper-exchange` subprocess on 127.0.0.1 (port chosen by the OS), stopped by `stop()`.
/// The executable must be built (`swift build` builds it next to the test bundle).
final class PaperExchangeProcess {
    let process = Process()
    let baseURL: String
    let stderrFile: String

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func executable() -> String? {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        // macOS-style bundles nest the binary; walk up a few levels.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lt-paper-exchange").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    init(scenario: String = "examples/demo.json") throws {
        guard let exe = Self.executable() else { throw PaperError.notBuilt }
        stderrFile = NSTemporaryDirectory() + "lt-paper-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["--scenario", Self.repoRoot.appendingPathComponent(scenario).path, "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: stderrFile)
        try process.run()
        // First stdout line: "listening on http://127.0.0.1:PORT".
        var line = [UInt8]()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://") else {
            process.terminate()
            throw PaperError.noURL(text)
        }
        baseURL = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() -> String {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let log = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: stderrFile)
        return log
    }

    /// A control API call (JSON in, JSON out).
    @discardableResult
    func control(_ method: HTTPMethod, _ path: String, _ body: String? = nil) throws -> HTTPResponse {
        let client = HTTPClient()
        let request =
            body.map { HTTPRequest.json(method, baseURL + path, body: $0) }
            ?? HTTPRequest(method: method, url: baseURL + path)
        return try client.send(request).requireSuccess(for: request)
    }

    /// Entries of the exchange's order log for `orderID`.
    func loggedPosts(orderID: String) throws -> Int {
        let log = try control(.get, "/_control/orders")
        let entries = try JSONSerialization.jsonObject(with: Data(log.body)) as? [[String: Any]] ?? []
        return entries.filter { ($0["order_id"] as? String)?.lowercased() == orderID.lowercased() }.count
    }

    enum PaperError: Error, CustomStringConvertible {
        case notBuilt
        case noURL(String)
        var description: String {
            switch self {
            case .notBuilt: return "lt-paper-exchange is not built: run `swift build` before the tests"
            case .noURL(let line): return "lt-paper-exchange did not print its URL (got '\(line)')"
            }
        }
    }
}

private let keyHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
private let credentials = ApiCredentials(
    key: "11111111-2222-4333-8444-555555555555", secret: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    passphrase: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0")
private let yesToken = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
private let noToken = "71321045679252212594626385532706912750332728571942532289631379312455583992564"
private let conditionID = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"
private let leader = "0x1111111111111111111111111111111111111111"

/// Records retry waits instead of sleeping.
private final class Waits: Sendable {
    private let list = Mutex<[Duration]>([])
    var recorded: [Duration] { list.withLock { $0 } }
    var policy: RetryPolicy {
        RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), sleep: { d in self.list.withLock { $0.append(d) } })
    }
}

/// A signed EOA order on the demo's standard market (BUY: `shares` at `price`, amounts in micros).
private func signedBuy(key: PrivateKey, price: Int64, shares: Int64, salt: UInt64) throws -> (String, String) {
    let order = OrderV2(
        salt: salt, maker: key.address, signer: key.address, tokenID: BigUInt(yesToken)!,
        makerAmount: UInt64(shares * price / 1_000_000), takerAmount: UInt64(shares), side: .buy,
        signatureType: .eoa, timestamp: UInt64(Date().timeIntervalSince1970 * 1000))
    let domain = ExchangeDomain.v2(negRisk: false)
    let signed = try SignedOrder.sign(order: order, key: key, domain: domain)
    return (signed.postBody(owner: credentials.key, orderType: .fok), order.orderID(domain: domain))
}

@Suite("Clients against lt-paper-exchange", .serialized)
struct PaperExchangeClientTests {
    /// Runs `body` with a fresh exchange and checks afterwards that the exchange's log holds no secret.
    func withExchange(_ body: (PaperExchangeProcess, ClobClient) throws -> Void) throws {
        let paper = try PaperExchangeProcess()
        let clob = ClobClient(baseURL: paper.baseURL, http: HTTPClient(), readPolicy: Waits().policy)
        var failure: (any Error)?
        do { try body(paper, clob) } catch { failure = error }
        let log = paper.stop()
        for secret in [credentials.secret, credentials.passphrase, keyHex] {
            #expect(!log.contains(secret), "the exchange's log must not contain secrets")
        }
        if let failure { throw failure }
    }

    @Test func readsBooksAndMarkets() throws {
        try withExchange { _, clob in
            let book = try clob.book(tokenID: yesToken)
            #expect(book.bestBid?.price == Fixed6(micros: 480_000))
            #expect(book.bestAsk?.price == Fixed6(micros: 500_000))
            #expect(book.asksBestFirst.map(\.price.plainText) == ["0.5", "0.51", "0.55"])
            #expect(book.tickSize == Fixed6(micros: 10_000))
            let books = try clob.books(tokenIDs: [yesToken, noToken])
            #expect(Set(books.map(\.assetID)) == [yesToken, noToken])
            let market = try clob.market(conditionID: conditionID)
            #expect(market.tokens.map(\.tokenID) == [yesToken, noToken])
            #expect(!market.closed && !market.negRisk)
            #expect(market.minimumOrderSize == 5)
        }
    }

    @Test func gammaAndDataAPI() throws {
        try withExchange { paper, _ in
            let http = HTTPClient()
            let gamma = try GammaClient(baseURL: paper.baseURL, http: http).markets(conditionIDs: [conditionID])
            #expect(gamma.count == 1)
            #expect(gamma.first?.tokenID(outcome: "Yes") == yesToken)
            let positions = try DataAPIClient(baseURL: paper.baseURL, http: http).positions(user: leader)
            #expect(positions.first { $0.asset == yesToken }?.size == 2500)
        }
    }

    @Test
    func derivesApiCredentialsWithL1() throws {
        try withExchange { _, clob in
            let key = try PrivateKey(hex: keyHex)
            let derived = try clob.deriveApiKey(key: key)
            #expect(derived.key == credentials.key)
            #expect(derived == credentials)
        }
    }

    @Test
    func postsASignedOrderAndFindsItsTrades() throws {
        try withExchange { paper, clob in
            let key = try PrivateKey(hex: keyHex)
            let (body, orderID) = try signedBuy(key: key, price: 500_000, shares: 10_000_000, salt: 1001)
            let outcome = clob.postOrder(body: body, credentials: credentials, address: key.address)
            guard case .accepted(let accepted) = outcome else {
                Issue.record("expected accepted, got \(outcome)")
                return
            }
            #expect(accepted.orderID.lowercased() == orderID.lowercased())
            #expect(accepted.status == .matched)
            let trades = try clob.trades(TradeQuery(), credentials: credentials, address: key.address)
            let ours = trades.filter { $0.takerOrderID.lowercased() == orderID.lowercased() }
            #expect(ours.reduce(Fixed6.zero) { $0 + $1.size } == 10)
            #expect(ours.allSatisfy { $0.price == Fixed6(micros: 500_000) })
            if let order = try clob.order(id: orderID, credentials: credentials, address: key.address) {
                #expect(order.sizeMatched == 10)
            }
            // The same order again is refused by the venue, and the log shows both attempts.
            let again = clob.postOrder(body: body, credentials: credentials, address: key.address)
            #expect(again.kind == "rejected")
            #expect(try paper.loggedPosts(orderID: orderID) == 2)
        }
    }

    @Test
    func restingOrderCanBeCancelled() throws {
        try withExchange { _, clob in
            let key = try PrivateKey(hex: keyHex)
            // The demo funds this EOA with 1000 collateral.
            #expect(try clob.balance(signatureType: .eoa, credentials: credentials, address: key.address) == 1000)
            let order = OrderV2(
                salt: 77, maker: key.address, signer: key.address, tokenID: BigUInt(yesToken)!,
                makerAmount: 4_000_000, takerAmount: 10_000_000, side: .buy, signatureType: .eoa,
                timestamp: UInt64(Date().timeIntervalSince1970 * 1000))
            let domain = ExchangeDomain.v2(negRisk: false)
            let body = try SignedOrder.sign(order: order, key: key, domain: domain)
                .postBody(owner: credentials.key, orderType: .gtc)
            let outcome = clob.postOrder(body: body, credentials: credentials, address: key.address)
            guard case .accepted(let accepted) = outcome, accepted.status == .live else {
                Issue.record("expected a live order, got \(outcome)")
                return
            }
            let open = try clob.openOrders(assetID: yesToken, credentials: credentials, address: key.address)
            #expect(open.map { $0.id.lowercased() } == [accepted.orderID.lowercased()])
            let result = try clob.cancel(orderID: accepted.orderID, credentials: credentials, address: key.address)
            #expect(result.canceled.map { $0.lowercased() } == [accepted.orderID.lowercased()])
            let after = try clob.order(id: accepted.orderID, credentials: credentials, address: key.address)
            #expect(after?.isCanceled == true)
        }
    }

    @Test
    func serverErrorAfterAcceptIsUnknownAndNotRetried() throws {
        try withExchange { paper, clob in
            let key = try PrivateKey(hex: keyHex)
            // A kept-alive connection first: the POST must not be re-sent on it by libcurl.
            _ = try clob.book(tokenID: yesToken)
            try paper.control(
                .post, "/_control/faults", #"{"kind":"http_500","method":"POST","path":"/order","process":true}"#)
            let (body, orderID) = try signedBuy(key: key, price: 500_000, shares: 10_000_000, salt: 2002)
            let outcome = clob.postOrder(body: body, credentials: credentials, address: key.address)
            #expect(outcome.kind == "unknown", "\(outcome)")
            #expect(try paper.loggedPosts(orderID: orderID) == 1)
        }
    }

    @Test
    func droppedConnectionAfterAcceptIsUnknownAndNotRetried() throws {
        try withExchange { paper, clob in
            let key = try PrivateKey(hex: keyHex)
            // A kept-alive connection first: the POST must not be re-sent on it by libcurl.
            _ = try clob.book(tokenID: yesToken)
            try paper.control(
                .post, "/_control/faults", #"{"kind":"drop_after_accept","method":"POST","path":"/order"}"#)
            let (body, orderID) = try signedBuy(key: key, price: 500_000, shares: 10_000_000, salt: 3003)
            let outcome = clob.postOrder(body: body, credentials: credentials, address: key.address)
            guard case .unknown(let reason) = outcome else {
                Issue.record("expected unknown, got \(outcome)")
                return
            }
            #expect(try paper.loggedPosts(orderID: orderID) == 1)
            // The order exists at the venue: reconciliation by id finds its fills.
            let trades = try clob.trades(TradeQuery(), credentials: credentials, address: key.address)
            #expect(trades.contains { $0.takerOrderID.lowercased() == orderID.lowercased() })
            for secret in [credentials.secret, credentials.passphrase, keyHex] { #expect(!reason.contains(secret)) }
        }
    }

    @Test func rateLimitedBookIsRetriedHonouringRetryAfter() throws {
        let paper = try PaperExchangeProcess()
        defer { _ = paper.stop() }
        try paper.control(
            .post, "/_control/faults", #"{"kind":"http_429","method":"GET","path":"/book","retry_after":1}"#)
        let waits = Waits()
        let clob = ClobClient(baseURL: paper.baseURL, http: HTTPClient(), readPolicy: waits.policy)
        let book = try clob.book(tokenID: yesToken)
        #expect(book.assetID == yesToken)
        #expect(waits.recorded == [.seconds(1)])
    }

    @Test func malformedBookIsClassified() throws {
        try withExchange { paper, clob in
            try paper.control(.post, "/_control/faults", #"{"kind":"malformed_json","method":"GET","path":"/book"}"#)
            do {
                _ = try clob.book(tokenID: yesToken)
                Issue.record("a malformed body must not decode")
            } catch {
                guard case HTTPError.malformedBody(_, let status, _, _) = error else {
                    Issue.record("expected malformedBody, got \(error)")
                    return
                }
                #expect(status == 200)
            }
        }
    }
}
