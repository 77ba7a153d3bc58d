@testable import PatinoxMemory

// The invariants checked after every step, on the machine alone and against the model's bookkeeping.
extension PoolModel {
    /// The waiter queue's entries, oldest first, without building an array (this runs after every step).
    func forEachQueued(_ body: (WaiterQueue<Int>.Entry?) throws(ModelViolation) -> Void) throws(ModelViolation) {
        let nodes = machine.waiters.nodes
        var cursor = machine.waiters.order.tail
        var visited = 0
        while cursor >= 0 {
            visited += 1
            try require(visited <= nodes.count, "the waiter queue loops")
            try body(nodes[Int(cursor)].entry)
            cursor = nodes[Int(cursor)].previous
        }
    }

    /// The machine's running totals moved exactly as the step's actions say.
    func checkCounters(before: PoolCounters, _ record: ModelStepRecord) throws(ModelViolation) {
        let after = machine.counters
        try require(after.acquired - before.acquired == record.leases, "counters.acquired is not the leases handed out")
        try require(
            after.closed - before.closed == record.closes - record.abandoned,
            "counters.closed moved by \(after.closed - before.closed) for \(record.closes) close(s)"
        )
        try require(after.timedOut - before.timedOut == record.timeouts, "counters.timedOut is not the timeouts")
        try require(after.cancelled - before.cancelled == record.cancels, "counters.cancelled is not the cancels")
        try require(after.created - before.created == record.created, "counters.created is not the connections")
    }

    /// Every invariant of a state between events.
    func checkState() throws(ModelViolation) {
        try require(machine.now == now, "the machine's clock \(machine.now) is not the model's \(now)")
        try checkCounts()
        try checkAgreement()
        try checkPhase()
        if machine.phase == .running { try checkProgress() }
        try checkWakeup()
    }

    /// `status()` (what the pool reports) agrees with the slots and the queue.
    func checkStatus() throws(ModelViolation) {
        let status = machine.status()
        let counts = machine.slots.counts
        try require(
            status.total == counts.occupied && status.idle == counts.idle && status.leased == counts.leased
                && status.creating == counts.creating && status.checking == counts.checking
                && status.total == status.idle + status.leased + status.creating + status.checking
                && status.waiters == waiting.count && status.phase == machine.phase
                && status.maximum == machine.configuration.maximumConnections
                && status.minimum == machine.configuration.minimumConnections
                && status.circuitOpen == machine.attempts.isCircuitOpen,
            "status() disagrees with the slots: \(status)"
        )
    }

    /// Slot counts: never negative, equal to a recount of the slots, within the maximum.
    func checkCounts() throws(ModelViolation) {
        let counts = machine.slots.counts
        try require(
            counts.idle >= 0 && counts.leased >= 0 && counts.creating >= 0 && counts.checking >= 0
                && counts.retiring >= 0 && counts.live >= 0,
            "a negative count: \(counts)"
        )
        var recount = PoolSlotCounts()
        for slot in machine.slots.slots {
            switch slot.state {
            case .free: continue
            case .idle: recount.idle += 1
            case .leased: recount.leased += 1
            case .creating: recount.creating += 1
            case .checking: recount.checking += 1
            }
            if slot.retiring { recount.retiring += 1 }
        }
        try require(recount == counts, "counts \(counts) differ from the slots \(recount)")
        try require(counts.retiring <= counts.leased + counts.checking, "an idle or creating slot retires")
        let maximum = machine.configuration.maximumConnections
        try require(
            counts.live <= maximum,
            "\(counts.live) connections count against the maximum \(maximum) "
                + "(idle \(counts.idle) + leased \(counts.leased) + creating \(counts.creating) "
                + "+ checking \(counts.checking) − retiring \(counts.retiring))"
        )
        let idleList = machine.slots.idleFromOldest()
        try require(idleList.count == counts.idle, "the idle list does not hold exactly the idle slots")
        for index in idleList { try require(machine.slots[index].state == .idle, "a busy slot in the idle list") }
    }

