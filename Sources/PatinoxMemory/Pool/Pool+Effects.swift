import Logging
import NIOConcurrencyHelpers

// The effects the state machine asks for. Those that finish at once (wake a waiter, record an event) run
// here, outside the lock; those that take time (connect, check, close, a deadline) become `Work` for the
// task group of `run()` (Pool+Service.swift), so that no task outlives the pool.
extension Pool {
    /// A piece of background work for `run()`'s task group.
    enum Work: Sendable {
        /// Open a connection for the creating slot; `cancel` gives the attempt up.
        case create(ConnectionID, cancel: WakeSignal)
        case close(Connection)
        /// Health-check a connection and tell `answer` (at the latest at `validationTimeout`).
        case validate(Connection, CheckAnswer)
        /// Close by force whatever shutdown has not drained at this instant.
        case forceClose(at: MonotonicInstant)
        /// Hold `count` leases until `until` or `release` (fault injection: ``Pool/holdLeases(_:for:)``).
        case holdLeases(count: Int, until: MonotonicInstant, release: WakeSignal)
    }

    /// Where the pool's background work stands.
    enum Runner: Sendable {
        /// Nobody runs the work yet: it queues (``Pool/run()`` or ``Pool/shutdown(deadline:)`` picks it up).
        case idle
        case running
        /// `run()` has returned: the pool is closed and nothing of it runs any more.
        case finished
    }

    /// Delivers the first answer of a health check (the check's, or `false` at its deadline); later ones
    /// are dropped.
    final class CheckAnswer: Sendable {
        private let handler: NIOLockedValueBox<(@Sendable (Bool) -> Void)?>

        init(_ handler: @escaping @Sendable (Bool) -> Void) { self.handler = NIOLockedValueBox(handler) }

        func answer(_ healthy: Bool) {
            let handler = handler.withLockedValue { handler in
                defer { handler = nil }
                return handler
            }
            handler?(healthy)
        }
    }

