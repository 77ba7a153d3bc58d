import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The time source of a component: a standard library `Clock` whose instants are plain nanosecond values
/// (``MonotonicInstant``), so hot paths do integer arithmetic. Inject ``ManualClock`` in tests to control time;
/// anything that takes a `Clock` takes these too.
public protocol MonotonicClock: Clock where Instant == MonotonicInstant, Duration == Swift.Duration {
    /// The current instant.
    func now() -> MonotonicInstant
    /// Suspends until `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: MonotonicInstant) async throws
}

extension MonotonicClock {
    /// The current instant (`Clock`'s form of ``now()``).
    public var now: MonotonicInstant { now() }
    /// Nanoseconds.
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }
    /// `Clock`'s sleep: the deadline is kept exactly (no tolerance is used).
    public func sleep(until deadline: MonotonicInstant, tolerance: Swift.Duration?) async throws {
        try await sleep(until: deadline)
    }
    /// Suspends for `duration` from now.
    public func sleep(for duration: Swift.Duration) async throws {
        try await sleep(until: now() + duration)
    }
}

/// The system's monotonic clock (`CLOCK_MONOTONIC`).
public struct SystemClock: MonotonicClock {
    public init() {}

    public func now() -> MonotonicInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicInstant(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
    }

    public func sleep(until deadline: MonotonicInstant) async throws {
        let remaining = deadline - now()
        if remaining > .zero { try await Task.sleep(for: remaining) }
    }
}

/// A clock that moves only when a test calls ``advance(by:)`` or ``advance(to:)``.
///
/// Sleepers whose deadline has come are resumed in deadline order.
public final class ManualClock: MonotonicClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: MonotonicInstant
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: MonotonicInstant
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Tasks waiting in ``nextTimerScheduled()``.
        var timerWaiters: [CheckedContinuation<MonotonicInstant, Never>] = []
    }
    private let state: NIOLockedValueBox<State>

    /// Creates a clock that starts at `start`.
    public init(start: MonotonicInstant = MonotonicInstant(nanoseconds: 1_000_000_000)) {
        state = NIOLockedValueBox(State(now: start))
    }

    public func now() -> MonotonicInstant { state.withLockedValue { $0.now } }

    /// How many tasks are sleeping on this clock (lets a test wait until a component is parked).
    public var sleeperCount: Int { state.withLockedValue { $0.sleepers.count } }

    public func sleep(until deadline: MonotonicInstant) async throws {
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, waiters) = state.withLockedValue {
                    state -> (Bool, [CheckedContinuation<MonotonicInstant, Never>]) in
                    if deadline <= state.now || Task.isCancelled { return (true, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    defer { state.timerWaiters = [] }
                    return (false, state.timerWaiters)
                }
                if resumeNow { continuation.resume() }
                for waiter in waiters { waiter.resume(returning: deadline) }
            }
        } onCancel: {
            let cancelled = state.withLockedValue { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Returns when a task next starts sleeping on this clock (for a deadline still to come), with that deadline:
    /// a test advances the clock only once the component under test has scheduled its timer, instead of
    /// polling (as PostgresNIO's `MockClock.nextTimerScheduled()`).
    public func nextTimerScheduled() async -> MonotonicInstant {
        await withCheckedContinuation { continuation in
            state.withLockedValue { $0.timerWaiters.append(continuation) }
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        advance(to: now() + duration)
    }

    /// Moves the clock to `instant` (never backwards) and wakes every sleeper whose deadline has come.
    public func advance(to instant: MonotonicInstant) {
        let due = state.withLockedValue { state -> [Sleeper] in
            state.now = max(state.now, instant)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
