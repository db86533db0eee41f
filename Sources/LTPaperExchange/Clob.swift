import Foundation
import LTCore
import LTPolymarket

/// The venue's error texts (polymarket-protocol.md §3.5; the others are this exchange's choice,
/// documented in docs/paper-exchange.md).
public enum PaperErrors {
    public static let fokNotFilled = "order couldn't be fully filled. FOK orders are fully filled or killed."
    public static let fakNotFilled =
        "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found."
    public static let notEnoughBalance = "not enough balance / allowance"
    public static let unauthorized = "Unauthorized/Invalid api key"
    public static let invalidSignature = "invalid signature"
    public static let duplicated = "order already exists"
    public static let ownerMismatch = "the order owner has to be the owner of the API KEY"
    public static let signerMismatch = "the order signer address has to be the address of the API KEY"
}

extension ExchangeState {
    // MARK: L2 authentication

    /// Checks the POLY_* headers and the HMAC; answers the API key and its EOA.
    func authenticate(_ req: PaperRequest) -> Result<(apiKey: String, eoa: String), PaperResponseError> {
        guard let address = req.headers["poly_address"], let signature = req.headers["poly_signature"],
            let timestamp = req.headers["poly_timestamp"], let apiKey = req.headers["poly_api_key"],
            let passphrase = req.headers["poly_passphrase"]
        else { return .failure(.init(.error(401, PaperErrors.unauthorized))) }
        guard let (creds, eoa) = credentials(apiKey: apiKey),
            Verify.constantTimeEqual(creds.passphrase, passphrase),
            addressKey(eoa) == addressKey(address)
        else { return .failure(.init(.error(401, PaperErrors.unauthorized))) }
        let body = req.bodyText
        // [v1]/[v2] replace ' by " in the signed message only, [sdk] does not: accept either form.
        for quirk in [true, false] {
            if let expected = Verify.l2Signature(
                secret: creds.secret, timestamp: timestamp, method: req.method, path: req.path, body: body,
                legacyQuoteQuirk: quirk),
                Verify.constantTimeEqual(expected, signature)
            {
                return .success((apiKey, eoa))
            }
        }
        return .failure(.init(.error(401, PaperErrors.unauthorized)))
    }

    // MARK: POST /order

    struct Outcome {
        var response: PaperResponse
        var orderID: String?
    }