    /// The machine and the model agree on who waits, who holds what, what is in flight and what is open.
    /// One pass over the slots (a few at most), no sets: this runs after every step.
    func checkAgreement() throws(ModelViolation) {
        let timeout = machine.configuration.acquireTimeout
        var position = 0
        var previous = MonotonicInstant.zero
        try forEachQueued { entry throws(ModelViolation) in
            guard let entry, position < waiting.count, entry.payload == waiting[position].caller else {
                throw ModelViolation(
                    message: "the machine's queue differs from the callers waiting \(waiting.map(\.caller)) "
                        + "at position \(position) (a waiter lost, woken twice or out of FIFO order)"
                )
            }
            let waiter = waiting[position]
            try require(
                entry.requestID == waiter.requestID && entry.enqueuedAt == waiter.since
                    && entry.deadline == waiter.since + timeout && entry.deadline >= previous,
                "waiter \(waiter.caller) is queued with another request or deadline, or out of deadline order"
            )
            try require(entry.deadline > now, "waiter \(waiter.caller) is still queued past its deadline")
            previous = entry.deadline
            position += 1
        }
        try require(
            position == waiting.count && machine.waiters.count == waiting.count,
            "the machine queues \(position) waiter(s), the callers waiting are \(waiting.map(\.caller)) "
                + "(a waiter lost or woken twice)"
        )

        let slots = machine.slots
        var slotConnections: [Int] = []
        for index in slots.slots.indices {
            let slot = slots.slots[index]
            let connection = slots.connections[index]
            let id = ConnectionID(slot: Int32(index), epoch: slot.epoch)
            switch slot.state {
            case .free:
                try require(connection == nil, "free slot \(index) holds a connection")
                continue
            case .creating:
                try require(connection == nil, "creating slot \(index) holds a connection")
                try require(creates.contains(id), "slot \(index) is creating, but no attempt \(id) is in flight")
                continue
            case .idle, .leased, .checking:
                break
            }
            guard let connection else {
                throw ModelViolation(message: "slot \(index) (\(slot.state)) holds no connection")
            }
            try require(!slotConnections.contains(connection), "connection \(connection) sits in two slots")
            slotConnections.append(connection)
            try require(
                open.contains(connection) == !slot.closed,
                "slot \(index) keeps connection \(connection), which is \(slot.closed ? "open" : "closed") "
                    + "in the model (a connection leaked or a closed one kept)"
            )
            switch slot.state {
            case .idle:
                try require(!slot.closed, "idle slot \(index) holds a closed connection")
            case .leased:
                var holding = 0
                for holder in holders where holder.lease.id == id {
                    holding += 1
                    try require(holder.lease.connection == connection, "a holder of lease \(id) has another connection")
                }
                try require(
                    holding == 1,
                    "slot \(index) (lease \(id)) is held by \(holding) caller(s): a lease lost or given twice"
                )
            case .checking:
                try require(
                    checks.contains { $0.id == id && $0.connection == connection },
                    "slot \(index) is checking, but no check \(id) of connection \(connection) is in flight"
                )
            case .free, .creating:
                break
            }
        }
        var openInSlots = 0
        for connection in slotConnections where open.contains(connection) { openInSlots += 1 }
        try require(
            openInSlots == open.count,
            "open connections \(open.sorted()), the machine keeps \(slotConnections.sorted()) (one leaked)"
        )
        // Each leased, creating and checking slot matched exactly one record above, and the records hold no
        // duplicates: so the records still current are exactly those slots. The stale ones must be closed.
        for holder in holders where !slots.isCurrentLease(holder.lease.id) {
            try require(
                !open.contains(holder.lease.connection),
                "caller \(holder.caller)'s lease \(holder.lease.id) was revoked, its connection is still open"
            )
        }
        for check in checks where !slots.isCurrentCheck(check.id) {
            try require(!open.contains(check.connection), "a check was dropped, its connection is still open")
        }
    }

    /// Shutdown: no waiter, idle connection or attempt after it began; it never stalls; it completes once.
    func checkPhase() throws(ModelViolation) {
        let counts = machine.slots.counts
        switch machine.phase {
        case .running:
            try require(!shutdownCompleted, "shutdownComplete emitted while running")
        case .shuttingDown:
            try require(!shutdownCompleted, "shutdownComplete emitted while still shutting down")
            try require(machine.waiters.isEmpty, "a waiter waits while shutting down")
            try require(counts.idle == 0 && counts.creating == 0, "idle or creating slots while shutting down")
            try require(
                counts.occupied > 0,
                "shutdown stalls: every lease and check came back, the pool is still shutting down "
                    + "and only the deadline (forceClose) would end it"
            )
        case .closed:
            try require(shutdownCompleted, "the pool closed without shutdownComplete")
            try require(counts.occupied == 0 && machine.waiters.isEmpty, "a closed pool holds slots or waiters")
        }
    }

    /// While running: nobody waits beside an idle connection, waiters always have something coming, the
    /// breaker and backoff rules hold, the minimum is kept.
    func checkProgress() throws(ModelViolation) {
        let counts = machine.slots.counts
        let configuration = machine.configuration
        let attempts = machine.attempts
        let waiters = machine.waiters.count
        try require(
            counts.idle == 0 || waiters == 0,
            "\(waiters) waiter(s) wait beside \(counts.idle) idle connection(s)"
        )
        try require(!attempts.isCircuitOpen || waiters == 0, "waiters wait while the breaker is open")
        try require(attempts.retryAt == nil || counts.creating <= 1, "more than one attempt while attempts fail")
        let capped =
            counts.live >= configuration.maximumConnections || counts.creating >= configuration.maxConcurrentCreates
        if let retryAt = attempts.retryAt {
            if waiters > 0 && counts.creating == 0 && !capped {
                try require(
                    retryAt > now && machine.nextWakeup <= retryAt,
                    "waiters wait, no attempt runs and none is scheduled"
                )
            }
        } else {
            try require(
                waiters <= counts.creating || capped,
                "\(waiters) waiter(s) but \(counts.creating) attempt(s), below the maximum: a waiter is stranded"
            )
            try require(
                counts.live >= configuration.minimumConnections || capped,
                "\(counts.live) connection(s), below the minimum \(configuration.minimumConnections), none opening"
            )
        }
    }

    /// `nextWakeup` is after now and no later than the oldest waiter's deadline, and nothing is due before it
    /// (a tick just before it does nothing). With "no waiter is queued past its deadline" after every tick,
    /// this makes "every waiter is resolved by its deadline" inductive.
    func checkWakeup() throws(ModelViolation) {
        let wakeup = machine.nextWakeup
        try require(wakeup > now, "nextWakeup \(wakeup) is not after now \(now): something overdue")
        if let first = waiting.first {
            let deadline = first.since + machine.configuration.acquireTimeout
            try require(wakeup <= deadline, "nextWakeup \(wakeup) is after the oldest waiter's deadline \(deadline)")
        }
        // Scans are due at `nextScanAt` by construction; the other timed work is waiters and retries.
        guard wakeup.nanoseconds > now.nanoseconds + 1, !waiting.isEmpty || machine.attempts.retryAt != nil else {
            return
        }
        var early = machine
        let actions = early.tick(now: MonotonicInstant(nanoseconds: wakeup.nanoseconds - 1))
        try require(actions.isEmpty, "work due before nextWakeup \(wakeup): \(actions.map(describe))")
    }
}
