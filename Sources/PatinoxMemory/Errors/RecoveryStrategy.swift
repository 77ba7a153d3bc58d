/// What a caller should do after a ``PatinoxError``.
public enum RecoveryStrategy: Sendable, Hashable {
    /// The condition is transient: try the same call again after the given delay.
    case retry(after: Duration)
    /// The dependency is failing: retry with growing delays starting at `initial`, at most `maximum`.
    case backOff(initial: Duration, maximum: Duration)
    /// Retrying will not help (e.g. the pool is closed): give up on this operation now.
    case failFast
    /// The request or configuration is wrong: change it as the hint says.
    case reconfigure(hint: String)
    /// Something is broken beyond this component: alert an operator.
    case escalate(hint: String)

    /// One sentence telling a person what to do.
    public var advice: String {
        switch self {
        case .retry(let delay):
            return "retry after \(delay.humanReadable)."
        case .backOff(let initial, let maximum):
            return "retry with backoff, starting at \(initial.humanReadable), at most \(maximum.humanReadable) apart."
        case .failFast:
            return "do not retry this operation; fail the request that needed it."
        case .reconfigure(let hint):
            return hint
        case .escalate(let hint):
            return hint
        }
    }

    /// True when trying again later can succeed.
    public var isRetryable: Bool {
        switch self {
        case .retry, .backOff: return true
        case .failFast, .reconfigure, .escalate: return false
        }
    }
}
