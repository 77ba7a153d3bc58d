import Foundation
import MemtopSource
import NIOConcurrencyHelpers
import NIOCore
import PatinoxMemory

/// Publishes an engine to a NATS broker: its snapshot as JSON to `memtop.v1.<name>.snapshot` every
/// interval, its new events to `memtop.v1.<name>.events`, and answers `ControlCommand` requests on
/// `memtop.v1.<name>.control` — only when the owner allowed control; otherwise with a refusal.
///
/// An event (a resize, a fault, a failed connection) does not wait for the next interval: a fresh snapshot
/// follows within ``eventDelay``, so a remote screen shows it one refresh later at most. Bursts of events
/// are coalesced into one snapshot per ``minimumGap``.
public final class FeedPublisher: Sendable {
    public let engine: Engine
    public let client: NATSClient
    public let name: String
    public let interval: Duration
    public let allowControl: Bool
    private let failures = NIOLockedValueBox(0)
    /// The newest event published; its lock also serializes publishes from the interval loop and from
    /// event pushes, so no event goes out twice.
    private let lastEventPublished = NIOLockedValueBox<UInt64>(0)
    /// Whether an event's snapshot is scheduled, and when the last one went out.
    private let push = NIOLockedValueBox((scheduled: false, lastPush: NIODeadline.uptimeNanoseconds(0)))
    /// How long an event waits for others to join it before its snapshot goes out.
    public static let eventDelay = TimeAmount.milliseconds(2)
    /// The least time between two snapshots pushed by events (interval snapshots do not count).
    public static let minimumGap = TimeAmount.milliseconds(50)

    public init(
        engine: Engine,
        client: NATSClient,
        name: String,
        interval: Duration = .milliseconds(250),
        allowControl: Bool
    ) throws(PatinoxError) {
        guard FeedSubjects.isValidEngineName(name) else {
            throw .invalidInput(
                .feed,
                name: name,
                operation: "publish",
                message: "'\(name)' cannot be an engine name on the feed (it becomes one subject token).",
                hint: "use letters, digits, '-' and '_' only."
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
        let observer = engine.addEventObserver { [weak self] _ in self?.eventRecorded() }
        defer {
            engine.removeEventObserver(observer)
            client.unsubscribe(sid)
        }
        while !Task.isCancelled {
            publishOnce()
            try? await Task.sleep(for: interval)
        }
    }

    /// Schedules one snapshot soon (on an event loop thread, never on the thread that recorded the event).
    func eventRecorded() {
        let delay: TimeAmount? = push.withLockedValue { push in
            guard !push.scheduled else { return nil }
            push.scheduled = true
            let gapEnds = push.lastPush + Self.minimumGap - .now()
            return max(Self.eventDelay, TimeAmount.nanoseconds(gapEnds.nanoseconds))
        }
        guard let delay else { return }
        client.group.next().scheduleTask(in: delay) { [self] in
            push.withLockedValue {
                $0.scheduled = false
                $0.lastPush = .now()
            }
            publishOnce()
        }
    }

    /// One snapshot and the events since the last one.
    public func publishOnce() {
        lastEventPublished.withLockedValue { lastEvent in
            let snapshot = engine.snapshot()
            do {
                try client.publish(try snapshot.jsonData(), to: FeedSubjects.snapshot(name))
                let fresh = snapshot.events.filter { $0.at > lastEvent }
                if let newest = fresh.last {
                    try client.publish(try StreamingJSONEncoder().encode(fresh), to: FeedSubjects.events(name))
                    lastEvent = newest.at
                }
            } catch {
                failures.withLockedValue { $0 += 1 }
            }
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
