// The pool's failures, each with its message and recovery in one place.
extension PatinoxError {
    /// A configuration or resize request was rejected; the old settings stay in force.
    public static func invalidConfiguration(
        component: ComponentKind,
        name: String,
        operation: String,
        problem: String,
        hint: String
    ) -> PatinoxError {
        PatinoxError(
            code: .invalidConfiguration,
            context: ErrorContext(component: component, name: name, operation: operation),
            message: "rejected: \(problem); nothing was changed.",
            recovery: .reconfigure(hint: hint)
        )
    }

    static func acquireTimeout(
        pool: String,
        waited: Duration,
        leased: Int,
        maximum: Int,
        waiters: Int,
        lastCreateFailure: PatinoxError?
    ) -> PatinoxError {
        PatinoxError(
            code: .acquireTimeout,
            context: ErrorContext(component: .pool, name: pool, operation: "acquire"),
            message: "no connection became free within \(waited.humanReadable) "
                + "(\(leased) of \(maximum) leased, \(waiters) still waiting).",
            recovery: .retry(after: .milliseconds(100)),
            underlying: lastCreateFailure
        )
    }

    static func poolClosed(pool: String, operation: String) -> PatinoxError {
        PatinoxError(
            code: .poolClosed,
            context: ErrorContext(component: .pool, name: pool, operation: operation),
            message: "the pool is shutting down or shut down; it hands out no more connections.",
            recovery: .failFast
        )
    }

    static func circuitOpen(pool: String, failures: Int, retryAfter: Duration, cause: PatinoxError?) -> PatinoxError {
        PatinoxError(
            code: .circuitOpen,
            context: ErrorContext(component: .pool, name: pool, operation: "acquire"),
            message: "the last \(failures) connection attempts failed, so the pool fails fast; "
                + "the next probe is in \(retryAfter.humanReadable).",
            recovery: .retry(after: max(retryAfter, .milliseconds(1))),
            underlying: cause
        )
    }

    static func connectionFailed(pool: String, attempt: Int, cause: (any Error & Sendable)?) -> PatinoxError {
        PatinoxError(
            code: .connectionFailed,
            context: ErrorContext(component: .pool, name: pool, operation: "create"),
            message: "could not open a connection (consecutive failure \(attempt)).",
            recovery: .backOff(initial: .milliseconds(100), maximum: .seconds(10)),
            underlying: cause
        )
    }

    static func createTimedOut(pool: String, after timeout: Duration, attempt: Int) -> PatinoxError {
        PatinoxError(
            code: .connectionFailed,
            context: ErrorContext(component: .pool, name: pool, operation: "create"),
            message: "opening a connection took longer than the create timeout \(timeout.humanReadable) "
                + "(consecutive failure \(attempt)).",
            recovery: .backOff(initial: .milliseconds(100), maximum: .seconds(10))
        )
    }

    static func cancelled(pool: String) -> PatinoxError {
        PatinoxError(
            code: .cancelled,
            context: ErrorContext(component: .pool, name: pool, operation: "acquire"),
            message: "the waiting task was cancelled before a connection became free.",
            recovery: .failFast,
            underlying: CancellationError()
        )
    }
}
