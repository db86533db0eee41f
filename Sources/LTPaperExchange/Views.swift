import Foundation
import LTCore

/// The venue's JSON shapes, built from the state (key order as the venue sends them).
extension ExchangeState {
    func bookJSON(token: String) -> JSON? {
        guard let m = market(forToken: token) else { return nil }
        let b = books[token] ?? PaperBook(tokenID: token, bids: [], asks: [], timestampMs: startMs)
        func levels(_ ls: [PaperLevel]) -> JSON {
            // The venue lists the best level last on both sides.
            .array(
                ls.reversed().map {
                    .object([("price", .string($0.price.plainText)), ("size", .string($0.size.plainText))])
                })
        }
        func shape(hash: String) -> JSON {
            .object([
                ("market", .string(m.conditionID)), ("asset_id", .string(token)),
                ("timestamp", .string(String(b.timestampMs))), ("hash", .string(hash)),
                ("bids", levels(b.bids)), ("asks", levels(b.asks)),
                ("min_order_size", .string(m.minOrderSize.plainText)), ("tick_size", .string(m.tickSize.plainText)),
                ("neg_risk", .bool(m.negRisk)), ("last_trade_price", .string(b.lastTradePrice?.plainText ?? "")),
            ])
        }
        return shape(hash: Verify.sha1Hex(shape(hash: "").text))
    }

    func orderJSON(_ o: OrderRecord) -> JSON {
        .object([
            ("id", .string(o.id)), ("status", .string(o.status)), ("owner", .string(o.owner)),
            ("maker_address", .string(o.maker)), ("market", .string(o.conditionID)), ("asset_id", .string(o.tokenID)),
            ("side", .string(o.side.rawValue)), ("original_size", .string(o.originalSize.plainText)),
            ("size_matched", .string(o.sizeMatched.plainText)), ("price", .string(o.price.plainText)),
            ("outcome", .string(o.outcome)), ("order_type", .string(o.orderType.rawValue)),
            ("associate_trades", .array(o.tradeIDs.map { .string($0) })),
            ("created_at", .int(o.createdAtMs / 1000)), ("expiration", .string(o.expiration)),
        ])
    }

    func tradeJSON(_ t: TradeRecord, now: Int64) -> JSON {
        let status = tradeStatus(t, nowMs: now)
        let matchSeconds = String(t.matchTimeMs / 1000)
        let lastUpdate: Int64
        switch status {
        case "CONFIRMED": lastUpdate = t.matchTimeMs + scenario.confirmedAfterMs
        case "MINED": lastUpdate = t.matchTimeMs + scenario.minedAfterMs
        default: lastUpdate = t.matchTimeMs
        }
        // The counterparty is the scenario's book: one synthetic maker order per fill.
        let makerOrder = JSON.object([
            ("order_id", .string("book-" + t.id)), ("asset_id", .string(t.tokenID)),
            ("maker_address", .string("0x0000000000000000000000000000000000000000")), ("owner", ""),
            ("side", .string(t.side == .buy ? "SELL" : "BUY")), ("price", .string(t.price.plainText)),
            ("matched_amount", .string(t.size.plainText)), ("outcome", .string(t.outcome)), ("fee_rate_bps", "0"),
        ])
        return .object([
            ("id", .string(t.id)), ("taker_order_id", .string(t.orderID)), ("market", .string(t.conditionID)),
            ("asset_id", .string(t.tokenID)), ("side", .string(t.side.rawValue)), ("size", .string(t.size.plainText)),
            ("price", .string(t.price.plainText)), ("fee_rate_bps", .string(t.feeRateBps)), ("status", .string(status)),
            ("match_time", .string(matchSeconds)), ("last_update", .string(String(lastUpdate / 1000))),
            ("outcome", .string(t.outcome)), ("bucket_index", .int(0)), ("owner", .string(t.owner)),
            ("maker_address", .string(t.maker)), ("transaction_hash", .string(t.transactionHash)),
            ("trader_side", .string(t.traderSide)), ("maker_orders", .array([makerOrder])),
            // Not a venue field (the venue reports only fee_rate_bps): the collateral this fill was
            // charged, = size × fee_rate_bps / 10⁴ rounded up to the micro-unit. The paper_ prefix
            // keeps any client from mistaking it for part of the real protocol.
            ("paper_fee", .string(t.fee.plainText)),
        ])
    }

