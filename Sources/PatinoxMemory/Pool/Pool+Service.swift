import Logging
import ServiceLifecycle

// The pool's run loop and its shutdown. Every background job of the pool — connection attempts, health
// checks, closes, the housekeeping timer, the shutdown deadline — is a child task of `run()`'s task group
// (as in PostgresNIO's `ConnectionPool.run()`), so when `run()` returns nothing of the pool is left running.
extension Pool: Service {
    /// Runs the pool's background work: nothing connects, checks or closes until it runs. Call it once, in
    /// a task of its own or as a service of a swift-service-lifecycle `ServiceGroup`:
    ///
    /// ```swift
    /// let group = ServiceGroup(services: [pool, app], gracefulShutdownSignals: [.sigterm], logger: logger)
    /// try await group.run()
    /// ```
    ///
    /// At the group's graceful shutdown (SIGTERM) it drains the pool: new acquires fail, leases may finish
    /// for ``PoolConfiguration/shutdownDeadline``, the rest are closed by force. When its task is cancelled
    /// instead (a group cancels when a service fails), leases are closed at once. It returns once every
    /// connection is closed — also after a ``shutdown(deadline:)`` from elsewhere. A second call waits for the
    /// first to end.
    ///
    /// Order the group so that the services using the pool come after it: a group shuts its services down
    /// in reverse order, so they stop taking new work before the pool stops leasing.
    public func run() async throws {
        guard claimRunner() == .idle else { return await waitUntilFinished() }
        await runWork(watchingGracefulShutdown: true)
    }

    /// Shuts the pool down: no new leases, waiters fail with ``PatinoxError/Code/poolClosed``, idle
    /// connections close now, leased ones as they come back; at `deadline` whatever is still leased is
    /// closed by force. Returns when everything is closed (and, when no ``run()`` was running, runs the
    /// closes itself). Calling it again waits for the same end.
    public func shutdown(deadline: Duration = .seconds(30)) async {
        startShutdown(deadline: deadline)
        guard claimRunner() == .idle else { return await waitUntilFinished() }
        await runWork(watchingGracefulShutdown: false)
    }

    /// Begins shutting down with `deadline` for the leases; a shorter deadline than one already running
    /// also applies.
    private func startShutdown(deadline: Duration) {
        let (actions, closed) = state.withLockedValue { state in
            (state.machine.beginShutdown(), state.machine.phase == .closed)
        }
        if !closed { enqueue(.forceClose(at: clock.now() + deadline)) }
        perform(actions)
    }

    /// Marks the pool as running and returns what it was before.
    private func claimRunner() -> Runner {
        state.withLockedValue { state in
            defer { if state.runner == .idle { state.runner = .running } }
            return state.runner
        }
    }

    /// The loop: hands each piece of work to a child task until the pool is closed and the queue is empty,
    /// then waits for the children, closes what they opened too late, and wakes whoever waits in
    /// ``shutdown(deadline:)``. Timers (housekeeping, the shutdown deadline, the graceful-shutdown watch) have
    /// a group of their own that is cancelled once the pool is closed; connects, checks and closes are not
    /// cut off.
    private func runWork(watchingGracefulShutdown: Bool) async {
        await withDiscardingTaskGroup { jobs in
            await withDiscardingTaskGroup { timers in
                timers.addTask { await self.housekeep() }
                if watchingGracefulShutdown { timers.addTask { await self.drainOnGracefulShutdown() } }
                while true {
                    let (batch, closed) = takeWork()
                    if batch.isEmpty {
                        if closed { break }
                        await workArrived.waitIgnoringCancellation()
                        continue
                    }
                    for work in batch {
                        switch work {
                        case .forceClose:
                            timers.addTask { await self.execute(work) }
                        case .holdLeases:
                            // A timer too: it ends when the pool closes; named for the lease inspector.
                            timers.addTask(name: "fault: hold-leases") { await self.execute(work) }
                        default:
                            jobs.addTask { await self.execute(work) }
                        }
                    }
                }
                timers.cancelAll()
            }
        }
        await finishRunning()
    }

    /// Waits for the graceful shutdown of the surrounding service group (or the task's cancellation) and
    /// then starts draining the pool.
    private func drainOnGracefulShutdown() async {
        let cancelled: Bool
        do {
            try await gracefulShutdown()
            cancelled = false
        } catch {
            cancelled = true  // gracefulShutdown() throws only when the task is cancelled
        }
        let (closed, deadline) = state.withLockedValue {
            ($0.machine.phase == .closed, $0.machine.configuration.shutdownDeadline)
        }
        if closed { return }  // shut down from elsewhere: run()'s loop cancelled this watch
        logger.info(
            cancelled ? "cancelled: closing the pool now" : "graceful shutdown: draining the pool",
            metadata: ["pool": "\(name)", "leased": "\(status().leased)"]
        )
        startShutdown(deadline: cancelled ? .zero : deadline)
    }

    /// Runs what came after the loop ended (a connection that finished opening after the pool closed is
    /// closed here), marks the pool finished and wakes the waiters.
    private func finishRunning() async {
        while true {
            let leftover = state.withLockedValue { state -> [Work]? in
                guard !state.work.isEmpty else {
                    state.runner = .finished
                    return nil
                }
                defer { state.work.removeAll() }
                return state.work
            }
            guard let leftover else { break }
            for work in leftover {
                switch work {
                case .close(let connection): await factory.close(connection)
                case .validate(_, let answer): answer.answer(false)
                // The pool is closed: nothing to open, nothing left to force, no connection to hold.
                case .create, .forceClose, .holdLeases: break
                }
            }
        }
        let waiters = state.withLockedValue { state in
            defer { state.shutdownWaiters = [] }
            return state.shutdownWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLockedValue { state in
                if state.runner == .finished { return true }
                state.shutdownWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }
}
