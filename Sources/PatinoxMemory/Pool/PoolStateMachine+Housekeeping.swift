// Timed work: waiter deadlines, connection attempts that hang, idle timeout, keepalive, lifetime, leaks.
extension PoolStateMachine {
    /// Runs everything due at `time`. The shell calls it when ``nextWakeup`` comes.
    mutating func tick(now time: MonotonicInstant) -> [Action] {
        advance(to: time)
        var actions: [Action] = []
        expireWaiters(into: &actions)
        if now >= nextScanAt {
            nextScanAt = now + configuration.housekeepingInterval
            scanCreating(into: &actions)
            scanIdle(into: &actions)
            scanLeased(into: &actions)
        }
        planCreates(into: &actions)
        return actions
    }

    /// Fails the waiters whose deadline has passed; they are the oldest, so they sit at the front.
    private mutating func expireWaiters(into actions: inout [Action]) {
        while let first = waiters.first, first.deadline <= now {
            _ = waiters.popFirst()
            counters.timedOut += 1
            let error = PatinoxError.acquireTimeout(
                pool: name,
                waited: now - first.enqueuedAt,
                leased: slots.counts.leased,
                maximum: configuration.maximumConnections,
                waiters: waiters.count,
                lastCreateFailure: attempts.lastError
            )
            actions.append(.fail(first.payload, error))
            actions.append(.event(.acquireTimedOut))
        }
    }

    private mutating func scanCreating(into actions: inout [Action]) {
        for index in slots.indices(in: .creating) where slots[index].createdAt + configuration.createTimeout <= now {
            let id = ConnectionID(slot: index, epoch: slots[index].epoch)
            _ = slots.free(index)
            actions.append(.cancelCreate(id))
            let error = PatinoxError.createTimedOut(
                pool: name,
                after: configuration.createTimeout,
                attempt: attempts.failures + 1
            )
            recordCreateFailure(error, into: &actions)
        }
    }

    private mutating func scanIdle(into actions: inout [Action]) {
        for index in slots.idleFromOldest() {
            let slot = slots[index]
            let idleFor = now - slot.idleSince
            if slot.expiresAt <= now {
                close(index, reason: .lifetimeExpired, into: &actions)
            } else if let timeout = configuration.idleTimeout, idleFor >= timeout,
                slots.counts.live > configuration.minimumConnections
            {
                close(index, reason: .idleTimeout, into: &actions)
            } else if let interval = configuration.keepaliveInterval, idleFor >= interval {
                // An idle slot holds its connection; one that does not is freed (and replaced) instead.
                guard let connection = slots.connection(at: index) else {
                    _ = slots.free(index)
                    continue
                }
                slots.startCheck(index)
                actions.append(.check(ConnectionID(slot: index, epoch: slot.epoch), connection))
            }
        }
    }

    private mutating func scanLeased(into actions: inout [Action]) {
        for index in slots.indices(in: .leased) {
            let slot = slots[index]
            if slot.expiresAt <= now { slots.markRetiring(index) }
            if let threshold = configuration.leakThreshold, !slot.leakReported, now - slot.leasedAt >= threshold {
                slots[index].leakReported = true
                counters.leaks += 1
                actions.append(
                    .event(.leakDetected(ConnectionID(slot: index, epoch: slot.epoch), heldFor: now - slot.leasedAt))
                )
            }
        }
    }
}
