import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import MemtopSource

@Suite("SIGINT and SIGTERM reach memtop's handlers", .serialized, .timeLimit(.minutes(1)))
struct TerminationSignalsTests {
    @Test("every signal raised reaches the watchers registered then, and none after cancel")
    func everySignalArrives() async throws {
        let seen = NIOLockedValueBox(0)
        let watcher = TerminationSignals { seen.withLockedValue { $0 += 1 } }
        let laterSeen = NIOLockedValueBox(0)
        var later: TerminationSignals? = nil
        for round in 1...40 {
            // From the test's own threads, which the runtime started with other signal masks.
            kill(getpid(), round.isMultiple(of: 2) ? SIGTERM : SIGINT)
            #expect(await eventually { seen.withLockedValue { $0 } == round }, "signal \(round) arrived")
            if round == 20 { later = TerminationSignals { laterSeen.withLockedValue { $0 += 1 } } }
        }
        #expect(laterSeen.withLockedValue { $0 } == 20, "a watcher sees the signals from when it registered")
        later?.cancel()
        kill(getpid(), SIGINT)
        #expect(await eventually { seen.withLockedValue { $0 } == 41 })
        #expect(laterSeen.withLockedValue { $0 } == 20, "a cancelled watcher hears nothing more")
        watcher.cancel()
    }

    @Test("wait() returns at the signal")
    func waitReturns() async throws {
        // Keeps a watcher registered throughout, so a signal sent before wait() registers cannot end the
        // test process by the default disposition.
        let guardWatcher = TerminationSignals {}
        let returned = NIOLockedValueBox(false)
        // Not awaited: if wait() never returned, awaiting it would hang the test run (its continuation
        // does not end on cancellation, so not even the time limit would stop it).
        Task {
            await TerminationSignals.wait()
            returned.withLockedValue { $0 = true }
        }
        // Until wait() has registered, a signal only reaches the guard: send until wait() hears one.
        var sent = 0
        while !returned.withLockedValue({ $0 }), sent < 100 {
            kill(getpid(), SIGTERM)
            sent += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await eventually { returned.withLockedValue { $0 } }, "wait() returned after \(sent) signal(s)")
        guardWatcher.cancel()
    }
}
