@testable import PatinoxMemory

/// The machine under test together with the model's own bookkeeping of the world around it: which callers
/// wait (in arrival order), which hold a lease, which connection attempts and health checks are in flight,
/// which connections are open. Every event is applied to the machine as the shell (`Pool`) would, and every
/// action the machine returns is checked against that bookkeeping before the bookkeeping follows it.
struct PoolModel {
    let scenario: ModelScenario
    var machine: CheckedMachine
    /// The model's clock; only ticks move it, and every event that takes a time is given this one.
    var now = MonotonicInstant(nanoseconds: 1_000_000_000)
    /// Queued callers, oldest first: the order in which FIFO must serve them.
    var waiting: [ModelWaiter] = []
    var holders: [ModelHolder] = []
    /// Connection attempts the machine started and that have not reported yet (also those it gave up on:
    /// their task may still report).
    var creates: [ConnectionID] = []
    var checks: [ModelCheck] = []
    /// Connections handed to the machine and not closed yet.
    var open: Set<Int> = []
    var shutdownCompleted = false
    /// Fresh names. Not part of the state: renaming callers or connections changes nothing.
    var nextCaller = 0
    var nextConnection = 1
    var nextRequest: UInt64 = 1
    /// When set, each step appends what it did (for failure reports).
    var log: [String]?
    /// See ``stateKey()``.
    let keyHorizon: UInt64
    let keyFailureCap: Int

    /// A machine configured and started as `Pool.init` does.
    init(_ scenario: ModelScenario, logging: Bool = false) throws(ModelViolation) {
        let configuration = scenario.configuration
        precondition(configuration.leakThreshold == nil, "lease timestamps are left out of the state key")
        precondition(configuration.lifetimeJitter == 0 && configuration.backoff.jitter == 0, "jitter must be off")
        self.scenario = scenario
        keyHorizon = Self.horizon(for: configuration)
        keyFailureCap = Self.failureCap(for: configuration)
        machine = CheckedMachine(name: "model", configuration: scenario.configuration, now: now, seed: 7)
        log = logging ? [] : nil
        var record = ModelStepRecord(event: .tick)
        record.allowedReasons = []
        try absorb(machine.start(), &record)
        log?.append("start → " + record.summary)
        try checkState()
    }

    /// Replays `trace` from the start; throws the violation it leads to, with `trace` as its trace.
    static func replay(_ scenario: ModelScenario, _ trace: [ModelEvent], logging: Bool) throws(ModelViolation)
        -> PoolModel
    {
        do {
            var model = try PoolModel(scenario, logging: logging)
            for event in trace { try model.step(event) }
            return model
        } catch {
            var violation = error
            violation.trace = trace
            throw violation
        }
    }

    // MARK: - Events

    /// Every event possible in this state. Interchangeable choices (two stale leases, two abandoned attempts)
    /// are offered once.
    func enabledEvents() -> [ModelEvent] {
        var events: [ModelEvent] = []
        if waiting.count < scenario.maxWaiters { events.append(.acquire) }
        var staleOffered = false
        for holder in holders where !holder.validating {
            let current = machine.slots.isCurrentLease(holder.lease.id)
            if !current {
                if staleOffered { continue }
                staleOffered = true
            }
            events.append(.release(caller: holder.caller, discard: false))
            if current { events.append(.release(caller: holder.caller, discard: true)) }
        }
        for holder in holders where holder.validating {
            events.append(.validated(caller: holder.caller, healthy: true))
            events.append(.validated(caller: holder.caller, healthy: false))
        }
        for waiter in waiting { events.append(.cancel(caller: waiter.caller)) }
        staleOffered = false
        for id in creates {
            if !machine.isPendingCreate(id) {
                if staleOffered { continue }
                staleOffered = true
            }
            events.append(.created(id))
            events.append(.createFailed(id))
        }
        staleOffered = false
        for check in checks {
            if !machine.slots.isCurrentCheck(check.id) {
                if staleOffered { continue }
                staleOffered = true
            }
            events.append(.checkFinished(check.id, healthy: true))
            events.append(.checkFinished(check.id, healthy: false))
        }
        events.append(.tick)
        events.append(.lateTick)
        switch machine.phase {
        case .running:
            for resize in scenario.resizes { events.append(.resize(minimum: resize.minimum, maximum: resize.maximum)) }
            events.append(.kill)
            events.append(.beginShutdown)
        case .shuttingDown:
            events.append(.kill)
            events.append(.forceClose)
        case .closed:
            break
        }
        return events
    }

