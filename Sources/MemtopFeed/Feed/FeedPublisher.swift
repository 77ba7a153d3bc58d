import Foundation
import NIOConcurrencyHelpers
import PatinoxMemory

/// Publishes an engine to a NATS broker: its snapshot as JSON to `memtop.v1.<name>.snapshot` every
/// interval, its new events to `memtop.v1.<name>.events`, and answers `ControlCommand` requests on
/// `memtop.v1.<name>.control` — only when the owner allowed control; otherwise with a refusal.
public final class FeedPublisher: Sendable {
    public let engine: Engine
    public let client: NATSClient
    public let name: String
    public let interval: Duration
    public let allowControl: Bool
    private let lastEvent = NIOLockedValueBox<UInt64>(0)
    private let failures = NIOLockedValueBox(0)

    public init(
        engine: Engine,
        client: NATSClient,
        name: String,
        interval: Duration = .milliseconds(250),
        allowControl: Bool
    ) throws(PatinoxError) {
        guard FeedSubjects.isValidEngineName(name) else {
            throw PatinoxError(
                code: .invalidInput,
                context: ErrorContext(component: .feed, name: name, operation: "publish"),
                message: "'\(name)' cannot be an engine name on the feed (it becomes one subject token).",
                recovery: .reconfigure(hint: "use letters, digits, '-' and '_' only.")
            )
        }
        self.engine = engine
        self.client = client
        self.name = name
        self.interval = interval
        self.allowControl = allowControl
    }

    /// Snapshots that could not be published (too large, encoding failed).
    public var publishFailures: Int { failures.withLockedValue { $0 } }

    /// Answers control requests and publishes every interval until the task is cancelled.
    public func run() async {
        let sid = client.subscribe(FeedSubjects.control(name)) { [self] message in answer(message) }
        defer { client.unsubscribe(sid) }
        while !Task.isCancelled {
            publishOnce()
            try? await Task.sleep(for: interval)
        }
    }

    /// One snapshot and the events since the last one.
    public func publishOnce() {
        let snapshot = engine.snapshot()
        do {
            try client.publish(try snapshot.jsonData(), to: FeedSubjects.snapshot(name))
            let since = lastEvent.withLockedValue { $0 }
            let fresh = snapshot.events.filter { $0.at > since }
            if let newest = fresh.last {
                try client.publish(try StreamingJSONEncoder().encode(fresh), to: FeedSubjects.events(name))
                lastEvent.withLockedValue { $0 = newest.at }
            }
        } catch {
            failures.withLockedValue { $0 += 1 }
        }
    }

    func answer(_ message: NATSMessage) {
        guard let replyTo = message.replyTo else { return }
        let reply: ControlReply
        if !allowControl {
            reply = ControlReply(
                ok: false,
                error: "control refused: engine '\(name)' was published without --allow-control"
            )
        } else if let command = try? JSONDecoder().decode(ControlCommand.self, from: Data(message.payload)) {
            do throws(PatinoxError) {
                reply = ControlReply(
                    ok: true,
                    result: try engine.apply(command, sender: "remote (\(replyTo.prefix(24)))")
                )
            } catch {
                reply = ControlReply(ok: false, error: error.message)
            }
        } else {
            reply = ControlReply(
                ok: false,
                error: "not a ControlCommand: \(String(decoding: message.payload.prefix(120), as: UTF8.self))"
            )
        }
        try? client.publish((try? StreamingJSONEncoder().encode(reply)) ?? [], to: replyTo)
    }
}
