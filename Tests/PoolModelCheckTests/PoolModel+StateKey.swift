@testable import PatinoxMemory

/// A state, abstracted to what decides every future step and check, hashed to 128 bits (two independently
/// seeded hashes of the same words: a collision is as likely as a 128-bit one).
struct ModelStateKey: Hashable {
    var first: Int
    var second: Int
}

/// Collects the words of a state key, then hashes them with both seeds.
struct ModelStateHasher {
    var words: [Int] = []

    init() { words.reserveCapacity(64) }

    mutating func put(_ value: Int) { words.append(value) }

    mutating func put(_ flag: Bool) { words.append(flag ? 1 : 0) }

    mutating func put(_ values: [Int]) {
        words.append(values.count)
        words.append(contentsOf: values)
    }

    func finalize() -> ModelStateKey {
        var first = Hasher()
        var second = Hasher()
        first.combine(0x5eed)
        second.combine(0xfeed_f00d)
        words.withUnsafeBytes { bytes in
            first.combine(bytes: bytes)
            second.combine(bytes: bytes)
        }
        return ModelStateKey(first: first.finalize(), second: second.finalize())
    }
}

// What a state key keeps, and what it leaves out:
// - times relative to now, clamped at a horizon beyond every configured duration (past that, no comparison
//   changes any more); now itself is left out, so states an hour apart with the same timings coincide;
// - epochs are left out; each ID the model holds (lease, attempt, check) becomes "current in slot n" or
//   "stale" (epochs only grow, so a stale ID never becomes current again);
// - connection and caller numbers are left out: the agreement invariants pin every open connection to its
//   slot and every waiter to its queue position, so renaming them changes nothing;
// - counters, the random generator (jitter is off), error messages and lease timestamps (no leak threshold)
//   decide nothing and are left out; failures in a row are clamped past the breaker and backoff saturation.
extension PoolModel {
    /// The horizon past which a relative time is clamped: a second beyond the longest configured duration.
    static func horizon(for configuration: PoolConfiguration) -> UInt64 {
        let durations: [Duration?] = [
            configuration.acquireTimeout, configuration.createTimeout, configuration.validateAfterIdle,
            configuration.keepaliveInterval, configuration.idleTimeout, configuration.maxLifetime,
            configuration.housekeepingInterval, configuration.backoff.maximum,
        ]
        return (durations.compactMap { $0?.nanosecondsClamped }.max() ?? 0) + 1_000_000_000
    }

    /// Failures in a row past which the count changes nothing: the breaker has opened and the backoff delay
    /// has reached its maximum.
    static func failureCap(for configuration: PoolConfiguration) -> Int {
        let backoff = configuration.backoff
        let saturation = (1...64).first { backoff.delay(afterFailures: $0) >= backoff.maximum } ?? 64
        return max(configuration.circuitBreakerThreshold ?? 1, saturation) + 1
    }

    /// The canonical key of this state.
    func stateKey() -> ModelStateKey {
        let horizon = keyHorizon
        let cap = keyFailureCap
        func past(_ instant: MonotonicInstant) -> Int {
            let elapsed = now.nanoseconds >= instant.nanoseconds ? now.nanoseconds - instant.nanoseconds : 0
            return Int(min(elapsed, horizon))
        }
        func future(_ instant: MonotonicInstant) -> Int {
            let remaining = instant.nanoseconds > now.nanoseconds ? instant.nanoseconds - now.nanoseconds : 0
            return Int(min(remaining, horizon))
        }
        var hasher = ModelStateHasher()
        let configuration = machine.configuration
        hasher.put(
            [
                [PoolPhase.running, .shuttingDown, .closed].firstIndex(of: machine.phase) ?? -1,
                configuration.minimumConnections, configuration.maximumConnections, configuration.initialConnections,
                machine.startupTarget, future(machine.nextScanAt),
            ]
        )
        switch machine.attempts {
        case .healthy: hasher.put([0])
        case .backingOff(let failures, let retryAt, _): hasher.put([1, min(failures, cap), future(retryAt)])
        case .circuitOpen(let failures, let retryAt, _): hasher.put([2, min(failures, cap), future(retryAt)])
        }
        let slots = machine.slots
        hasher.put(slots.slots.count)
        for slot in slots.slots {
            hasher.put(Int(slot.state.rawValue))
            switch slot.state {
            case .free: continue
            case .creating: hasher.put(past(slot.createdAt))
            case .idle: hasher.put([past(slot.idleSince), future(slot.expiresAt)])
            case .leased, .checking: hasher.put(future(slot.expiresAt))
            }
            hasher.put(slot.retiring)
            hasher.put(slot.closed)
        }
        hasher.put(slots.freeSlots.map { Int($0) })
        hasher.put(slots.idleFromOldest().map { Int($0) })
        hasher.put(waiting.count)
        try? forEachQueued { entry in hasher.put(entry.map { future($0.deadline) } ?? -1) }
        hasher.put(
            holders.map { holder in
                let current = slots.isCurrentLease(holder.lease.id)
                return (current ? Int(holder.lease.id.slot) * 2 : -2) + (holder.validating ? 1 : 0)
            }.sorted()
        )
        hasher.put(creates.map { machine.isPendingCreate($0) ? Int($0.slot) : -1 }.sorted())
        hasher.put(checks.map { slots.isCurrentCheck($0.id) ? Int($0.id.slot) : -1 }.sorted())
        hasher.put(shutdownCompleted)
        return hasher.finalize()
    }
}
