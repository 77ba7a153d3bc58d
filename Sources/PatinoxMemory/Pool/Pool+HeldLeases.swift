// Fault injection beyond `PoolFaults`: connections taken and held as a leaking caller would hold them.
extension Pool {
    /// Takes `count` connections as a leaking caller would — through ``acquire(file:line:)``, waiting its turn — and
    /// holds them for `duration`, until ``releaseHeldLeases()``, or until the pool closes. The lease inspector shows
    /// them at this file, in the task "fault: hold-leases"; past the leak threshold they raise the leak warning.
    /// A child task of ``run()`` holds them, so it needs the pool running. A shutdown waits for them as for any
    /// lease, up to its deadline.
    public func holdLeases(_ count: Int, for duration: Duration) {
        let release = WakeSignal()
        state.withLockedValue { $0.heldLeaseReleases.append(release) }
        enqueue(.holdLeases(count: max(count, 0), until: clock.now() + duration, release: release))
    }

    /// Gives back every connection ``holdLeases(_:for:)`` holds (those still being acquired as soon as they come).
    public func releaseHeldLeases() {
        let releases = state.withLockedValue { state in
            defer { state.heldLeaseReleases = [] }
            return state.heldLeaseReleases
        }
        for release in releases { release.wake() }
    }

    /// The work of ``holdLeases(_:for:)``: acquire, hold until `end` or `release`, give back.
    func holdLeases(_ count: Int, until end: MonotonicInstant, release: WakeSignal) async {
        var leases: [PoolLease<Connection>] = []
        for _ in 0..<count {
            guard let lease = try? await acquire() else { break }  // timed out, cancelled or closed: hold fewer
            leases.append(lease)
        }
        await release.sleep(until: end, on: clock)
        for lease in leases { self.release(lease) }
        state.withLockedValue { $0.heldLeaseReleases.removeAll { $0 === release } }
    }
}
