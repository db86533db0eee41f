import Foundation

/// One `ft_orders` row: a signal from the FT system (the input contract, design §2). Every field
/// but the key is optional or raw text because FT rows can be malformed; validating them (and
/// turning a bad one into a SKIPPED `lt_orders` row) is the execute job's work, not the decoder's.
public struct FTOrder: Sendable, Hashable, Codable {
    public var orderID: String
    public var walletID: String
    public var orderTime: Date
    /// Raw text; `Side(rawValue:)` decides whether it is valid.
    public var side: String?
    public var conditionID: String?
    public var tokenLabel: String?
    public var tokenID: String?
    /// Raw NUMERIC text (may have more than 6 decimals or be out of range).
    public var entryPriceText: String?
    /// Raw NUMERIC text, USD.
    public var sizeText: String?
    public var traderWallet: String?
    public var marketTitle: String?
    public var marketSlug: String?
    public var outcome: String?
    public var pnlText: String?

    public static let columns = SQL(
        unsafeRaw: """
            order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
            entry_price::text AS entry_price, size::text AS size, trader_wallet, market_title, market_slug,
            outcome, pnl::text AS pnl
            """)

    public init(
        orderID: String, walletID: String, orderTime: Date, side: String? = nil, conditionID: String? = nil,
        tokenLabel: String? = nil, tokenID: String? = nil, entryPriceText: String? = nil, sizeText: String? = nil,
        traderWallet: String? = nil, marketTitle: String? = nil, marketSlug: String? = nil,
        outcome: String? = nil, pnlText: String? = nil
    ) {
        self.orderID = orderID
        self.walletID = walletID
        self.orderTime = orderTime
        self.side = side
        self.conditionID = conditionID
        self.tokenLabel = tokenLabel
        self.tokenID = tokenID
        self.entryPriceText = entryPriceText
        self.sizeText = sizeText
        self.traderWallet = traderWallet
        self.marketTitle = marketTitle
        self.marketSlug = marketSlug
        self.outcome = outcome
        self.pnlText = pnlText
    }

    public init(row r: Row) throws(RowDecodingError) {
        orderID = try r.decode("order_id")
        walletID = try r.decode("wallet_id")
        orderTime = try r.decode("order_time")
        side = try r.decode("side", as: String?.self)
        conditionID = try r.decode("condition_id", as: String?.self)
        tokenLabel = try r.decode("token_label", as: String?.self)
        tokenID = try r.decode("token_id", as: String?.self)
        entryPriceText = try r.decode("entry_price", as: String?.self)
        sizeText = try r.decode("size", as: String?.self)
        traderWallet = try r.decode("trader_wallet", as: String?.self)
        marketTitle = try r.decode("market_title", as: String?.self)
        marketSlug = try r.decode("market_slug", as: String?.self)
        outcome = try r.decode("outcome", as: String?.self)
        pnlText = try r.decode("pnl", as: String?.self)
    }
}
