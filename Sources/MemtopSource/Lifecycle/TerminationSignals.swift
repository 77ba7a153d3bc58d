import CPatinoxShims
import Foundation
import NIOConcurrencyHelpers

/// Turns SIGINT and SIGTERM into a call of `handler` (on a watcher thread) instead of the default exit,
/// so that memtop can restore the terminal or shut its engine down first. Watching stops on `cancel()`
/// or when the value is deallocated; a signal that arrives while nothing watches ends the process as
/// it would by default.
///
/// The signal handler itself only writes the signal's number to a pipe that the watcher thread reads,
/// so a signal is seen whichever thread the kernel delivers it to. (Dispatch signal sources, used before,
/// lost signals on Linux; `TerminationSignalsTests` fails against them.)
public final class TerminationSignals: Sendable {
    private let id: Int

    public init(_ handler: @escaping @Sendable () -> Void) {
        id = SignalWatcher.shared.add(handler)
    }

    public func cancel() { SignalWatcher.shared.remove(id) }

    deinit { cancel() }

    /// Returns when SIGINT or SIGTERM arrives.
    public static func wait() async {
        let once = NIOLockedValueBox(false)
        var watch: TerminationSignals?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            watch = TerminationSignals {
                let first = once.withLockedValue { fired in
                    defer { fired = true }; return !fired
                }
                if first { continuation.resume() }
            }
        }
        watch?.cancel()
    }
}

/// The one reader of the signal pipe: a thread that blocks on it and calls the handlers registered now.
/// Created (handlers installed, thread started) the first time a ``TerminationSignals`` is.
private final class SignalWatcher: Sendable {
    static let shared = SignalWatcher()

    private struct Handlers {
        var nextID = 0
        var byID: [Int: @Sendable () -> Void] = [:]
    }
    private let handlers = NIOLockedValueBox(Handlers())

    private init() {
        let descriptor = patinox_termination_signal_pipe()
        guard descriptor >= 0 else {
            // Without the pipe the default disposition stays: a signal still ends memtop, only less gently.
            Self.warn("cannot watch SIGINT/SIGTERM (\(String(cString: strerror(errno))))")
            return
        }
        Thread.detachNewThread { [self] in watch(descriptor) }
    }

    func add(_ handler: @escaping @Sendable () -> Void) -> Int {
        handlers.withLockedValue { handlers in
            defer { handlers.nextID += 1 }
            handlers.byID[handlers.nextID] = handler
            return handlers.nextID
        }
    }

    func remove(_ id: Int) { handlers.withLockedValue { _ = $0.byID.removeValue(forKey: id) } }

    /// Runs on the watcher thread for the life of the process.
    private func watch(_ descriptor: Int32) {
        Thread.current.name = "memtop-signals"
        // Threads started from Dispatch workers inherit a mask that blocks these signals; this one takes
        // them, so a signal always has a thread to land on (besides the main thread).
        var watched = sigset_t()
        sigemptyset(&watched)
        sigaddset(&watched, SIGINT)
        sigaddset(&watched, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &watched, nil)
        var number: UInt8 = 0
        while true {
            let count = read(descriptor, &number, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else {
                Self.warn(
                    "stopped watching SIGINT/SIGTERM (reading the signal pipe: \(String(cString: strerror(errno))))"
                )
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
                return
            }
            deliver(Int32(number))
        }
    }

    private static func warn(_ what: String) {
        let advice = "Ctrl-C will end memtop without restoring the terminal; run `reset` if it is left garbled"
        FileHandle.standardError.write(Data("memtop: \(what). \(advice).\n".utf8))
    }

    private func deliver(_ number: Int32) {
        let current = handlers.withLockedValue { Array($0.byID.values) }
        guard !current.isEmpty else {
            // Nobody is watching: behave as the default disposition would.
            signal(number, SIG_DFL)
            kill(getpid(), number)
            return
        }
        current.forEach { $0() }
    }
}
