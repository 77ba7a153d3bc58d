/// The one error type of PatinoxMemory.
///
/// Every failure says **what** went wrong (``code`` and ``message``), **where** (``context``: the component,
/// its name and the operation), **why** (``underlying``, a chain of causes) and **what to do**
/// (``recovery``). Its ``description`` is written for a person reading a log line:
///
/// ```swift
/// do {
///     try await pool.withConnection { connection in ... }
/// } catch let error as PatinoxError where error.code == .acquireTimeout {
///     // error.recovery == .retry(after: .milliseconds(100))
///     print(error)
///     // pool 'db' · acquire: no connection became free within 2.0 s (10 of 10 leased, 37 waiting).
///     //   What to do: retry after 0.1 s; if this repeats, raise the pool's maximum or shorten leases.
/// }
/// ```
public struct PatinoxError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable, so callers can match on it.
    public var code: Code
    /// Where it happened.
    public var context: ErrorContext
    /// What happened, in one sentence, with the numbers that matter.
    public var message: String
    /// What the caller should do about it.
    public var recovery: RecoveryStrategy
    /// The error that caused this one, if any (it may itself be a `PatinoxError` with its own cause).
    public var underlying: (any Error & Sendable)?

    /// Creates an error; prefer the components' own error factories
    /// which fill in the message and recovery consistently.
    public init(
        code: Code,
        context: ErrorContext,
        message: String,
        recovery: RecoveryStrategy,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.context = context
        self.message = message
        self.recovery = recovery
        self.underlying = underlying
    }

    /// The causes of this error, nearest first: `underlying`, its `underlying`, and so on.
    public var causeChain: [any Error] {
        var chain: [any Error] = []
        var next: (any Error)? = underlying
        while let cause = next, chain.count < 32 {
            chain.append(cause)
            next = (cause as? PatinoxError)?.underlying
        }
        return chain
    }

    /// The innermost cause, or `self` when there is none.
    public var rootCause: any Error { causeChain.last ?? self }

    public var description: String {
        var text = "\(context) · \(code.rawValue): \(message)\n  What to do: \(recovery.advice)"
        for cause in causeChain {
            let line = (cause as? PatinoxError).map { "\($0.context) · \($0.code.rawValue): \($0.message)" }
            text += "\n  Caused by: \(line ?? String(describing: cause))"
        }
        return text
    }

    /// Returns a copy whose context names another operation (used when one operation fails inside another).
    public func within(operation: String) -> PatinoxError {
        PatinoxError(
            code: code,
            context: ErrorContext(
                component: context.component,
                name: context.name,
                operation: operation,
                location: context.location
            ),
            message: message,
            recovery: recovery,
            underlying: self
        )
    }
}

extension PatinoxError: Equatable {
    /// Two errors are equal when code, context and message match (causes are not compared).
    public static func == (lhs: PatinoxError, rhs: PatinoxError) -> Bool {
        lhs.code == rhs.code && lhs.context == rhs.context && lhs.message == rhs.message
    }
}

// MARK: - Code

extension PatinoxError {
    /// A stable identifier for a kind of failure, grouped by the component family that raises it.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Pool
        /// No connection became available before the acquire timeout.
        public static let acquireTimeout = Code(rawValue: "acquire-timeout")
        /// The pool is shutting down or shut down.
        public static let poolClosed = Code(rawValue: "pool-closed")
        /// The factory could not create a connection.
        public static let connectionFailed = Code(rawValue: "connection-failed")
        /// A health check rejected a connection.
        public static let validationFailed = Code(rawValue: "validation-failed")
        /// Connection creation keeps failing; the pool fails fast until a probe succeeds.
        public static let circuitOpen = Code(rawValue: "circuit-open")
        /// A configuration or resize request was rejected; the old settings stay in force.
        public static let invalidConfiguration = Code(rawValue: "invalid-configuration")
        /// The waiting task was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")

        // Room for the other component families.
        /// A cache loader failed.
        public static let cacheLoadFailed = Code(rawValue: "cache-load-failed")
        /// A resource guard's cleanup failed.
        public static let cleanupFailed = Code(rawValue: "cleanup-failed")
        /// A memory mapping could not be made or used.
        public static let mappingFailed = Code(rawValue: "mapping-failed")
        /// A telemetry feed message or connection failed.
        public static let feedFailed = Code(rawValue: "feed-failed")
        /// Input (a file, a message, an argument) could not be parsed.
        public static let invalidInput = Code(rawValue: "invalid-input")
    }
}
