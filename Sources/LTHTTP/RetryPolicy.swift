import Foundation

/// How `HTTPClient.sendIdempotent` retries. Only for requests that are safe to repeat (reads, and
/// POST /books which is a read): a request that changes state at the venue (POST /order) must go
/// through `send`, which never retries.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (1 = no retry).
    public var maxAttempts: Int
    /// Backoff before retry n (1-based) is `baseDelay * 2^(n-1)`, capped at `maxDelay`, then
    /// jittered down to between half and all of that (so concurrent runs do not retry in step).
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the last response is returned instead
    /// (a cron run would rather report "rate limited" than sleep for minutes).
    public var maxRetryAfter: Duration
    /// Sleeps for the given duration; injectable so tests observe waits instead of taking them.
    public var sleep: @Sendable (Duration) -> Void
    /// A number in [0, 1) for jitter; injectable for deterministic tests.
    public var random: @Sendable () -> Double
    /// Told about each retry before its wait (for logging; gets the request summary, never headers).
    public var onRetry: @Sendable (RetryEvent) -> Void

    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(250),
        maxDelay: Duration = .seconds(4),
        maxRetryAfter: Duration = .seconds(10),
        sleep: @escaping @Sendable (Duration) -> Void = RetryPolicy.threadSleep,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        onRetry: @escaping @Sendable (RetryEvent) -> Void = { _ in }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.random = random
        self.onRetry = onRetry
    }

    public static let `default` = RetryPolicy()
    /// One attempt, no waiting.
    public static let none = RetryPolicy(maxAttempts: 1)

    public static let threadSleep: @Sendable (Duration) -> Void = { duration in
        let (s, atto) = duration.components
        guard s > 0 || atto > 0 else { return }
        Thread.sleep(forTimeInterval: Double(s) + Double(atto) / 1e18)
    }

    /// The outcome of one attempt, as far as retrying is concerned.
    public enum Attempt: Sendable {
        case response(HTTPResponse)
        case failure(HTTPError)
    }

    /// Whether to retry after `attempt` (1-based number `attemptNumber`) and how long to wait
    /// first; nil = stop and hand the attempt to the caller. Pure apart from `random`.
    public func delayBeforeRetry(after attempt: Attempt, attemptNumber: Int) -> Duration? {
        guard attemptNumber < maxAttempts else { return nil }
        switch attempt {
        case .failure(let error):
            guard case .transport = error else { return nil }
            return backoff(attemptNumber)
        case .response(let response):
            let retryable = response.status == 429 || (500...599).contains(response.status)
            guard retryable else { return nil }
            if let after = response.retryAfter {
                return after <= maxRetryAfter ? after : nil
            }
            return backoff(attemptNumber)
        }
    }

    func backoff(_ attemptNumber: Int) -> Duration {
        var d = baseDelay
        for _ in 1..<max(1, attemptNumber) where d < maxDelay { d = d * 2 }
        let capped = min(d, maxDelay)
        return capped * (0.5 + 0.5 * min(max(random(), 0), 1))
    }
}

/// One retry about to happen.
public struct RetryEvent: Sendable {
    /// "METHOD url".
    public var request: String
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// What went wrong: "HTTP 429", "transport error (timeout): …".
    public var reason: String
    public var delay: Duration
}
