import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// Turns SIGINT and SIGTERM into a call of `handler` (on a Dispatch queue) instead of the default exit,
/// so that memtop can restore the terminal or shut its engine down first. Watching stops on `cancel()`
/// or when the value is deallocated.
// SAFETY (@unchecked Sendable): `sources` is set once in init and never changed; Dispatch sources may be
// cancelled from any thread.
public final class TerminationSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    public init(_ handler: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    public func cancel() { sources.forEach { $0.cancel() } }

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