    /// Applies one event as the shell would, checks every action it produced, then every state invariant.
    mutating func step(_ event: ModelEvent) throws(ModelViolation) {
        var record = ModelStepRecord(event: event)
        do {
            try perform(event, &record)
            log?.append(record.line)
        } catch {
            log?.append(record.line)
            throw error
        }
    }

    private mutating func perform(_ event: ModelEvent, _ record: inout ModelStepRecord) throws(ModelViolation) {
        let before = machine.counters
        switch event {
        case .acquire:
            let caller = nextCaller
            nextCaller += 1
            try acquire(caller, &record)
        case .release(let caller, let discard):
            try release(caller, discard: discard, &record)
        case .cancel(let caller):
            guard let index = waiting.firstIndex(where: { $0.caller == caller }) else {
                throw ModelViolation(message: "model: cancel of caller \(caller), which is not waiting")
            }
            let waiter = waiting.remove(at: index)
            let payload = machine.cancel(requestID: waiter.requestID)
            try require(payload == caller, "cancel of waiting caller \(caller) returned \(String(describing: payload))")
            try require(machine.cancel(requestID: waiter.requestID) == nil, "a cancelled request is still queued")
            record.cancels = 1
        case .tick:
            let wakeup = machine.nextWakeup
            try require(wakeup > now, "nextWakeup \(wakeup) is not after now \(now)")
            now = wakeup
            try absorb(machine.tick(now: now), &record)
        case .lateTick:
            now = now + scenario.lateTick
            try absorb(machine.tick(now: now), &record)
        case .created(let id):
            try takeCreate(id)
            let connection = nextConnection
            nextConnection += 1
            let wanted = machine.isPendingCreate(id)
            record.delivered = (connection, wanted)
            open.insert(connection)
            let actions = machine.connectionCreated(id, connection, now: now)
            try absorb(actions, &record)
            if wanted {
                record.created = 1
            } else {
                try require(
                    actions.count == 1 && record.abandoned == 1,
                    "a connection for an abandoned attempt must only be closed, got \(actions.map(describe))"
                )
            }
        case .createFailed(let id):
            try takeCreate(id)
            let wanted = machine.isPendingCreate(id)
            let actions = machine.createFailed(id, error: nil, now: now)
            try require(wanted || actions.isEmpty, "a failed abandoned attempt produced \(actions.map(describe))")
            try absorb(actions, &record)
        case .checkFinished(let id, let healthy):
            guard let index = checks.firstIndex(where: { $0.id == id }) else {
                throw ModelViolation(message: "model: no check \(id) in flight")
            }
            checks.remove(at: index)
            let current = machine.slots.isCurrentCheck(id)
            let actions = machine.checkFinished(id, healthy: healthy, now: now)
            try require(current || actions.isEmpty, "a stale check's answer produced \(actions.map(describe))")
            try absorb(actions, &record)
        case .validated(let caller, let healthy):
            guard let index = holders.firstIndex(where: { $0.caller == caller && $0.validating }) else {
                throw ModelViolation(message: "model: caller \(caller) has no lease to validate")
            }
            if healthy {
                holders[index].validating = false
            } else {
                let holder = holders.remove(at: index)
                let current = machine.slots.isCurrentLease(holder.lease.id)
                let actions = machine.validationFailed(holder.lease.id)
                try require(current || actions.isEmpty, "validationFailed of a stale lease produced actions")
                try absorb(actions, &record)
                try acquire(caller, &record)
            }
        case .resize(let minimum, let maximum):
            let running = machine.phase == .running
            let result = Result { () throws(PatinoxError) in try machine.resize(minimum: minimum, maximum: maximum) }
            switch result {
            case .success(let actions):
                try require(running, "resize of a \(machine.phase) pool was accepted")
                try absorb(actions, &record)
            case .failure(let error):
                try require(!running && error.code == .poolClosed, "resize refused: \(error.code)")
            }
        case .kill:
            try absorb(machine.kill(count: 1), &record)
        case .beginShutdown:
            try absorb(machine.beginShutdown(), &record)
            try require(machine.beginShutdown().isEmpty, "a second beginShutdown did something")
        case .forceClose:
            try absorb(machine.forceClose(), &record)
            try require(machine.phase == .closed && shutdownCompleted, "forceClose left the pool \(machine.phase)")
            try require(machine.forceClose().isEmpty, "a second forceClose did something")
        }
        if let caller = record.acquirer, !record.acquirerResolved, let request = record.acquirerRequest {
            waiting.append(ModelWaiter(caller: caller, requestID: request, since: now))
        }
        for request in record.resolvedRequests {
            try require(machine.cancel(requestID: request) == nil, "request \(request) is served but still queued")
        }
        try checkState()
        try checkCounters(before: before, record)
    }

