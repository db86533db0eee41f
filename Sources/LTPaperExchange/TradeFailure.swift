import LTCore

/// Forced trade settlement (`POST /_control/trade-status`), as the venue's trades can end: a trade
/// whose on-chain settlement FAILS never moved anything, so forcing FAILED undoes the trade's
/// balance changes — a buyer keeps its collateral and the fee and gets no shares, a seller keeps
/// its shares and gets no proceeds. FAILED is final: a failed trade is reversed once and its
/// status cannot be forced again. Other statuses (MATCHED, MINED, RETRYING, CONFIRMED) only
/// change what `/data/trades` reports, so a test can walk RETRYING then CONFIRMED.
extension ExchangeState {
    mutating func forceTradeStatus(_ status: String, tradeID only: String?) throws(PaperInputError) {
        for i in trades.indices where only == nil || trades[i].id == only {
            if trades[i].forcedStatus == "FAILED" {
                if status == "FAILED" || only == nil { continue }
                throw PaperInputError("trade \(trades[i].id) FAILED: that is final")
            }
            trades[i].forcedStatus = status
            if status == "FAILED" { revert(trades[i]) }
        }
    }

    /// Gives back what `settle` moved for this trade.
    mutating func revert(_ t: TradeRecord) {
        let walletKey = addressKey(t.maker)
        guard var w = wallets[walletKey] else { return }
        switch t.side {
        case .buy:
            let paid = t.collateral + t.fee
            w.collateral += paid
            if w.allowance < PaperScenario.unlimitedAllowance { w.allowance += paid }
            let held = w.tokens[t.tokenID] ?? .zero
            w.tokens[t.tokenID] = held > t.size ? held - t.size : .zero
            adjustCost(wallet: walletKey, token: t.tokenID, by: .zero - paid)
        case .sell:
            w.tokens[t.tokenID, default: .zero] += t.size
            let received = t.collateral - t.fee
            w.collateral = w.collateral > received ? w.collateral - received : .zero
        }
        wallets[walletKey] = w
    }
}
