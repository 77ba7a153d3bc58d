// Fault hooks for the engine and chaos tests; housekeeping (Cache+Housekeeping.swift) ends them on time.
extension Cache {
    /// Removes every entry now (the listener sees them as `.removed`).
    public func flush() {
        invalidateAll()
        monitor.record(MonitorEvent(source: component, operation: "flush"))
    }

    /// Makes every read miss for `duration`, as if the cache were cold.
    public func forceMisses(for duration: Duration) {
        forcedMissesUntil.store((clock.now() + duration).nanoseconds, ordering: .relaxed)
        monitor.record(MonitorEvent(source: component, operation: "force-misses", duration: duration))
    }

    /// Shrinks every bound to `fraction` of its configured size for `duration`, evicting down to it;
    /// then the configured bounds come back. Throws for a fraction outside (0, 1].
    public func squeezeCapacity(to fraction: Double, for duration: Duration) throws(PatinoxError) {
        guard fraction > 0 && fraction <= 1 else {
            throw .invalidConfiguration(
                component: .cache,
                name: name,
                operation: "squeeze",
                problem: "fraction \(fraction) is outside (0, 1]",
                hint: "squeeze to a fraction such as 0.5."
            )
        }
        squeezedUntil.store((clock.now() + duration).nanoseconds, ordering: .relaxed)
        setBounds { max(1, Int(Double($0) * fraction)) }
        monitor.record(MonitorEvent(source: component, operation: "squeeze", duration: duration))
    }

    /// Ends any forced misses and squeeze now.
    public func clearFaults() {
        forcedMissesUntil.store(0, ordering: .relaxed)
        clearSqueeze()
    }

    @usableFromInline
    func isForcingMisses() -> Bool {
        let until = forcedMissesUntil.load(ordering: .relaxed)
        guard until != 0 else { return false }
        if clock.now().nanoseconds < until { return true }
        forcedMissesUntil.store(0, ordering: .relaxed)
        return false
    }

    /// Ends a squeeze: the configured bounds come back.
    func clearSqueeze() {
        if squeezedUntil.exchange(0, ordering: .relaxed) != 0 { setBounds { $0 } }
    }
}
