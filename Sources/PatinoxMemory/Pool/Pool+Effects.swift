import Logging
import NIOConcurrencyHelpers

// The effects the state machine asks for, run outside the lock.
extension Pool {
    /// A health check in flight: who waits for its answer and the timer that gives up on it.
    private struct PendingCheck {
        var answer: CheckedContinuation<Bool, Never>?
        var timer: Task<Void, Never>?
    }

    @usableFromInline
    func run(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .lease(let waiter, let lease, let since):
                recordLatency(since: since)
                waiter.resume(returning: lease)
            case .fail(let waiter, let error):
                waiter.resume(throwing: error)
            case .create(let id):
                startCreate(id)
            case .cancelCreate(let id):
                state.withLockedValue { $0.createTasks.removeValue(forKey: id) }?.cancel()
            case .close(let connection, _):
                let factory = factory
                Task { await factory.close(connection) }
            case .check(let id, let connection):
                Task {
                    let healthy = await healthCheck(connection)
                    run(state.withLockedValue { $0.machine.checkFinished(id, healthy: healthy, now: clock.now()) })
                }
            case .event(let event):
                monitor.record(event.monitorEvent(source: component))
                event.log(to: logger, pool: name)
            case .shutdownComplete:
                let (waiters, deadlineTask, sleepTask) = state.withLockedValue { state in
                    defer { state.shutdownWaiters = [] }
                    return (state.shutdownWaiters, state.shutdownDeadlineTask, state.sleepTask)
                }
                deadlineTask?.cancel()
                sleepTask?.cancel()
                for waiter in waiters { waiter.resume() }
            }
        }
        wakeHousekeepingIfEarlier()
    }

    /// The factory's health check, or `false` when it fails by fault or has not answered within
    /// `validationTimeout`. The check runs in a task of its own so that one that ignores cancellation (it
    /// hangs on a dead socket) cannot hold the caller: the caller gets `false` at the deadline, the check is
    /// cancelled, and the connection, now discarded, is closed by the factory — which ends the check.
    @usableFromInline
    func healthCheck(_ connection: Connection) async -> Bool {
        let (failing, timeout) = state.withLockedValue {
            ($0.faults.failHealthChecks, $0.machine.configuration.validationTimeout)
        }
        if failing { return false }
        let factory = factory
        let clock = clock
        let pending = NIOLockedValueBox(PendingCheck())
        @Sendable func finish(_ healthy: Bool) {
            let (answer, timer) = pending.withLockedValue { pending in
                defer { pending = PendingCheck() }
                return (pending.answer, pending.timer)
            }
            timer?.cancel()
            answer?.resume(returning: healthy)
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            pending.withLockedValue { $0.answer = continuation }
            let deadline = clock.now() + timeout
            let check = Task { finish(await factory.validate(connection)) }
            let timer = Task {
                guard (try? await clock.sleep(until: deadline)) != nil else { return }
                finish(false)
                check.cancel()
            }
            let answered = pending.withLockedValue { pending in
                if pending.answer != nil { pending.timer = timer }
                return pending.answer == nil
            }
            if answered { timer.cancel() }
        }
    }

    private func startCreate(_ id: ConnectionID) {
        let task = Task {
            let faults = state.withLockedValue { $0.faults }
            let actions: [Machine.Action]
            do {
                if faults.createLatency > .zero { try await clock.sleep(until: clock.now() + faults.createLatency) }
                if faults.failCreates { throw PatinoxError.injectedCreateFailure(pool: name) }
                let connection = try await factory.makeConnection()
                actions = state.withLockedValue { state in
                    state.createTasks[id] = nil
                    return state.machine.connectionCreated(id, connection, now: clock.now())
                }
            } catch {
                actions = state.withLockedValue { state in
                    state.createTasks[id] = nil
                    return state.machine.createFailed(id, error: error, now: clock.now())
                }
            }
            run(actions)
        }
        state.withLockedValue { state in
            if state.machine.isPendingCreate(id) { state.createTasks[id] = task }
        }
    }

    // MARK: - Housekeeping

    /// One background task sleeps until the machine's next wakeup (the oldest waiter's deadline, the next
    /// scan or the next connection attempt) and then ticks it. It holds the pool weakly.
    func startHousekeeping() {
        let clock = clock
        Task { [weak self] in
            while let sleeper = self?.armHousekeeping() {
                _ = await sleeper.result
                guard let self else { return }
                self.run(self.state.withLockedValue { $0.machine.tick(now: clock.now()) })
                self.sampleIfDue()
            }
        }
    }

    /// Starts the sleep until the next wakeup and remembers it, so a new earlier deadline can cut it short.
    /// Returns `nil` once the pool is closed.
    private func armHousekeeping() -> Task<Void, any Error>? {
        let clock = clock
        return state.withLockedValue { state in
            guard state.machine.phase != .closed else { return nil }
            let wakeup = state.machine.nextWakeup
            state.armedWakeup = wakeup
            let sleeper = Task { try await clock.sleep(until: wakeup) }
            state.sleepTask = sleeper
            return sleeper
        }
    }

    /// Cuts the current sleep short when the machine now needs to wake earlier (a new first waiter,
    /// a backoff that ends sooner).
    private func wakeHousekeepingIfEarlier() {
        let sleeper = state.withLockedValue { state -> Task<Void, any Error>? in
            let wakeup = state.machine.nextWakeup
            guard wakeup < state.armedWakeup else { return nil }
            state.armedWakeup = wakeup
            return state.sleepTask
        }
        sleeper?.cancel()
    }

    private func sampleIfDue() {
        let now = clock.now()
        let due = state.withLockedValue { state in
            guard now >= state.nextSampleAt else { return false }
            state.nextSampleAt = now + .seconds(1)
            return true
        }
        if due { monitor.sample(status().monitorSample) }
    }

    // MARK: - Shutdown

    /// Shuts the pool down: no new leases, waiters fail with ``PatinoxError/Code/poolClosed``, idle
    /// connections close now, leased ones as they come back; at `deadline` whatever is still leased is
    /// closed by force. Returns when everything is closed. Calling it again waits for the same end.
    public func shutdown(deadline: Duration = .seconds(30)) async {
        let actions = state.withLockedValue { $0.machine.beginShutdown() }
        if !actions.isEmpty {
            let deadlineAt = clock.now() + deadline
            let forceTask = Task { [clock] in
                guard (try? await clock.sleep(until: deadlineAt)) != nil else { return }
                self.run(self.state.withLockedValue { $0.machine.forceClose() })
            }
            state.withLockedValue { $0.shutdownDeadlineTask = forceTask }
            run(actions)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = state.withLockedValue { state in
                if state.machine.phase == .closed { return true }
                state.shutdownWaiters.append(continuation)
                return false
            }
            if closed { continuation.resume() }
        }
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
