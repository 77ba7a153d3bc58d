// Operator commands: resize, kill, shutdown; and the status view.
extension PoolStateMachine {
    /// Changes the size limits. Invalid values throw and leave the old limits in place.
    /// Growing opens connections for the new minimum and the waiters; shrinking closes idle connections
    /// now and retires leased ones as they come back.
    mutating func resize(minimum: Int, maximum: Int) throws(PatinoxError) -> [Action] {
        var candidate = configuration
        candidate.minimumConnections = minimum
        candidate.maximumConnections = maximum
        candidate.initialConnections = min(candidate.initialConnections, maximum)
        try candidate.validate(poolName: name, operation: "resize")
        guard phase == .running else { throw .poolClosed(pool: name, operation: "resize") }
        replaceConfiguration(candidate)
        var actions: [Action] = [.event(.resized(minimum: minimum, maximum: maximum))]
        for index in slots.idleFromOldest() where slots.counts.live > maximum {
            close(index, reason: .shrink, into: &actions)
        }
        for index in slots.indices(in: .creating) where slots.counts.live > maximum {
            actions.append(.cancelCreate(ConnectionID(slot: index, epoch: slots[index].epoch)))
            _ = slots.free(index)
        }
        for index in slots.indices(in: .checking) + slots.indices(in: .leased) where slots.counts.live > maximum {
            slots.markRetiring(index)
        }
        planCreates(into: &actions)
        return actions
    }

    /// Fault injection: closes `count` connections as a failing backend would, idle ones first, then
    /// leased ones (whose holders see their next operation fail). Returns the actions and how many died.
    mutating func kill(count: Int) -> [Action] {
        var actions: [Action] = []
        var killed = 0
        for index in slots.idleFromOldest() where killed < count {
            close(index, reason: .killed, into: &actions)
            killed += 1
        }
        for index in slots.indices(in: .leased) + slots.indices(in: .checking) where killed < count {
            guard let connection = slots.connection(at: index), !slots[index].closed else { continue }
            slots.markRetiring(index)
            slots[index].closed = true
            counters.closed += 1
            actions.append(.close(connection, .killed))
            killed += 1
        }
        counters.replaced += killed
        actions.append(.event(.killed(count: killed)))
        planCreates(into: &actions)
        return actions
    }

    /// Stops leasing: fails the waiters, closes idle connections and abandons attempts in flight;
    /// leased connections are closed as they come back. Calling it again does nothing.
    mutating func beginShutdown() -> [Action] {
        guard phase == .running else { return [] }
        phase = .shuttingDown
        var actions: [Action] = [.event(.shutdownStarted)]
        let error = PatinoxError.poolClosed(pool: name, operation: "acquire")
        for waiter in waiters.removeAll() { actions.append(.fail(waiter.payload, error)) }
        for index in slots.idleFromOldest() { close(index, reason: .shutdown, into: &actions) }
        for index in slots.indices(in: .creating) {
            actions.append(.cancelCreate(ConnectionID(slot: index, epoch: slots[index].epoch)))
            _ = slots.free(index)
        }
        for index in slots.indices(in: .leased) + slots.indices(in: .checking) { slots.markRetiring(index) }
        finishShutdownIfDrained(into: &actions)
        return actions
    }

    /// The shutdown deadline passed: closes what is still leased or being checked.
    mutating func forceClose() -> [Action] {
        guard phase == .shuttingDown else { return [] }
        var actions: [Action] = []
        let remaining = slots.indices(in: .leased) + slots.indices(in: .checking)
        for index in remaining { close(index, reason: .forcedShutdown, into: &actions) }
        phase = .closed
        actions.append(.event(.shutdownFinished(forceClosed: remaining.count)))
        actions.append(.shutdownComplete)
        return actions
    }

    @usableFromInline
    mutating func finishShutdownIfDrained(into actions: inout [Action]) {
        guard phase == .shuttingDown, slots.counts.occupied == 0 else { return }
        phase = .closed
        actions.append(.event(.shutdownFinished(forceClosed: 0)))
        actions.append(.shutdownComplete)
    }

    /// The status at `time` (the latest event's time when not given); the lease report, a scan of the slots, only
    /// when asked for.
    func status(
        acquireLatency: LatencySummary = LatencySummary(),
        now time: MonotonicInstant? = nil,
        includingLeases: Bool = true
    ) -> PoolStatus {
        let counts = slots.counts
        return PoolStatus(
            name: name,
            phase: phase,
            total: counts.occupied,
            idle: counts.idle,
            leased: counts.leased,
            creating: counts.creating,
            checking: counts.checking,
            waiters: waiters.count,
            minimum: configuration.minimumConnections,
            maximum: configuration.maximumConnections,
            circuitOpen: attempts.isCircuitOpen,
            consecutiveCreateFailures: attempts.failures,
            counters: counters,
            acquireLatency: acquireLatency,
            leases: includingLeases ? leaseReport(now: max(time ?? now, now)) : nil
        )
    }
}
