/// How a failing cleanup is retried: up to `maximumAttempts` in all, waiting `initialDelay × 2ⁿ`
/// (at most `maximumDelay`) between attempts.
public struct CleanupRetry: Sendable, Hashable {
    /// Attempts in all, the first included (1 means no retry).
    public var maximumAttempts: Int
    /// The delay before the first retry; each retry doubles it.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maximumDelay: Duration

    /// A retry policy for cleanups.
    public init(
        maximumAttempts: Int = 5,
        initialDelay: Duration = .milliseconds(10),
        maximumDelay: Duration = .seconds(1)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// One attempt, no retry.
    public static let never = CleanupRetry(maximumAttempts: 1)

    func delay(beforeAttempt attempt: Int) -> Duration {
        min(initialDelay.scaled(by: Double(1 << min(attempt - 2, 20))), maximumDelay)
    }

    /// Runs `cleanup` until it succeeds or the attempts run out; returns how many retries it took.
    func run(
        _ cleanup: @Sendable () async throws -> Void,
        clock: any MonotonicClock,
        describe: () -> ErrorContext
    ) async -> Result<Int, PatinoxError> {
        var lastError: (any Error)?
        for attempt in 1...maximumAttempts {
            if attempt > 1 { try? await clock.sleep(until: clock.now() + delay(beforeAttempt: attempt)) }
            do {
                try await cleanup()
                return .success(attempt - 1)
            } catch {
                lastError = error
            }
        }
        return .failure(
            PatinoxError(
                code: .cleanupFailed,
                context: describe(),
                message: "cleanup failed \(maximumAttempts) time(s); the resource may be left open.",
                recovery: .escalate(hint: "check the resource's own error below, and close it by hand if needed."),
                underlying: lastError
            )
        )
    }
}
