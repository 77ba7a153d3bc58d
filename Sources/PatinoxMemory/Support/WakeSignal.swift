import NIOConcurrencyHelpers

/// A wake-up call between tasks, for the structured background work of the pool and the engine: one side
/// waits (or sleeps until a deadline), the other cuts the wait short with ``wake()``.
///
/// A wake with nobody waiting is kept, so the next wait returns at once: a waker never has to know whether
/// the waiter has started waiting yet. Waits also end when their task is cancelled.
final class WakeSignal: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case woken

        var isWaiting: Bool {
            if case .waiting = self { return true }
            return false
        }
    }
    private let state = NIOLockedValueBox(State.idle)

    init() {}

    /// Wakes the waiting task, or the next one to wait.
    func wake() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            defer { state = state.isWaiting ? .idle : .woken }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }

    /// Returns after a ``wake()`` (at once when one came while nobody waited) or when the task is cancelled.
    /// One task waits at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await suspend(endingOnCancellation: true)
        } onCancel: {
            let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let continuation) = state else { return nil }
                state = .idle
                return continuation
            }
            waiter?.resume()
        }
    }

    /// Returns after a ``wake()`` only, also in a cancelled task: for a loop that must go on handing out work
    /// while its task is cancelled (a cancelled pool still closes its connections).
    func waitIgnoringCancellation() async {
        await suspend(endingOnCancellation: false)
    }

    private func suspend(endingOnCancellation: Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if case .woken = state {
                    state = .idle
                    return true
                }
                // A cancellation handler that ran before the continuation existed found nothing to resume.
                if endingOnCancellation && Task.isCancelled { return true }
                state = .waiting(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Sleeps on `clock` until `deadline`, a ``wake()`` or the task's cancellation, whichever comes first.
    /// The sleep and the wait are child tasks: nothing is left running when this returns.
    func sleep(until deadline: MonotonicInstant, on clock: any MonotonicClock) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: deadline) }
            group.addTask { await self.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
