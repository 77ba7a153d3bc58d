import ServiceLifecycle

// Faults with a duration end on the engine's clock: `run()` sleeps until the first one is due, and a
// snapshot or a command ends any that are overdue, so an engine nobody runs still ends them when watched.

/// A fault in force on one member, and how long it was asked to last.
struct TimedFault: Sendable {
    var fault: ActiveFault
    var member: Member
    var duration: Duration
}

extension Engine: Service {
    /// Ends each timed fault when its duration is up, until the service group shuts down gracefully or the
    /// task is cancelled. Run it once, beside the components (a `ServiceGroup`, or a task of its own); without
    /// it, faults end at the first ``snapshot()`` or ``apply(_:sender:)`` after their time.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.endFaultsOnTime() }
    }

    private func endFaultsOnTime() async {
        while !Task.isCancelled {
            let next = activeFaults.withLockedValue { $0.map(\.fault.until).min() }
            await faultsChanged.sleep(until: next.map(MonotonicInstant.init) ?? .distantFuture, on: clock)
            endDueFaults()
        }
    }

    /// Ends the faults whose time is up: clears them on their members and records a `fault-cleared` event.
    func endDueFaults() {
        let now = clock.now().nanoseconds
        let due = activeFaults.withLockedValue { faults in
            defer { faults.removeAll { $0.fault.until <= now } }
            return faults.filter { $0.fault.until <= now }
        }
        for timed in due where timed.member.isAlive() {
            let kind = timed.fault.kind
            if kind != .missStorm && kind != .squeeze { _ = try? timed.member.control(.clear(kind)) }
            record(
                component: timed.member.id,
                kind: .faultCleared,
                message: "\(kind.rawValue) ended after \(timed.duration.humanReadable)"
            )
        }
    }
}
