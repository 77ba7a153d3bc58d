// The background task that sweeps expired entries, ends faults whose time is up and samples the cache.
extension Cache {
    /// A background task, holding the cache weakly, that sweeps expired entries, ends faults whose
    /// time is up and sends a sample to the monitor every `interval`.
    func startHousekeeping(every interval: Duration) {
        let clock = clock
        Task { [weak self] in
            while true {
                guard (try? await clock.sleep(until: clock.now() + interval)) != nil, let self else { return }
                self.housekeep()
            }
        }
    }

    func housekeep() {
        let now = clock.now().nanoseconds
        let squeeze = squeezedUntil.load(ordering: .relaxed)
        if squeeze != 0 && now >= squeeze { clearSqueeze() }
        _ = isForcingMisses()
        if expires.load(ordering: .relaxed) { cleanUp() }
        monitor.sample(status().monitorSample)
    }
}
