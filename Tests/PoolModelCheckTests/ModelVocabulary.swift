@testable import PatinoxMemory

/// The state machine under test: connections and waiters are plain numbers (a waiter is its caller's number).
typealias CheckedMachine = PoolStateMachine<Int, Int>

/// One step of the explored world: something a caller, the backend, the clock or an operator does to the pool.
///
/// Cases name concrete callers and attempts (numbers and IDs are handed out deterministically), so a trace
/// replays to exactly the same states.
enum ModelEvent: Hashable, Sendable, CustomStringConvertible {
    /// A new caller acquires: the shell's fast path (`leaseIdle`), then the slow path (`acquire`).
    case acquire
    /// A caller gives its lease back.
    case release(caller: Int, discard: Bool)
    /// A waiting caller's task is cancelled.
    case cancel(caller: Int)
    /// The shell's timer fires at the machine's `nextWakeup`.
    case tick
    /// A late timer: time jumps by the scenario's `lateTick`, past several deadlines at once.
    case lateTick
    /// A connection attempt succeeds (also one the machine gave up on: the connection then arrives late).
    case created(ConnectionID)
    /// A connection attempt fails.
    case createFailed(ConnectionID)
    /// A background health check (keepalive) answers.
    case checkFinished(ConnectionID, healthy: Bool)
    /// A caller's acquire-time health check answers; on failure the shell reports `validationFailed` and the
    /// caller acquires again (`Pool.acquire()` loops).
    case validated(caller: Int, healthy: Bool)
    /// An operator resizes the pool.
    case resize(minimum: Int, maximum: Int)
    /// Fault injection: one connection dies (`kill(count: 1)`).
    case kill
    /// Shutdown begins.
    case beginShutdown
    /// The shutdown deadline passes.
    case forceClose

    var description: String {
        switch self {
        case .acquire: "acquire"
        case .release(let caller, let discard): "release(caller \(caller)\(discard ? ", discard" : ""))"
        case .cancel(let caller): "cancel(caller \(caller))"
        case .tick: "tick(at nextWakeup)"
        case .lateTick: "lateTick"
        case .created(let id): "created(\(id))"
        case .createFailed(let id): "createFailed(\(id))"
        case .checkFinished(let id, let healthy): "checkFinished(\(id), \(healthy ? "healthy" : "unhealthy"))"
        case .validated(let caller, let healthy): "validated(caller \(caller), \(healthy ? "healthy" : "unhealthy"))"
        case .resize(let minimum, let maximum): "resize(\(minimum)...\(maximum))"
        case .kill: "kill(1)"
        case .beginShutdown: "beginShutdown"
        case .forceClose: "forceClose"
        }
    }
}

/// A resize the explorer may apply to a running pool.
struct ModelResize: Hashable, Sendable {
    /// The new minimum.
    var minimum: Int
    /// The new maximum.
    var maximum: Int
}

/// A planted bug, for the checker's self-test: how the actions the machine returns are corrupted before the
/// model reads them, as a faulty machine would emit them.
enum ModelMutation: Sendable, CaseIterable, CustomStringConvertible {
    /// No bug: the real machine.
    case none
    /// The first `.lease` of a step is dropped: a served waiter is never woken.
    case dropLease
    /// The first `.close` of a step is emitted twice.
    case duplicateClose
    /// A lease meant for the oldest of several waiters goes to the newest.
    case serveNewest
    /// `.shutdownComplete` is never emitted.
    case dropShutdownComplete

    /// Part of the message of the violation this bug must cause.
    var symptom: String {
        switch self {
        case .none: ""
        case .dropLease: "a waiter lost"
        case .duplicateClose: "which is closed or unknown"
        case .serveNewest: "FIFO"
        case .dropShutdownComplete: "without shutdownComplete"
        }
    }

    var description: String {
        switch self {
        case .none: "none"
        case .dropLease: "drop a lease"
        case .duplicateClose: "close twice"
        case .serveNewest: "serve the newest waiter"
        case .dropShutdownComplete: "drop shutdownComplete"
        }
    }
}

/// A configuration to explore and the bounds of the exploration.
struct ModelScenario: Sendable, CustomStringConvertible {
    /// Shown in test names and reports.
    var name: String
    /// The pool's configuration at the start (the explorer resizes it).
    var configuration: PoolConfiguration
    /// Events along one path, at most.
    var depth: Int
    /// Callers waiting at once, at most (acquire is not offered beyond).
    var maxWaiters = 4
    /// The resizes offered in every running state.
    var resizes: [ModelResize] = []
    /// How far a late tick moves time.
    var lateTick: Duration = .seconds(3)
    /// The exploration must visit at least this many distinct states (it is not vacuous).
    var stateFloor = 1
    /// A planted bug (self-test only).
    var mutation = ModelMutation.none

    var description: String { name }

