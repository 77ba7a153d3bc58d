@testable import PatinoxMemory

// Probes run once on every new state, on a copy: they drive the state to an end past the depth bound and
// check that it ends well. A probe's events are appended to the trace of any violation it finds.
//
// Every probe takes only events the explorer offers, and ends in checks the per-state invariants also make
// (a shutting-down pool with nothing outstanding, a waiter queued past its deadline, an open connection the
// machine forgot are all violations of `checkState`). So a probe is needed only where the search has less
// depth left than the probe's path is long; elsewhere the search takes that path itself.
extension PoolModel {
    /// Every probe the remaining depth does not cover, and the checks no event reaches.
    func probe(remaining: Int) throws(ModelViolation) {
        try checkStatus()
        try probeRefusals()
        let answers = holders.count + holders.count(where: \.validating) + checks.count + creates.count
        let shutdown = machine.phase == .running ? 1 : 0
        if remaining < ticksToDeadline { try probeTimeouts() }
        if remaining < shutdown + answers { try probeGracefulShutdown() }
        // With nothing leased or being checked, forcing is the graceful probe's path again.
        let forced = holders.count + checks.count > 0
        if forced && remaining < shutdown + 1 + answers { try probeForcedShutdown() }
    }

    /// Ticks at `nextWakeup` that reach every current waiter's deadline: instants are whole seconds, so each
    /// tick moves time on by one second at least.
    var ticksToDeadline: Int {
        let (seconds, attoseconds) = machine.configuration.acquireTimeout.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// No lost waiter: with nothing else happening (attempts and checks hang, nobody releases), ticking at
    /// each `nextWakeup` resolves every caller waiting now, by its deadline.
    func probeTimeouts() throws(ModelViolation) {
        guard let last = waiting.last else { return }
        let callers = Set(waiting.map(\.caller))
        let deadline = last.since + machine.configuration.acquireTimeout
        var model = self
        var trace: [ModelEvent] = []
        do {
            while model.waiting.contains(where: { callers.contains($0.caller) }) {
                try require(model.now < deadline, "waiters still wait past their deadline \(deadline)")
                trace.append(.tick)
                try model.step(.tick)
            }
        } catch {
            throw error.probed("waiters resolve by their deadline", trace)
        }
    }

    /// Graceful shutdown: begin it, let every holder validate and release, every check and attempt answer;
    /// the pool must end closed with `shutdownComplete` once and every connection closed.
    func probeGracefulShutdown() throws(ModelViolation) {
        var model = self
        var trace: [ModelEvent] = []
        do {
            if model.machine.phase == .running { try model.probeStep(.beginShutdown, &trace) }
            try model.answerEverything(&trace)
            try model.requireClosedAndEmpty()
        } catch {
            throw error.probed("graceful shutdown completes", trace)
        }
    }

    /// Forced shutdown: begin it and let the deadline pass at once; the pool must be closed right away, and
    /// stay consistent while the leases, checks and attempts it abandoned come back.
    func probeForcedShutdown() throws(ModelViolation) {
        guard machine.phase != .closed else { return }
        var model = self
        var trace: [ModelEvent] = []
        do {
            if model.machine.phase == .running { try model.probeStep(.beginShutdown, &trace) }
            if model.machine.phase == .shuttingDown { try model.probeStep(.forceClose, &trace) }
            try require(
                model.machine.phase == .closed && model.shutdownCompleted,
                "the pool is not closed after forceClose"
            )
            try model.answerEverything(&trace)
            try model.requireClosedAndEmpty()
        } catch {
            throw error.probed("forced shutdown completes", trace)
        }
    }

    /// Refused commands change nothing: an invalid resize while running, any resize once shut down.
    func probeRefusals() throws(ModelViolation) {
        var model = self
        let running = machine.phase == .running
        let result = Result { () throws(PatinoxError) in
            try model.machine.resize(minimum: running ? 2 : 0, maximum: 1)
        }
        switch result {
        case .success:
            throw ModelViolation(message: "resize \(running ? "2...1" : "of a \(machine.phase) pool") was accepted")
        case .failure(let error):
            try require(
                error.code == (running ? .invalidConfiguration : .poolClosed),
                "a refused resize failed with \(error.code)"
            )
        }
        try require(
            model.machine.configuration == machine.configuration && model.machine.slots.counts == machine.slots.counts,
            "a refused resize changed the pool"
        )
    }

    mutating func probeStep(_ event: ModelEvent, _ trace: inout [ModelEvent]) throws(ModelViolation) {
        trace.append(event)
        try step(event)
    }

    /// Every holder validates (healthy) and releases; every check answers healthy; every attempt succeeds.
    mutating func answerEverything(_ trace: inout [ModelEvent]) throws(ModelViolation) {
        while let holder = holders.first {
            if holder.validating { try probeStep(.validated(caller: holder.caller, healthy: true), &trace) }
            try probeStep(.release(caller: holder.caller, discard: false), &trace)
        }
        while let check = checks.first { try probeStep(.checkFinished(check.id, healthy: true), &trace) }
        while let id = creates.first { try probeStep(.created(id), &trace) }
    }

    func requireClosedAndEmpty() throws(ModelViolation) {
        try require(machine.phase == .closed, "the pool is still \(machine.phase) with nothing outstanding")
        try require(shutdownCompleted, "shutdownComplete was never emitted")
        try require(waiting.isEmpty, "callers still wait after shutdown")
        try require(open.isEmpty, "connections \(open.sorted()) were never closed")
    }
}

extension ModelViolation {
    /// The violation as found by a probe: named, with the probe's events after the path's.
    func probed(_ probe: String, _ events: [ModelEvent]) -> ModelViolation {
        ModelViolation(message: "\(message) [probe: \(probe)]", trace: events)
    }
}