    /// What `Pool.acquire()` does for `caller`: the fast path, else the slow path (which may queue it).
    mutating func acquire(_ caller: Int, _ record: inout ModelStepRecord) throws(ModelViolation) {
        record.acquirer = caller
        record.acquirerResolved = false
        record.acquirerRequest = nil
        if let lease = machine.leaseIdle() {
            try grant(lease, to: caller, since: now, &record)
            return
        }
        let request = nextRequest
        nextRequest += 1
        let idleBefore = machine.slots.idleFromOldest().compactMap { machine.slots.connection(at: $0) }
        switch machine.acquire(requestID: request, waiter: caller, now: now) {
        case .leased(let lease):
            try grant(lease, to: caller, since: now, &record)
        case .failed(let error, let actions):
            let expected =
                machine.phase != .running
                ? error.code == .poolClosed : error.code == .circuitOpen && machine.attempts.isCircuitOpen
            try require(expected, "acquire failed with \(error.code) in phase \(machine.phase)")
            try absorb(actions, &record)
            let freed = idleBefore.filter { !machine.slots.connections.contains($0) }
            try require(
                freed.allSatisfy { !open.contains($0) },
                "a failed acquire freed connections \(freed) without asking the shell to close them"
            )
            record.acquirerResolved = true
            record.resolvedRequests.append(request)
        case .queued(let actions):
            record.acquirerRequest = request
            try absorb(actions, &record)
            if record.acquirerResolved { record.resolvedRequests.append(request) }
        }
    }

    mutating func release(_ caller: Int, discard: Bool, _ record: inout ModelStepRecord) throws(ModelViolation) {
        guard let index = holders.firstIndex(where: { $0.caller == caller && !$0.validating }) else {
            throw ModelViolation(message: "model: caller \(caller) holds no lease")
        }
        let holder = holders.remove(at: index)
        let current = machine.slots.isCurrentLease(holder.lease.id)
        let outcome = machine.release(holder.lease.id, discard: discard)
        if !current, !outcome.asActions.isEmpty {
            throw ModelViolation(message: "release of a stale lease \(holder.lease.id) did something")
        }
        try absorb(outcome.asActions, &record)
        // A second release of the same lease is ignored: counted as stale, nothing else changes.
        let counts = machine.slots.counts
        let stale = machine.counters.staleReleases
        let again = machine.release(holder.lease.id, discard: discard)
        try require(
            again.asActions.isEmpty && machine.slots.counts == counts && machine.counters.staleReleases == stale + 1,
            "a second release of \(holder.lease.id) was not ignored"
        )
    }