    /// Timings in whole seconds, so every instant the explorer reaches is a whole second and states at
    /// different absolute times but with the same relative timings coincide. Jitter is off: the random
    /// generator then has no effect, and stays out of the state.
    static func configuration(
        minimum: Int,
        maximum: Int,
        initial: Int = 0,
        _ adjust: (inout PoolConfiguration) -> Void = { _ in }
    ) -> PoolConfiguration {
        var configuration = PoolConfiguration()
        configuration.minimumConnections = minimum
        configuration.maximumConnections = maximum
        configuration.initialConnections = initial
        configuration.acquireTimeout = .seconds(2)
        configuration.housekeepingInterval = .seconds(1)
        configuration.createTimeout = .seconds(2)
        configuration.validateAfterIdle = .seconds(1)
        configuration.keepaliveInterval = .seconds(2)
        configuration.idleTimeout = .seconds(3)
        configuration.maxLifetime = .seconds(4)
        configuration.lifetimeJitter = 0
        configuration.maxConcurrentCreates = 2
        configuration.backoff.initial = .seconds(1)
        configuration.backoff.multiplier = 2
        configuration.backoff.maximum = .seconds(2)
        configuration.backoff.jitter = 0
        configuration.circuitBreakerThreshold = 2
        configuration.leakThreshold = nil
        adjust(&configuration)
        return configuration
    }
}

/// A broken invariant: what broke and the events that led there (from the configured start).
struct ModelViolation: Error, CustomStringConvertible {
    /// What broke.
    var message: String
    /// The events from the start, the last one breaking the invariant.
    var trace: [ModelEvent] = []

    var description: String {
        "\(message)\ntrace (\(trace.count) events): " + trace.map(\.description).joined(separator: ", ")
    }
}

/// A caller the model knows to be queued in the machine.
struct ModelWaiter {
    /// The caller, also its waiter payload.
    var caller: Int
    /// Its slow-path request, for cancellation.
    var requestID: UInt64
    /// When it started waiting.
    var since: MonotonicInstant
}

/// A caller holding a lease.
struct ModelHolder {
    /// Who holds it.
    var caller: Int
    /// What the machine handed out.
    var lease: PoolLease<Int>
    /// The lease needs its acquire-time health check before the caller sees it.
    var validating: Bool
}

/// A background health check the machine asked for and nobody answered yet.
struct ModelCheck {
    /// The check's ID (slot and epoch).
    var id: ConnectionID
    /// The connection being checked.
    var connection: Int
}

/// What one event did, gathered while its actions are read, then compared with the machine's counters and
/// the event's expectations.
struct ModelStepRecord {
    /// The event being applied.
    var event: ModelEvent
    /// The caller acquiring in this event, if any, until it is served, failed or queued.
    var acquirer: Int?
    /// The acquirer's slow-path request.
    var acquirerRequest: UInt64?
    /// The acquirer was served or failed by the actions.
    var acquirerResolved = false
    /// The connection a `created` event delivered, and whether its attempt was still wanted.
    var delivered: (connection: Int, wanted: Bool)?
    /// Leases handed out (immediately or by action).
    var leases = 0
    /// `.close` actions.
    var closes = 0
    /// `.close(_, .abandonedCreate)` actions (the machine does not count them as closes).
    var abandoned = 0
    /// Waiters failed with `acquireTimeout`.
    var timeouts = 0
    /// Waiters cancelled.
    var cancels = 0
    /// Connections counted as created.
    var created = 0
    /// Requests served or failed in this step: cancelling them afterwards must find nothing.
    var resolvedRequests: [UInt64] = []
    /// Close reasons this event may produce.
    var allowedReasons: Set<CloseReason>
    /// Whether this event may close a connection still leased or being checked (kill, force close).
    var mayCloseInUse: Bool
    /// The actions, rendered, when the model logs.
    var actions: [String] = []

    /// The actions on one line.
    var summary: String { actions.isEmpty ? "no action" : actions.joined(separator: ", ") }

    /// The event and its actions on one line.
    var line: String {
        let who = event == .acquire ? acquirer.map { " (caller \($0))" } ?? "" : ""
        return "\(event)\(who) → \(summary)"
    }

    init(event: ModelEvent) {
        self.event = event
        switch event {
        case .acquire: allowedReasons = [.lifetimeExpired]
        case .release(_, let discard): allowedReasons = discard ? [.discarded] : [.shrink, .lifetimeExpired, .shutdown]
        case .cancel, .createFailed: allowedReasons = []
        case .tick, .lateTick: allowedReasons = [.idleTimeout, .lifetimeExpired]
        case .created: allowedReasons = [.abandonedCreate, .shutdown, .lifetimeExpired]
        case .checkFinished: allowedReasons = [.validationFailed, .shrink, .shutdown, .lifetimeExpired]
        case .validated: allowedReasons = [.validationFailed, .lifetimeExpired]
        case .resize: allowedReasons = [.shrink]
        case .kill: allowedReasons = [.killed]
        case .beginShutdown: allowedReasons = [.shutdown]
        case .forceClose: allowedReasons = [.forcedShutdown]
        }
        switch event {
        case .kill, .forceClose: mayCloseInUse = true
        default: mayCloseInUse = false
        }
    }
}