    @usableFromInline
    func perform(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .lease(let waiter, let lease, let since):
                recordLatency(since: since)
                waiter.resume(returning: lease)
            case .fail(let waiter, let error):
                waiter.resume(throwing: error)
            case .create(let id):
                let cancel = WakeSignal()
                state.withLockedValue { $0.createCancels[id] = cancel }
                enqueue(.create(id, cancel: cancel))
            case .cancelCreate(let id):
                state.withLockedValue { $0.createCancels.removeValue(forKey: id) }?.wake()
            case .close(let connection, _):
                enqueue(.close(connection))
            case .check(let id, let connection):
                validate(connection) { healthy in
                    self.perform(
                        self.state.withLockedValue {
                            $0.machine.checkFinished(id, healthy: healthy, now: self.clock.now())
                        }
                    )
                }
            case .event(let event):
                monitor.record(event.monitorEvent(source: component))
                event.log(to: logger, pool: name)
            case .shutdownComplete:
                state.withLockedValue { $0.shutdownDelivered = true }
                workArrived.wake()  // run()'s loop sees the pool closed and ends
                housekeepingWake.wake()
            }
        }
        wakeHousekeepingIfEarlier()
    }

    /// The factory's health check, or `false` when it fails by fault or has not answered within
    /// `validationTimeout`.
    @usableFromInline
    func healthCheck(_ connection: Connection) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            validate(connection) { continuation.resume(returning: $0) }
        }
    }

    /// Starts a health check in `run()`'s group; `answer` is called exactly once.
    private func validate(_ connection: Connection, answer: @escaping @Sendable (Bool) -> Void) {
        if state.withLockedValue({ $0.faults.failHealthChecks }) { return answer(false) }
        enqueue(.validate(connection, CheckAnswer(answer)))
    }

    /// Hands `work` to `run()`. Once `run()` has returned nothing may start: a close is logged as lost (it
    /// cannot happen — the pool is closed when `run()` returns), a check answers `false`.
    func enqueue(_ work: Work) {
        let accepted = state.withLockedValue { state in
            guard state.runner != .finished else { return false }
            state.work.append(work)
            return true
        }
        if accepted { return workArrived.wake() }
        switch work {
        case .validate(_, let answer): answer.answer(false)
        case .close(let connection):
            // Nothing should come this late; if something does, its connection is still closed, not dropped.
            let factory = factory
            Task { await factory.close(connection) }
        case .create, .forceClose, .holdLeases: break
        }
        logger.warning("work arrived after the pool stopped running", metadata: ["pool": "\(name)"])
    }

    /// Takes the work queued so far; an empty batch with `closed` means the pool is done.
    func takeWork() -> (batch: [Work], closed: Bool) {
        state.withLockedValue { state in
            defer { state.work.removeAll(keepingCapacity: true) }
            return (state.work, state.shutdownDelivered)
        }
    }

    // MARK: - The work itself

    /// Runs one piece of work, in a child task of `run()`'s group (or at the end of `run()`).
    func execute(_ work: Work) async {
        switch work {
        case .create(let id, let cancel):
            // The attempt races the cancel signal; whichever ends first cancels the other.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.create(id) }
                group.addTask { await cancel.wait() }
                await group.next()
                group.cancelAll()
            }
        case .close(let connection):
            await factory.close(connection)
        case .validate(let connection, let answer):
            await timedValidation(connection, answer: answer)
        case .forceClose(let deadline):
            try? await clock.sleep(until: deadline)
            // Also when the sleep was cut short: run() was cancelled (close now) or the pool closed (no-op).
            perform(state.withLockedValue { $0.machine.forceClose() })
        case .holdLeases(let count, let end, let release):
            await holdLeases(count, until: end, release: release)
        }
    }

    private func create(_ id: ConnectionID) async {
        let faults = state.withLockedValue { $0.faults }
        let actions: [Machine.Action]
        do {
            if faults.createLatency > .zero { try await clock.sleep(until: clock.now() + faults.createLatency) }
            if faults.failCreates { throw PatinoxError.injectedCreateFailure(pool: name) }
            let connection = try await factory.makeConnection()
            actions = state.withLockedValue { state in
                state.createCancels[id] = nil
                return state.machine.connectionCreated(id, connection, now: clock.now())
            }
        } catch {
            actions = state.withLockedValue { state in
                state.createCancels[id] = nil
                return state.machine.createFailed(id, error: error, now: clock.now())
            }
        }
        perform(actions)
    }

    /// The check races a timer: the first to finish answers. A check that ignores cancellation (it hangs on
    /// a dead socket) keeps only this child task waiting, never the caller: the caller has its `false` at
    /// the deadline, and the connection, now discarded, is closed by the factory — which ends the check.
    private func timedValidation(_ connection: Connection, answer: CheckAnswer) async {
        let deadline = clock.now() + state.withLockedValue { $0.machine.configuration.validationTimeout }
        let factory = factory
        let clock = clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { answer.answer(await factory.validate(connection)) }
            group.addTask {
                try? await clock.sleep(until: deadline)
                answer.answer(false)  // a no-op when the check answered first (and cancelled this sleep)
            }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: - Housekeeping

    /// Sleeps until the machine's next wakeup (the oldest waiter's deadline, the next scan or the next
    /// connection attempt), ticks it, and again, until the pool is closed or `run()` is cancelled.
    func housekeep() async {
        while !Task.isCancelled {
            let wakeup = state.withLockedValue { state -> MonotonicInstant? in
                guard state.machine.phase != .closed else { return nil }
                state.armedWakeup = state.machine.nextWakeup
                return state.armedWakeup
            }
            guard let wakeup else { return }
            await housekeepingWake.sleep(until: wakeup, on: clock)
            perform(state.withLockedValue { $0.machine.tick(now: clock.now()) })
            sampleIfDue()
        }
    }

    /// Cuts the current sleep short when the machine now needs to wake earlier (a new first waiter,
    /// a backoff that ends sooner).
    private func wakeHousekeepingIfEarlier() {
        let earlier = state.withLockedValue { state in
            let wakeup = state.machine.nextWakeup
            guard wakeup < state.armedWakeup else { return false }
            state.armedWakeup = wakeup
            return true
        }
        if earlier { housekeepingWake.wake() }
    }

    private func sampleIfDue() {
        let now = clock.now()
        let due = state.withLockedValue { state in
            guard now >= state.nextSampleAt else { return false }
            state.nextSampleAt = now + .seconds(1)
            return true
        }
        if due { monitor.sample(status(includingLeases: false).monitorSample) }
    }
}

extension PatinoxError {
    static func injectedCreateFailure(pool: String) -> PatinoxError {
        PatinoxError(
            code: .connectionFailed,
            context: ErrorContext(component: .pool, name: pool, operation: "create"),
            message: "fault injected: connection attempts are set to fail.",
            recovery: .reconfigure(hint: "clear the pool's failCreates fault to let connections open again.")
        )
    }
}
