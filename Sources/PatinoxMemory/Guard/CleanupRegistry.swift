import Histogram
import Logging
import NIOConcurrencyHelpers

/// Tracks every resource guard: how many were created, are active, were cleaned, failed, were retried,
/// and which cleanups are still pending (running in the background after a guard was dropped).
///
/// Swift has no asynchronous `deinit`, so a guard dropped without `cleanup()` hands its cleanup to the
/// registry, which runs it in a `Task` — the counterpart of `tokio::spawn` in an async `Drop` — and keeps
/// it visible until it ends. ``waitForPendingCleanups()`` lets a shutdown or a test wait for them.
public final class CleanupRegistry: Sendable {
    /// The registry guards use when none is given.
    public static let shared = CleanupRegistry(name: "default")

    /// The registry's name (its engine and metrics label).
    public let name: String
    let clock: any MonotonicClock
    let monitor: any Monitor
    let logger: Logger
    private struct State {
        var status = GuardStatus()
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .two)
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())
    private let injectedFailures = NIOLockedValueBox(false)

    /// A registry named `name`.
    /// - Parameters:
    ///   - name: its engine and metrics label.
    ///   - clock: the time source for cleanup latencies (injected in tests).
    ///   - monitor: where cleanup events and samples go.
    ///   - logger: where cleanups that failed every attempt go, with the registry's name. Silent by default.
    public init(
        name: String,
        clock: any MonotonicClock = SystemClock(),
        monitor: any Monitor = NoopMonitor(),
        logger: Logger = .disabled
    ) {
        self.name = name
        self.clock = clock
        self.monitor = monitor
        self.logger = logger
    }

    var component: ComponentID { ComponentID(kind: .resourceGuard, name: name) }

    /// Counts and cleanup-latency percentiles.
    public func status() -> GuardStatus {
        state.withLockedValue { state in
            var status = state.status
            status.cleanupLatency = LatencySummary(state.latency)
            return status
        }
    }

    /// Returns when no background cleanup is pending.
    public func waitForPendingCleanups() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state in
                if state.status.pending == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    // MARK: - Faults and statistics

    /// Fault injection: while on, every cleanup attempt of this registry's guards fails (retries included).
    public var failsCleanups: Bool {
        get { injectedFailures.withLockedValue { $0 } }
        set { injectedFailures.withLockedValue { $0 = newValue } }
    }

    /// Zeroes the totals (created, cleaned, failed, retried) and the latency; active and pending stay.
    public func resetStatistics() {
        state.withLockedValue { state in
            state.status.created = state.status.active
            state.status.cleaned = 0
            state.status.failed = 0
            state.status.retried = 0
            state.latency.reset()
        }
    }

    // MARK: - Bookkeeping for guards

    func guardCreated() {
        state.withLockedValue {
            $0.status.created += 1
            $0.status.active += 1
        }
    }

    func cleanupStarted(inBackground: Bool) {
        if inBackground { state.withLockedValue { $0.status.pending += 1 } }
    }

    func cleanupFinished(_ result: Result<Int, PatinoxError>, inBackground: Bool, since start: MonotonicInstant) {
        let elapsed = clock.now() - start
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.status.active -= 1
            if inBackground { state.status.pending -= 1 }
            switch result {
            case .success(let retries):
                state.status.cleaned += 1
                state.status.retried += retries
            case .failure:
                state.status.failed += 1
            }
            _ = state.latency.record(elapsed.nanosecondsClamped)
            guard state.status.pending == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
        switch result {
        case .success:
            monitor.record(MonitorEvent(source: component, operation: "cleanup", duration: elapsed))
        case .failure(let error):
            logger.error(
                "cleanup failed after every attempt: the resource may be left open",
                metadata: ["registry": "\(name)", "error": "\(error.message)"]
            )
            monitor.record(
                MonitorEvent(
                    source: component,
                    operation: "cleanup",
                    outcome: .failure(error.code),
                    duration: elapsed,
                    detail: error.message
                )
            )
        }
    }

    /// Sends the counts to the monitor as a sample.
    public func reportToMonitor() {
        let status = status()
        monitor.sample(
            MonitorSample(
                source: component,
                gauges: [("guards_active", Double(status.active)), ("guards_pending", Double(status.pending))],
                totals: [
                    ("guards_created", status.created), ("guards_cleaned", status.cleaned),
                    ("guards_failed", status.failed), ("guards_retried", status.retried),
                ]
            )
        )
    }
}

/// Counts of a cleanup registry.
public struct GuardStatus: Sendable, Hashable, Codable {
    /// Guards created with this registry.
    public var created = 0
    /// Guards whose cleanup has not finished.
    public var active = 0
    /// Cleanups that finished successfully.
    public var cleaned = 0
    /// Cleanups that failed after every retry.
    public var failed = 0
    /// Retries made in all (a cleanup that succeeded on its third attempt counts two).
    public var retried = 0
    /// Background cleanups of dropped guards still running.
    public var pending = 0
    /// How long cleanups took, from start to success or final failure.
    public var cleanupLatency = LatencySummary()
    public init() {}
}