    mutating func takeCreate(_ id: ConnectionID) throws(ModelViolation) {
        guard let index = creates.firstIndex(of: id) else {
            throw ModelViolation(message: "model: no attempt \(id) in flight")
        }
        creates.remove(at: index)
    }

    mutating func grant(
        _ lease: PoolLease<Int>,
        to caller: Int,
        since: MonotonicInstant,
        _ record: inout ModelStepRecord
    ) throws(ModelViolation) {
        let connection = lease.connection
        try require(open.contains(connection), "leased connection \(connection), which is not open")
        try require(
            !holders.contains { $0.lease.connection == connection },
            "connection \(connection) leased to caller \(caller) while another caller holds it"
        )
        try require(!checks.contains { $0.connection == connection }, "leased connection \(connection) mid-check")
        try require(machine.slots[lease.id.slot].expiresAt > now, "leased connection \(connection) past its lifetime")
        holders.append(ModelHolder(caller: caller, lease: lease, validating: lease.needsValidation))
        if log != nil, record.acquirer == caller, !record.acquirerResolved, record.acquirerRequest == nil {
            record.actions.append("leased at once: " + describe(.lease(caller, lease, since: since)))
        }
        record.leases += 1
        if caller == record.acquirer {
            try require(!record.acquirerResolved, "caller \(caller) served twice")
            try require(waiting.isEmpty, "caller \(caller) served at once ahead of \(waiting.count) waiting")
            record.acquirerResolved = true
        }
    }

    // MARK: - Reading actions

    /// Checks each action against the bookkeeping, then applies it to the bookkeeping.
    mutating func absorb(_ returned: [CheckedMachine.Action], _ record: inout ModelStepRecord)
        throws(ModelViolation)
    {
        let actions = mutated(returned)
        for action in actions {
            if log != nil { record.actions.append(describe(action)) }
            switch action {
            case .lease(var waiter, let lease, let since):
                if scenario.mutation == .serveNewest, waiting.count > 1, waiter == waiting.first?.caller,
                    let newest = waiting.last
                {
                    waiter = newest.caller
                }
                if waiter == record.acquirer, !record.acquirerResolved {
                    try require(since == now, "the acquirer's lease says it waited since \(since)")
                    try grant(lease, to: waiter, since: since, &record)
                    continue
                }
                guard let index = waiting.firstIndex(where: { $0.caller == waiter }) else {
                    throw ModelViolation(message: "lease for caller \(waiter), who is not waiting")
                }
                try require(index == 0, "FIFO: caller \(waiter) served before \(index) earlier waiter(s)")
                let entry = waiting.remove(at: 0)
                try require(since == entry.since, "caller \(waiter)'s lease says it waited since \(since)")
                try require(!lease.needsValidation, "a lease handed to a waiter asks for validation")
                try grant(lease, to: waiter, since: since, &record)
                record.resolvedRequests.append(entry.requestID)
            case .fail(let waiter, let error):
                if waiter == record.acquirer, !record.acquirerResolved {
                    record.acquirerResolved = true
                    continue
                }
                guard let index = waiting.firstIndex(where: { $0.caller == waiter }) else {
                    throw ModelViolation(message: "fail for caller \(waiter), who is not waiting")
                }
                let entry = waiting.remove(at: index)
                switch error.code {
                case .acquireTimeout:
                    try require(index == 0, "caller \(waiter) timed out before an earlier waiter")
                    try require(entry.since + scenario.configuration.acquireTimeout <= now, "timed out early")
                    record.timeouts += 1
                case .poolClosed:
                    try require(machine.phase != .running, "poolClosed failure of a running pool")
                case .circuitOpen:
                    try require(machine.attempts.isCircuitOpen, "circuitOpen failure with the breaker closed")
                default:
                    throw ModelViolation(message: "caller \(waiter) failed with \(error.code)")
                }
                record.resolvedRequests.append(entry.requestID)
            case .create(let id):
                try require(!creates.contains(id), "attempt \(id) started twice")
                try require(machine.phase == .running, "attempt \(id) started while \(machine.phase)")
                creates.append(id)
            case .cancelCreate(let id):
                try require(creates.contains(id), "cancelCreate of \(id), which is not in flight")
            case .close(let connection, let reason):
                try close(connection, reason, &record)
            case .check(let id, let connection):
                try require(open.contains(connection), "check of connection \(connection), which is not open")
                try require(!holders.contains { $0.lease.connection == connection }, "check of a leased connection")
                try require(!checks.contains { $0.connection == connection }, "connection \(connection) checked twice")
                checks.append(ModelCheck(id: id, connection: connection))
            case .event:
                break
            case .shutdownComplete:
                try require(!shutdownCompleted, "shutdownComplete emitted twice")
                try require(machine.phase == .closed, "shutdownComplete while \(machine.phase)")
                shutdownCompleted = true
            }
        }
    }

