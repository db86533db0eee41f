/// Which `lt_orders` status changes are allowed (design §2, §4). The ledger refuses anything else,
/// so a posting run's `recordAnswer` and a sync that raced it cannot both book a fill: whichever
/// commits second finds a transition the table does not allow, logs, and changes nothing.
///
/// `nil` is "no row yet" (an insert). A status may move to itself where the row keeps changing
/// without a new status: a fill's settlement and fee, a position's exits and resolution.
public enum OrderTransitions {
    static let table: [OrderStatus?: Set<OrderStatus>] = [
        // A decision: the INTENT of a live order, a skip, or a shadow order with its simulated fill.
        nil: [.intent, .skipped, .filled, .unfilled],
        // Provably not placed: decided again by a later run, which may now skip it.
        .notPlaced: [.intent, .skipped, .filled, .unfilled],
        // The posting run records the venue's answer, or a later run marks the row abandoned.
        .intent: [.submitted, .filled, .partial, .unfilled, .rejected, .failed, .unknown, .notPlaced],
        // An unproven post: reconciled by sync (or by the posting run's late answer).
        .unknown: [.submitted, .filled, .partial, .unfilled, .rejected, .failed],
        // Resting or delayed: fills arrive, or it is cancelled/expired.
        .submitted: [.submitted, .partial, .filled, .unfilled, .failed],
        // Partly filled and still live, or the remainder was killed/cancelled.
        .partial: [.partial, .filled, .failed],
        // The fill's settlement, fee, exits and resolution; a reverted settlement reverses it.
        .filled: [.filled, .failed],
        .unfilled: [],
        .rejected: [],
        .failed: [],
        .skipped: [],
    ]

    /// Whether a row in `from` (nil: none yet) may become `to`.
    public static func allows(from: OrderStatus?, to: OrderStatus) -> Bool {
        table[from]?.contains(to) ?? false
    }

    /// Every status a row may move to from `from`.
    public static func targets(from: OrderStatus?) -> Set<OrderStatus> { table[from] ?? [] }
}