    /// CLOB `GET /markets/{condition_id}` (classic model).
    func clobMarketJSON(_ m: PaperMarket) -> JSON {
        .object([
            ("condition_id", .string(m.conditionID)), ("question_id", .string(m.questionID)),
            ("question", .string(m.question)), ("market_slug", .string(m.slug)),
            (
                "tokens",
                .array(
                    m.outcomes.map { o in
                        .object([
                            ("token_id", .string(o.tokenID)), ("outcome", .string(o.outcome)),
                            ("price", .number(currentPrice(token: o.tokenID).plainText)),
                            ("winner", .bool(m.isWinner(o.tokenID))),
                        ])
                    })
            ),
            ("active", .bool(!m.closed)), ("closed", .bool(m.closed)), ("archived", false),
            ("accepting_orders", .bool(!m.closed)), ("accepting_order_timestamp", .null),
            ("enable_order_book", true), ("minimum_order_size", .number(m.minOrderSize.plainText)),
            ("minimum_tick_size", .number(m.tickSize.plainText)), ("neg_risk", .bool(m.negRisk)),
            ("neg_risk_market_id", .string(m.negRisk ? m.questionID : "")), ("neg_risk_request_id", ""),
            ("end_date_iso", .string(m.endDate)), ("game_start_time", .null), ("seconds_delay", .int(0)),
            ("maker_base_fee", .int(0)), ("taker_base_fee", .int(0)), ("fpmm", ""), ("rewards", .object([])),
            ("tags", .array([])), ("icon", ""), ("image", ""), ("is_50_50_outcome", false),
            ("notifications_enabled", false),
        ])
    }

    /// CLOB `GET /clob-markets/{condition_id}` (compact model).
    func compactMarketJSON(_ m: PaperMarket) -> JSON {
        var pairs: [(String, JSON)] = [
            ("t", .array(m.outcomes.map { .object([("t", .string($0.tokenID)), ("o", .string($0.outcome))]) })),
            ("mts", .number(m.tickSize.plainText)),
        ]
        if m.negRisk { pairs.append(("nr", true)) }
        pairs += [
            (
                "fd",
                .object([
                    ("r", .number(m.fee.rate.plainText)), ("e", .int(m.fee.exponent)), ("to", .bool(m.fee.takerOnly)),
                ])
            ),
            ("mos", .number(m.minOrderSize.plainText)), ("mbf", .int(0)), ("tbf", .int(0)),
        ]
        return .object(pairs)
    }

    /// Gamma market (camelCase; outcomes, prices and token ids as JSON-encoded strings).
    func gammaMarketJSON(_ m: PaperMarket, index: Int) -> JSON {
        let prices = m.outcomes.map { currentPrice(token: $0.tokenID).plainText }
        let first = m.outcomes.first.map { books[$0.tokenID] } ?? nil
        return .object([
            ("id", .string(String(index + 1))), ("conditionId", .string(m.conditionID)),
            ("questionID", .string(m.questionID)), ("slug", .string(m.slug)), ("question", .string(m.question)),
            ("active", .bool(!m.closed)), ("closed", .bool(m.closed)), ("archived", false),
            ("acceptingOrders", .bool(!m.closed)), ("enableOrderBook", true), ("negRisk", .bool(m.negRisk)),
            ("negRiskRequestID", ""), ("orderMinSize", .number(m.minOrderSize.plainText)),
            ("orderPriceMinTickSize", .number(m.tickSize.plainText)), ("endDate", .string(m.endDate)),
            ("closedTime", m.closed ? .string(isoTime(nowMsForViews)) : .null),
            ("umaResolutionStatus", .string(m.isResolved ? "resolved" : "")),
            ("resolvedBy", ""), ("resolutionSource", ""), ("version", "v1"),
            ("outcomes", .string(JSON.array(m.outcomes.map { .string($0.outcome) }).text)),
            ("outcomePrices", .string(JSON.array(prices.map { .string($0) }).text)),
            ("clobTokenIds", .string(JSON.array(m.outcomes.map { .string($0.tokenID) }).text)),
            ("bestBid", first?.bids.first.map { .number($0.price.plainText) } ?? .null),
            ("bestAsk", first?.asks.first.map { .number($0.price.plainText) } ?? .null),
            ("lastTradePrice", first?.lastTradePrice.map { .number($0.plainText) } ?? .null),
            ("feesEnabled", .bool(m.fee.rate.isPositive)),
            (
                "feeSchedule",
                .object([
                    ("exponent", .int(m.fee.exponent)), ("rate", .number(m.fee.rate.plainText)),
                    ("takerOnly", .bool(m.fee.takerOnly)), ("rebateRate", .int(0)),
                ])
            ),
        ])
    }

    var nowMsForViews: Int64 { nowMs(realNowMs: PaperExchange.realNowMs()) }

