import Foundation

/// `--shard i/n`: this run handles the strategies whose stable hash is `i` modulo `n`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, i >= 0, i < n else {
            return nil
        }
        index = i
        count = n
    }

    /// FNV-1a 64 of the strategy id (the advisory-lock hash): the same on every host and build,
    /// unlike `hashValue`.
    public func contains(strategyID: String) -> Bool { contains(key: strategyID) }

    /// The same hash over any key (redeem shards by the sending EOA's address).
    public func contains(key: String) -> Bool {
        let h = UInt64(bitPattern: AdvisoryLockKey.fnv1a64(key))
        return Int(h % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}
