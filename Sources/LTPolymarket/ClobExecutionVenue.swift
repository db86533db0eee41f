import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP

/// `execute`'s exchange port (LTCore `ExecutionVenue`) over the CLOB client and V2 order signing.
///
/// Reads (market, books) go through `ClobClient` with its retry policy (429 + Retry-After, 5xx);
/// `post` sends once and maps the classified answer, so an answer that proves nothing stays
/// `.unknown` and is never retried here. Keys are loaded from the wallets file only when a live
/// order is signed; nothing here logs or describes a key, secret or passphrase.
public final class ClobExecutionVenue: ExecutionVenue {
    let clob: ClobClient
    let wallets: () throws(WalletConfigError) -> WalletsFile
    /// Milliseconds since the epoch for the V2 order `timestamp`.
    let nowMs: () -> UInt64
    var signers: [String: Signer] = [:]

    struct Signer {
        let key: PrivateKey
        let config: WalletConfig
        let credentials: ApiCredentials
    }

    public init(
        clob: ClobClient, wallets: @escaping () throws(WalletConfigError) -> WalletsFile,
        nowMs: @escaping () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.clob = clob
        self.wallets = wallets
        self.nowMs = nowMs
    }

    public func market(conditionId: String) throws(VenueError) -> VenueMarket? {
        do {
            return try clob.market(conditionID: conditionId).venueMarket
        } catch {
            if case .status(_, 404, _) = error { return nil }
            throw error.venueError
        }
    }

    /// Books without a tick or minimum size are left out (the token then counts as bookless).
    public func books(tokenIds: [String]) throws(VenueError) -> [String: VenueBook] {
        let books: [OrderBook]
        do { books = try clob.books(tokenIDs: tokenIds) } catch { throw error.venueError }
        var out: [String: VenueBook] = [:]
        for b in books { if let v = b.venueBook { out[v.tokenId] = v } }
        return out
    }

    public func signBuy(_ r: BuyOrderRequest) throws(VenueError) -> SignedBuy {
        let signer = try signer(named: r.wallet)
        do {
            let tick = try TickSize(r.tickSize)
            let amounts = try OrderAmounts.market(side: .buy, price: r.limitPrice, amount: r.amountUsd, tick: tick)
            guard let tokenId = BigUInt(r.tokenId, radix: 10) else {
                throw VenueError(.malformed, "token id is not a decimal uint256")
            }
            let maker = signer.config.maker(eoa: signer.key.address)
            // A deposit wallet (type 3) is maker and signer; otherwise the EOA signs (protocol §2).
            let orderSigner = signer.config.signatureType == .poly1271 ? maker : signer.key.address
            let order = OrderV2(
                salt: UInt64.random(in: 1..<(1 << 53)), maker: maker,
                signer: orderSigner, tokenId: tokenId, makerAmount: amounts.makerAmount,
                takerAmount: amounts.takerAmount, side: .buy, signatureType: signer.config.signatureType,
                timestamp: nowMs(), builder: signer.config.builderCode)
            let domain = ExchangeDomain.v2(negRisk: r.negRisk, chainId: clob.chainId)
            let signed = try SignedOrder.sign(order: order, key: signer.key, domain: domain)
            return SignedBuy(
                orderHash: order.orderID(domain: domain),
                requestedShares: Fixed6(micros: Int64(amounts.takerAmount)),
                payload: signed.postBody(owner: signer.credentials.key, orderType: r.orderType))
        } catch let e as VenueError {
            throw e
        } catch {
            // Order-validation and signing errors describe amounts and ticks, never the key.
            throw VenueError(.configuration, "cannot build the order: \(error)")
        }
    }

    public func post(_ order: SignedBuy, orderType: OrderType, wallet: String) -> VenuePostResult {
        guard let signer = signers[wallet] else { return .notPlaced(reason: "wallet \(wallet) was not loaded") }
        // Sent once; LTHTTP gives every non-GET request a fresh connection, so libcurl cannot silently
        // re-send it on a dead keep-alive connection.
        return clob.postOrder(body: order.payload, credentials: signer.credentials, address: signer.key.address)
            .venuePostResult
    }

    func signer(named name: String) throws(VenueError) -> Signer {
        if let s = signers[name] { return s }
        do {
            let config = try wallets().wallet(named: name)
            let key = try config.loadKey()
            let credentials: ApiCredentials
            if let c = config.apiCredentials {
                credentials = c
            } else {
                do { credentials = try clob.deriveApiKey(key: key) } catch {
                    throw VenueError(.unavailable, "cannot derive API credentials for wallet \(name): \(error)")
                }
            }
            let s = Signer(key: key, config: config, credentials: credentials)
            signers[name] = s
            return s
        } catch let e as VenueError {
            throw e
        } catch {
            throw VenueError(.configuration, "\(error)")
        }
    }
}