    func isoTime(_ ms: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(ms / 1000)))
    }

    /// One held position: size, average price and the market it belongs to.
    struct PositionRow {
        var holder: String
        var tokenID: String
        var size: Fixed6
        var avgPrice: Fixed6
        var market: PaperMarket
        var outcomeIndex: Int
    }

    /// Positions of a user: a scenario wallet's balances, or a leader's scripted positions.
    func positions(user: String) -> [PositionRow] {
        let key = addressKey(user)
        var raw: [(String, Fixed6, Fixed6)] = []
        var holder = user
        if let w = wallets[key] {
            holder = w.address
            for (token, size) in w.tokens.sorted(by: { $0.key < $1.key }) where size.isPositive {
                let cost = costs[key]?[token] ?? .zero
                raw.append((token, size, cost.divided(by: size, rounding: .halfEven)))
            }
        } else if let ps = leaders[key] {
            holder = leaderDisplay[key] ?? user
            for p in ps where p.size.isPositive { raw.append((p.tokenID, p.size, p.avgPrice)) }
        }
        return raw.compactMap { token, size, avg in
            guard let m = market(forToken: token), let idx = m.outcomes.firstIndex(where: { $0.tokenID == token })
            else { return nil }
            return PositionRow(holder: holder, tokenID: token, size: size, avgPrice: avg, market: m, outcomeIndex: idx)
        }
    }

    func classicPositionJSON(_ p: PositionRow) -> JSON {
        let cur = currentPrice(token: p.tokenID)
        let initial = p.size.multiplied(by: p.avgPrice, rounding: .halfEven)
        let current = p.size.multiplied(by: cur, rounding: .halfEven)
        let pnl = current - initial
        let pct = initial.isZero ? Fixed6.zero : (pnl.times(100)).divided(by: initial, rounding: .halfEven)
        let opposite = p.market.outcomes.count == 2 ? p.market.outcomes[1 - p.outcomeIndex] : nil
        let redeemable = p.market.chainPayout != nil
        return .object([
            ("proxyWallet", .string(p.holder)), ("asset", .string(p.tokenID)),
            ("conditionId", .string(p.market.conditionID)), ("size", .number(p.size.plainText)),
            ("avgPrice", .number(p.avgPrice.plainText)), ("initialValue", .number(initial.plainText)),
            ("currentValue", .number(current.plainText)), ("cashPnl", .number(pnl.plainText)),
            ("percentPnl", .number(pct.plainText)), ("totalBought", .number(initial.plainText)),
            ("realizedPnl", .number("0")), ("percentRealizedPnl", .number("0")), ("curPrice", .number(cur.plainText)),
            ("redeemable", .bool(redeemable)), ("mergeable", false), ("title", .string(p.market.question)),
            ("slug", .string(p.market.slug)), ("icon", ""), ("eventSlug", .string(p.market.slug)),
            ("outcome", .string(p.market.outcomes[p.outcomeIndex].outcome)), ("outcomeIndex", .int(p.outcomeIndex)),
            ("oppositeOutcome", .string(opposite?.outcome ?? "")), ("oppositeAsset", .string(opposite?.tokenID ?? "")),
            ("endDate", .string(p.market.endDate)), ("negativeRisk", .bool(p.market.negRisk)),
        ])
    }

    func v2PositionJSON(_ p: PositionRow) -> JSON {
        let cur = currentPrice(token: p.tokenID)
        let initial = p.size.multiplied(by: p.avgPrice, rounding: .halfEven)
        let current = p.size.multiplied(by: cur, rounding: .halfEven)
        let pnl = current - initial
        let opposite = p.market.outcomes.count == 2 ? p.market.outcomes[1 - p.outcomeIndex] : nil
        let status = positionStatus(p)
        return .object([
            ("proxy_wallet", .string(p.holder)), ("token_id", .string(p.tokenID)),
            ("condition_id", .string(p.market.conditionID)), ("opposite_token_id", .string(opposite?.tokenID ?? "")),
            ("current_size", .number(p.size.plainText)), ("total_size", .number(p.size.plainText)),
            ("avg_price", .number(p.avgPrice.plainText)), ("current_price", .number(cur.plainText)),
            ("entry_cost_usdc", .number(initial.plainText)), ("entry_fees_usdc", .number("0")),
            ("total_cost_usdc", .number(initial.plainText)), ("current_value", .number(current.plainText)),
            ("realized_pnl", .number("0")), ("unrealized_pnl", .number(pnl.plainText)),
            ("total_pnl", .number(pnl.plainText)), ("percent_pnl", .number("0")),
            ("percent_realized_pnl", .number("0")),
            ("status", .string(status)), ("redeemable", .bool(status == "REDEEMABLE")), ("mergeable", false),
            ("negative_risk", .bool(p.market.negRisk)), ("archived", false), ("verified", true),
            ("outcome", .string(p.market.outcomes[p.outcomeIndex].outcome)), ("outcome_index", .int(p.outcomeIndex)),
            ("opposite_outcome", .string(opposite?.outcome ?? "")), ("title", .string(p.market.question)),
            ("slug", .string(p.market.slug)), ("event_slug", .string(p.market.slug)), ("event_id", ""),
            ("end_date", .string(p.market.endDate)), ("last_event_at", .null), ("first_entry_at", .null),
        ])
    }

    /// OPEN, REDEEMABLE (resolved, this outcome won) or REDEEMABLE_LOST (resolved, it lost).
    func positionStatus(_ p: PositionRow) -> String {
        guard p.market.chainPayout != nil else { return "OPEN" }
        return (p.market.payoutPerShare(p.tokenID) ?? .zero).isPositive ? "REDEEMABLE" : "REDEEMABLE_LOST"
    }
}