    mutating func close(_ connection: Int, _ reason: CloseReason, _ record: inout ModelStepRecord)
        throws(ModelViolation)
    {
        try require(open.contains(connection), "close of connection \(connection), which is closed or unknown")
        try require(record.allowedReasons.contains(reason), "\(record.event) closed a connection as \(reason)")
        if reason == .abandonedCreate {
            try require(
                record.delivered.map { $0.connection == connection && !$0.wanted } ?? false,
                "abandoned-create close of connection \(connection), which no abandoned attempt delivered"
            )
            record.abandoned += 1
        }
        if reason == .shutdown { try require(machine.phase != .running, "shutdown close of a running pool") }
        let inUse =
            holders.contains { $0.lease.connection == connection } || checks.contains { $0.connection == connection }
        try require(!inUse || record.mayCloseInUse, "\(record.event) closed connection \(connection) while in use")
        open.remove(connection)
        record.closes += 1
    }

    /// The actions as the planted bug (if any) corrupts them.
    func mutated(_ actions: [CheckedMachine.Action]) -> [CheckedMachine.Action] {
        var actions = actions
        switch scenario.mutation {
        case .none, .serveNewest:
            break
        case .dropLease:
            if let index = actions.firstIndex(where: { if case .lease = $0 { true } else { false } }) {
                actions.remove(at: index)
            }
        case .duplicateClose:
            if let index = actions.firstIndex(where: { if case .close = $0 { true } else { false } }) {
                actions.insert(actions[index], at: index + 1)
            }
        case .dropShutdownComplete:
            actions.removeAll { if case .shutdownComplete = $0 { true } else { false } }
        }
        return actions
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ModelViolation) {
        if !condition { throw ModelViolation(message: message()) }
    }
}

/// A short, stable rendering of an action for traces.
func describe(_ action: CheckedMachine.Action) -> String {
    switch action {
    case .lease(let waiter, let lease, _):
        "lease(caller \(waiter), conn \(lease.connection), \(lease.id)\(lease.needsValidation ? ", check first" : ""))"
    case .fail(let waiter, let error): "fail(caller \(waiter), \(error.code))"
    case .create(let id): "create(\(id))"
    case .cancelCreate(let id): "cancelCreate(\(id))"
    case .close(let connection, let reason): "close(conn \(connection), \(reason.rawValue))"
    case .check(let id, let connection): "check(\(id), conn \(connection))"
    case .event(let event): "event(\(describe(event)))"
    case .shutdownComplete: "shutdownComplete"
    }
}

/// A short rendering of an event for traces (errors by their code only).
func describe(_ event: PoolEvent) -> String {
    switch event {
    case .connectionClosed(let reason): "closed: \(reason.rawValue)"
    case .createFailed(let error): "createFailed: \(error.code)"
    case .leakDetected(let id, _): "leak \(id)"
    default: "\(event)"
    }
}