    mutating func postOrder(body: JSON, apiKey: String, eoa: String, now: Int64) -> Outcome {
        let parsed: (WireOrder, String, OrderType, Bool)
        do { parsed = try ExchangeState.parseOrderBody(body) } catch {
            return Outcome(response: .error(400, "Invalid order payload: \(error.message)"), orderID: nil)
        }
        let (order, owner, orderType, postOnly) = parsed
        guard let market = market(forToken: order.tokenID) else {
            return Outcome(response: .error(400, "market not found for token id \(order.tokenID)"), orderID: nil)
        }
        let orderID: String
        do { orderID = try Verify.orderID(order, negRisk: market.negRisk, chainID: scenario.chainID) } catch {
            return Outcome(response: .error(400, PaperErrors.invalidSignature), orderID: nil)
        }
        func reject(_ message: String) -> Outcome { Outcome(response: .error(400, message), orderID: orderID) }

        guard owner == apiKey else { return reject(PaperErrors.ownerMismatch) }
        if orders[orderID] != nil { return reject("\(PaperErrors.duplicated): \(orderID)") }
        if market.closed { return reject("the market is closed: \(market.conditionID)") }

        // Signature and the maker / signer / funder rules of protocol §2.
        let recovered: String
        do { recovered = try Verify.recoverOrderEOA(order, negRisk: market.negRisk, chainID: scenario.chainID) } catch {
            return reject(PaperErrors.invalidSignature)
        }
        switch order.signatureType {
        case 0:
            guard addressKey(order.signer) == addressKey(order.maker) else {
                return reject("invalid order: for signature type 0 the maker must be the signer")
            }
            guard addressKey(recovered) == addressKey(order.signer) else { return reject(PaperErrors.invalidSignature) }
            guard addressKey(order.signer) == addressKey(eoa) else { return reject(PaperErrors.signerMismatch) }
        case 1, 2:
            guard addressKey(recovered) == addressKey(order.signer) else { return reject(PaperErrors.invalidSignature) }
            guard addressKey(order.signer) == addressKey(eoa) else { return reject(PaperErrors.signerMismatch) }
            if !Verify.derivedWallets(owner: eoa, signatureType: order.signatureType).map(addressKey)
                .contains(addressKey(order.maker))
            {
                return reject(
                    "invalid order: the maker is not the signer's \(order.signatureType == 1 ? "proxy" : "safe") wallet"
                )
            }
        case 3:
            guard addressKey(order.signer) == addressKey(order.maker) else {
                return reject("invalid order: for signature type 3 the signer must be the deposit wallet")
            }
            guard addressKey(recovered) == addressKey(eoa) else { return reject(PaperErrors.invalidSignature) }
            if !Verify.derivedWallets(owner: eoa, signatureType: 3).map(addressKey).contains(addressKey(order.maker)) {
                return reject("invalid order: the maker is not the signer's deposit wallet")
            }
        default:
            return reject("invalid order: unknown signature type \(order.signatureType)")
        }
        let walletKey = addressKey(order.maker)
        guard let wallet = wallets[walletKey], addressKey(wallet.owner) == addressKey(eoa),
            wallet.signatureType == order.signatureType
        else { return reject(PaperErrors.notEnoughBalance) }

        // Amounts: integers in base units, on the market's precision grid.
        guard let makerMicros = Int64(order.makerAmount), let takerMicros = Int64(order.takerAmount),
            makerMicros > 0, takerMicros > 0
        else { return reject("invalid order amounts: makerAmount and takerAmount must be positive integers") }
        let makerAmount = Fixed6(micros: makerMicros)
        let takerAmount = Fixed6(micros: takerMicros)
        let amountDecimals = ExchangeState.amountDecimals(tick: market.tickSize)
        let isMarketOrder = orderType == .fok || orderType == .fak
        if postOnly && isMarketOrder {
            return reject("invalid post-only order: only GTC and GTD orders can be post-only")
        }
        let sizeFirst = order.side == .buy ? takerAmount : makerAmount  // shares
        // Decimals: the venue caps market orders at maker 2 / taker 4 whatever the tick (protocol
        // §5.8; the SDK table allows 5–6 on fine ticks and the venue rejects those); limit orders
        // follow the tick table (shares 2, collateral the tick's amount decimals).
        let makerLimit: Int
        let takerLimit: Int
        if isMarketOrder {
            (makerLimit, takerLimit) = (2, 4)
        } else {
            (makerLimit, takerLimit) = order.side == .buy ? (amountDecimals, 2) : (2, amountDecimals)
        }
        if makerAmount.fractionalDigits > makerLimit || takerAmount.fractionalDigits > takerLimit {
            let which = (isMarketOrder ? "market " : "") + (order.side == .buy ? "buy" : "sell")
            return reject(
                "invalid amounts, the \(which) orders maker amount supports a max accuracy of \(makerLimit) "
                    + "decimals, taker amount a max of \(takerLimit) decimals")
        }

        // Price: the ratio of the signed amounts; limit orders must sit on the tick grid.
        let priceNum = Int128(order.side == .buy ? makerMicros : takerMicros) * Int128(Fixed6.scale)
        let priceDen = Int128(order.side == .buy ? takerMicros : makerMicros)
        let exactPrice = priceNum % priceDen == 0
        let price = Fixed6(micros: Int64(priceNum / priceDen))
        let maxPrice = Fixed6.one - market.tickSize
        let shown = ExchangeState.ratioText(priceNum, priceDen)
        if !isMarketOrder {
            guard exactPrice, price.isMultiple(of: market.tickSize) else {
                return reject(
                    "invalid price (\(shown)), the market's tick size is \(market.tickSize.plainText)")
            }
        }
        if !isMarketOrder || order.side == .sell {
            guard price >= market.tickSize, price <= maxPrice else {
                return reject(
                    "invalid price (\(shown)), min: \(market.tickSize.plainText) - max: \(maxPrice.plainText)")
            }
        } else {
            guard price.isPositive, price < Fixed6.one else {
                return reject("invalid price (\(shown)), min: 0 - max: 1")
            }
        }
        // Minimums differ by order type (protocol §5.8): a market BUY needs $1 of collateral, a
        // limit order `min_order_size` shares; a market SELL has neither.
        if isMarketOrder {
            if order.side == .buy && makerAmount < Fixed6.one {
                return reject(
                    "invalid amount for a marketable BUY order ($\(makerAmount.plainText)), min size: $1")
            }
        } else if sizeFirst < market.minOrderSize {
            return reject(
                "invalid order size (\(sizeFirst.plainText)), the market's minimum order size is "
                    + "\(market.minOrderSize.plainText)")
        }

        // Match first (pure: nothing changes until the order is accepted), so the balance check
        // can require the collateral and the fee the fills will really cost.
        let book = books[order.tokenID] ?? PaperBook(tokenID: order.tokenID, bids: [], asks: [], timestampMs: now)
        let opposite = order.side == .buy ? book.asks : book.bids
        let crosses =
            opposite.first.map {
                Matching.acceptable($0.price, side: order.side, makerAmount: makerAmount, takerAmount: takerAmount)
            } ?? false
        if postOnly && crosses { return reject("invalid post-only order: order crosses book") }
        var fills: [Fill]
        let rest: [PaperLevel]
        let fillsByCollateral = isMarketOrder && order.side == .buy
        var unspent = Fixed6.zero
        if fillsByCollateral {
            // The venue fills a market BUY by its collateral: it spends the signed maker amount and
            // price improvement comes back as extra shares.
            let walk = Matching.takeByCollateral(
                levels: opposite, makerAmount: makerAmount, takerAmount: takerAmount, budget: makerAmount)
            (fills, rest, unspent) = (walk.fills, walk.rest, walk.unspent)
        } else {
            (fills, rest) = Matching.take(
                levels: opposite, side: order.side, makerAmount: makerAmount, takerAmount: takerAmount,
                targetShares: sizeFirst)
        }
        for i in fills.indices {
            fills[i].fee = Matching.fee(shares: fills[i].shares, price: fills[i].price, schedule: market.fee)
            // A SELL's fee comes out of its proceeds, which it can never exceed.
            if order.side == .sell { fills[i].fee = Swift.min(fills[i].fee, fills[i].collateral) }
        }
        let filledShares = fills.reduce(Fixed6.zero) { $0 + $1.shares }
        // FOK: a market BUY must spend its whole amount, anything else fill its whole share size.
        let fullyFilled = fillsByCollateral ? unspent.isZero : filledShares >= sizeFirst

        // Balance and allowance, net of what resting orders already hold, checked before the
        // FOK/FAK outcome as the venue validates before it matches. A BUY needs its maker amount
        // plus the fee on top (the fills' fees, and for a remainder that will rest on a market
        // that charges makers, the fee at its own price).
        switch order.side {
        case .buy:
            var fee = fills.reduce(Fixed6.zero) { $0 + $1.fee }
            if !isMarketOrder && !market.fee.takerOnly && filledShares < sizeFirst {
                fee += Matching.fee(shares: sizeFirst - filledShares, price: price, schedule: market.fee)
            }
            let needed = makerAmount + fee
            let reserved = reservedCollateral(walletKey)
            guard wallet.collateral - reserved >= needed, wallet.allowance >= needed + reserved else {
                return reject(PaperErrors.notEnoughBalance)
            }
        case .sell:
            let held = wallet.tokens[order.tokenID] ?? .zero
            guard held - reservedShares(walletKey, token: order.tokenID) >= makerAmount else {
                return reject(PaperErrors.notEnoughBalance)
            }
        }
        switch orderType {
        case .fok where !fullyFilled: return reject(PaperErrors.fokNotFilled)
        case .fak where filledShares.isZero: return reject(PaperErrors.fakNotFilled)
        default: break
        }

        var record = OrderRecord(
            id: orderID, owner: apiKey, maker: order.maker, signer: order.signer, tokenID: order.tokenID,
            conditionID: market.conditionID, outcome: outcome(ofToken: order.tokenID), side: order.side,
            orderType: orderType, makerAmount: makerAmount, takerAmount: takerAmount, price: price,
            originalSize: sizeFirst, status: "LIVE", createdAtMs: now, expiration: order.expiration)
        var updated = book
        if order.side == .buy { updated.asks = rest } else { updated.bids = rest }
        if !fills.isEmpty {
            updated.lastTradePrice = fills.last?.price
            updated.lastTradeSide = order.side.rawValue
            updated.timestampMs = now
        }
        books[order.tokenID] = updated
        let tradeIDs = settle(fills: fills, order: &record, traderSide: "TAKER", now: now)
        let isLive = (orderType == .gtc || orderType == .gtd) && record.remaining.isPositive
        record.status = isLive ? "LIVE" : (filledShares.isPositive ? "MATCHED" : "CANCELED")
        orders[orderID] = record
        orderIDs.append(orderID)

        let status = filledShares.isPositive ? "matched" : "live"
        let making = order.side == .buy ? record.collateralMatched : record.sizeMatched
        let taking = order.side == .buy ? record.sizeMatched : record.collateralMatched
        let response = JSON.object([
            ("success", true), ("errorMsg", ""), ("orderID", .string(orderID)), ("status", .string(status)),
            ("makingAmount", .string(making.plainText)), ("takingAmount", .string(taking.plainText)),
            ("tradeIDs", .array(tradeIDs.map { .string($0) })),
            (
                "transactionsHashes",
                .array(
                    tradeIDs.compactMap { id in
                        trades.first(where: { $0.id == id }).map { .string($0.transactionHash) }
                    })
            ),
        ])
        return Outcome(response: .json(response), orderID: orderID)
    }

