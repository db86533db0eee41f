import Foundation

/// Blocking fan-out of venue reads: `items` shared among `workers`, each on a thread of its own
/// (a libcurl handle — so a client — serves one thread at a time), until every item is done.
/// Results come back in `items` order. Threads, not a Dispatch pool: the work is waiting on the
/// network, and `concurrentPerform` would cap it at the core count.
enum FanOut {
    static func map<Worker, Item, Output>(
        _ items: [Item], workers: [Worker], _ body: @escaping (Worker, Item) -> Output
    ) -> [Output] {
        if items.isEmpty { return [] }
        if workers.count <= 1 || items.count == 1 {
            guard let only = workers.first else { return [] }
            return items.map { body(only, $0) }
        }
        let shared = Shared(items: items, body: body)
        let threads = min(workers.count, items.count)
        for w in 0..<threads {
            let worker = Unchecked(workers[w])
            Thread { shared.drain(worker.value) }.start()
        }
        return shared.wait(threads: threads)
    }

    /// What the worker threads share; every field is guarded by `condition`.
    private final class Shared<Worker, Item, Output>: @unchecked Sendable {
        let items: [Item]
        let body: (Worker, Item) -> Output
        let condition = NSCondition()
        var next = 0
        var outputs: [Output?]
        var finished = 0

        init(items: [Item], body: @escaping (Worker, Item) -> Output) {
            self.items = items
            self.body = body
            self.outputs = Array(repeating: nil, count: items.count)
        }

        func drain(_ worker: Worker) {
            while true {
                condition.lock()
                let i = next
                next += 1
                condition.unlock()
                if i >= items.count { break }
                let out = body(worker, items[i])
                condition.lock()
                outputs[i] = out
                condition.unlock()
            }
            condition.lock()
            finished += 1
            condition.signal()
            condition.unlock()
        }

        func wait(threads: Int) -> [Output] {
            condition.lock()
            defer { condition.unlock() }
            while finished < threads { condition.wait() }
            return outputs.map { $0! }
        }
    }

    /// A worker handed to exactly one thread, which alone uses it until `map` returns.
    private struct Unchecked<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }
}