    /// One item of the `POST /orders` answer: the venue answers every order in the batch as an
    /// order response, a refused one with `success:false` and its reason in `errorMsg` (never the
    /// single-order `{"error":…}` body, which would hide that the batch's other orders are live).
    static func batchItem(_ outcome: Outcome) -> JSON {
        if outcome.response.status == 200, let json = outcome.response.json { return json }
        let message = outcome.response.json?["error"]?.stringValue ?? outcome.response.body
        return .object([
            ("success", false), ("errorMsg", .string(message)), ("orderID", .string(outcome.orderID ?? "")),
            ("status", ""), ("makingAmount", ""), ("takingAmount", ""), ("tradeIDs", .array([])),
            ("transactionsHashes", .array([])),
        ])
    }

    /// Applies fills to the order, the wallet and the trade list; answers the new trade ids.
    mutating func settle(fills: [Fill], order: inout OrderRecord, traderSide: String, now: Int64) -> [String] {
        let walletKey = addressKey(order.maker)
        var ids: [String] = []
        for fill in fills {
            let tradeID = nextTradeID()
            ids.append(tradeID)
            order.sizeMatched += fill.shares
            order.collateralMatched += fill.collateral
            if var w = wallets[walletKey] {
                switch order.side {
                case .buy:
                    // The fee is charged on top of the signed amount and is part of the cost basis.
                    let paid = fill.collateral + fill.fee
                    w.collateral -= paid
                    if w.allowance < PaperScenario.unlimitedAllowance { w.allowance -= paid }
                    w.tokens[order.tokenID, default: .zero] += fill.shares
                    adjustCost(wallet: walletKey, token: order.tokenID, by: paid)
                case .sell:
                    let held = w.tokens[order.tokenID] ?? .zero
                    let cost = costs[walletKey]?[order.tokenID] ?? .zero
                    // Cost basis leaves in proportion to the shares sold.
                    if held.isPositive {
                        let share = Fixed6(
                            micros: Int64(Int128(cost.micros) * Int128(fill.shares.micros) / Int128(held.micros)))
                        adjustCost(wallet: walletKey, token: order.tokenID, by: -share)
                    }
                    w.tokens[order.tokenID] = held - fill.shares
                    w.collateral += fill.collateral - fill.fee
                }
                wallets[walletKey] = w
            }
            let n = trades.count + 1
            let hex = String(n, radix: 16)
            trades.append(
                TradeRecord(
                    id: tradeID, orderID: order.id, owner: order.owner, maker: order.maker,
                    conditionID: order.conditionID, tokenID: order.tokenID, outcome: order.outcome, side: order.side,
                    size: fill.shares, price: fill.price, collateral: fill.collateral, fee: fill.fee,
                    feeRateBps: fill.fee.isPositive ? feeRateBps(token: order.tokenID, price: fill.price) : "0",
                    traderSide: traderSide,
                    matchTimeMs: now,
                    transactionHash: "0x" + String(repeating: "0", count: 64 - hex.count - 4) + "7ade" + hex,
                    forcedStatus: nil))
        }
        order.tradeIDs += ids
        return ids
    }

    /// Resting orders on `token` that the (new) book crosses fill as makers at their own price.
    mutating func crossRestingOrders(token: String, now: Int64) {
        for id in orderIDs {
            guard var o = orders[id], o.tokenID == token, o.status == "LIVE", var book = books[token] else {
                continue
            }
            let levels = o.side == .buy ? book.asks : book.bids
            var (fills, rest) = Matching.makerFills(levels: levels, order: o)
            guard !fills.isEmpty else { continue }
            // A resting order fills as maker: it pays the fee only where the market charges makers.
            if let m = market(forToken: token), !m.fee.takerOnly {
                for i in fills.indices {
                    let fee = Matching.fee(shares: fills[i].shares, price: fills[i].price, schedule: m.fee)
                    fills[i].fee = o.side == .sell ? Swift.min(fee, fills[i].collateral) : fee
                }
            }
            if o.side == .buy { book.asks = rest } else { book.bids = rest }
            book.lastTradePrice = o.price
            // The taker was the liquidity that arrived, on the other side of this resting order.
            book.lastTradeSide = o.side == .buy ? "SELL" : "BUY"
            book.timestampMs = now
            books[token] = book
            _ = settle(fills: fills, order: &o, traderSide: "MAKER", now: now)
            if o.remaining.isZero { o.status = "MATCHED" }
            orders[id] = o
        }
    }

    /// The trade's `fee_rate_bps` for a fill at `price` on this token's market.
    func feeRateBps(token: String, price: Fixed6) -> String {
        guard let m = market(forToken: token) else { return "0" }
        return Matching.feeRateBpsText(price: price, schedule: m.fee)
    }

    static func parseOrderBody(_ body: JSON) throws(PaperInputError) -> (WireOrder, String, OrderType, Bool) {
        let f = try Fields(body, "body")
        guard let of = try f.object("order") else { throw PaperInputError("missing \"order\"") }
        if of.has("nonce") || of.has("feeRateBps") || of.has("taker") {
            throw PaperInputError("order_version_mismatch: this exchange accepts V2 orders only")
        }
        let request: PostOrderRequest
        do { request = try PostOrderRequest(postBodyJSON: Array(body.text.utf8)) } catch {
            throw PaperInputError("\(error)")
        }
        let o = request.order.order
        let wire = WireOrder(
            maker: o.maker.checksummed, signer: o.signer.checksummed, tokenID: o.tokenIDText,
            makerAmount: String(o.makerAmount), takerAmount: String(o.takerAmount), side: o.side,
            signatureType: o.signatureType.rawValue, expiration: String(o.expiration), signed: request.order)
        return (wire, request.owner, request.orderType, request.postOnly)
    }

    /// Decimals allowed in the collateral amount for a tick (protocol §5.1 "amount dp").
    static func amountDecimals(tick: Fixed6) -> Int {
        switch tick.micros {
        case 100_000: return 3
        case 10_000: return 4
        case 1_000, 5_000: return 5
        default: return 6
        }
    }

    static func ratioText(_ n: Int128, _ d: Int128) -> String {
        Fixed6(micros: Int64(n / d)).plainText
    }

    // MARK: DELETE /order

    mutating func cancel(ids: [String], apiKey: String) -> JSON {
        var canceled: [JSON] = []
        var notCanceled: [(String, JSON)] = []
        for id in ids {
            guard var o = orders[id], o.owner == apiKey else {
                notCanceled.append((id, "order not found"))
                continue
            }
            guard o.status == "LIVE" else {
                notCanceled.append(
                    (id, .string(o.status == "MATCHED" ? "order already matched" : "order already canceled")))
                continue
            }
            o.status = "CANCELED"
            orders[id] = o
            canceled.append(.string(id))
        }
        return .object([("canceled", .array(canceled)), ("not_canceled", .object(notCanceled))])
    }
}

/// A prepared error answer (lets `authenticate` return a Result).
struct PaperResponseError: Error {
    let response: PaperResponse
    init(_ response: PaperResponse) { self.response = response }
}
