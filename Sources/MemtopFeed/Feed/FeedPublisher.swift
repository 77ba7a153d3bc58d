import Foundation
import Logging
import MemtopSource
import NIOConcurrencyHelpers
import PatinoxMemory
import ServiceLifecycle

/// Publishes an engine to a NATS broker: its snapshot as JSON to `memtop.v1.<name>.snapshot` every
/// interval, its new events to `memtop.v1.<name>.events`, a small ``EngineSummary`` for fleet views to
/// `memtop.v1.summary.<service>.<name>` about every second and at once on a change of health, and answers
/// `ControlCommand` requests on `memtop.v1.<name>.control` — only when the owner allowed control; otherwise
/// with a refusal.
///
/// An event (a resize, a fault, a failed connection) does not wait for the next interval: a fresh snapshot
/// follows within ``eventDelay``, so a remote screen shows it one refresh later at most. Bursts of events
/// are coalesced into one snapshot per ``minimumGap``.
///
/// Every publish runs on one serial queue of its own, one at a time, so snapshots go out in the order they
/// were taken and no event goes out twice; snapshotting and encoding hold no lock and never run on the NATS
/// connection's event loop. A snapshot (or a batch of events) that cannot be encoded or that the client
/// refuses is counted (``publishFailures``, ``lastFailure``), never sent as an empty message.
public final class FeedPublisher: Sendable {
    public let engine: Engine
    public let client: NATSClient
    public let name: String
    /// The service the engine is a replica of: its summaries' subject token (the name when none was given).
    public let service: String
    /// Which replica of the service it is, if the owner said.
    public let instance: String?
    public let interval: Duration
    public let allowControl: Bool
    /// Where every publish runs (see the type's documentation).
    private let queue = DispatchQueue(label: "memtop.feed.publish")
    private let progress = NIOLockedValueBox(Progress())
    /// Used on ``queue`` only (the lock is never contended): it says when a summary is due.
    private let summarizer: NIOLockedValueBox<EngineSummarizer>
    /// Whether an event's snapshot is scheduled, and when the last one went out.
    private let push = NIOLockedValueBox((scheduled: false, lastPush: MonotonicInstant.zero))
    /// What the interval, the event delay and the gap between pushes are measured on.
    private let clock: any MonotonicClock
    /// How long an event waits for others to join it before its snapshot goes out.
    public static let eventDelay = Duration.milliseconds(2)
    /// The least time between two snapshots pushed by events (interval snapshots do not count).
    public static let minimumGap = Duration.milliseconds(50)

    /// - Parameters:
    ///   - name: the engine's name on the feed (one subject token: letters, digits, `-` and `_`).
    ///   - service: the service it is a replica of, for fleet views (default: `name`).
    ///   - instance: which replica (a number, a pod's name), if any.
    ///   - labels: a few labels for fleet views (`version`, `region`; at most ``FleetLimits/maximumLabels``).
    public init(
        engine: Engine,
        client: NATSClient,
        name: String,
        service: String? = nil,
        instance: String? = nil,
        labels: [String: String] = [:],
        interval: Duration = .milliseconds(250),
        allowControl: Bool,
        clock: any MonotonicClock = SystemClock()
    ) throws(PatinoxError) {
        for (role, token) in [("engine name", name), ("service", service ?? name), ("instance", instance ?? "0")]
        where !FeedSubjects.isValidEngineName(token) {
            throw .invalidInput(
                .feed,
                name: token,
                operation: "publish",
                message: "'\(token)' cannot be an \(role) on the feed (it becomes one subject token).",
                hint: "use letters, digits, '-' and '_' only (at most 128)."
            )
        }
        var probe = EngineSummary(
            engine: name,
            service: service ?? name,
            instance: instance,
            takenAt: 0,
            health: .healthy
        )
        probe.labels = labels.isEmpty ? nil : labels
        if let problem = probe.limitProblem() {
            throw .invalidInput(.feed, name: name, operation: "publish", message: problem, hint: "shorten the labels.")
        }
        self.engine = engine
        self.client = client
        self.name = name
        self.service = service ?? name
        self.instance = instance
        summarizer = NIOLockedValueBox(EngineSummarizer(service: service ?? name, instance: instance, labels: labels))
        self.interval = interval
        self.allowControl = allowControl
        self.clock = clock
    }

    /// What has gone out: written on the publishing queue, read from anywhere.
    struct Progress {
        /// The newest event published (its `at`), so the next publish sends only newer ones.
        var lastEvent: UInt64 = 0
        var published = 0
        var failures = 0
        var lastFailure: String?
    }

    /// Snapshots published so far.
    public var published: Int { progress.withLockedValue { $0.published } }
    /// Snapshots, event batches and control replies that could not be published: encoding failed, or the
    /// message was larger than the broker's `max_payload`, or the client had closed. (While the connection is
    /// down the client keeps messages for after the reconnect, and counts what it has to drop itself.)
    public var publishFailures: Int { progress.withLockedValue { $0.failures } }
    /// Why the last failed publish failed, nil when none has.
    public var lastFailure: String? { progress.withLockedValue { $0.lastFailure } }

    /// Answers control requests and publishes every interval until the task is cancelled or, as a service
    /// of a swift-service-lifecycle `ServiceGroup`, the group shuts down gracefully; then it publishes one
    /// last snapshot (so viewers see the final state) and leaves.
    public func run() async {
        let sid = client.subscribe(FeedSubjects.control(name)) { [self] message in answer(message) }
        let observer = engine.addEventObserver { [weak self] _ in self?.eventRecorded() }
        defer {
            engine.removeEventObserver(observer)
            client.unsubscribe(sid)
        }
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                await publishOnce()
                try? await clock.sleep(for: interval)
            }
        }
        await publishOnce()
    }

    /// Schedules one snapshot soon (in a task of its own, never on the thread that recorded the event).
    func eventRecorded() {
        let now = clock.now()
        let delay: Duration? = push.withLockedValue { push in
            guard !push.scheduled else { return nil }
            push.scheduled = true
            return max(Self.eventDelay, now.duration(to: push.lastPush + Self.minimumGap))
        }
        guard let delay else { return }
        Task { [self, clock] in  // one at a time: `scheduled` stays set until it has run
            try? await clock.sleep(for: delay)
            push.withLockedValue {
                $0.scheduled = false
                $0.lastPush = clock.now()
            }
            queue.async { self.publishInOrder() }
        }
    }

    /// Publishes one snapshot and the events since the last one now; returns once it went out (or failed).
    public func publishOnce() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.publishInOrder()
                continuation.resume()
            }
        }
    }

    /// One snapshot, then its new events. Runs on ``queue`` only: that, not a lock, orders the publishes. The
    /// events are a separate message: when they cannot go out the snapshot still does, and they are dropped
    /// (counted), so one oversized batch cannot stop the feed.
    private func publishInOrder() {
        dispatchPrecondition(condition: .onQueue(queue))
        var snapshot = engine.snapshot()
        snapshot.engine = name  // the feed's name, which viewers check against the subject (the engine's may differ)
        do {
            try client.publish(try snapshot.jsonData(), to: FeedSubjects.snapshot(name))
            progress.withLockedValue { $0.published += 1 }
        } catch {
            recordFailure("snapshot of '\(name)' not published: \(error)")
            return
        }
        if let summary = summarizer.withLockedValue({ $0.summaryIfDue(snapshot) }) {
            do {
                try client.publish(try StreamingJSONEncoder().encode(summary), to: summarySubject)
            } catch {
                recordFailure("summary of '\(name)' not published: \(error)")
            }
        }
        let lastEvent = progress.withLockedValue { $0.lastEvent }
        let fresh = snapshot.events.filter { $0.at > lastEvent }
        guard let newest = fresh.last else { return }
        progress.withLockedValue { $0.lastEvent = newest.at }
        do {
            try client.publish(try StreamingJSONEncoder().encode(fresh), to: FeedSubjects.events(name))
        } catch {
            recordFailure("\(fresh.count) event(s) of '\(name)' not published: \(error)")
        }
    }

    /// Where the summaries go.
    public var summarySubject: String { FeedSubjects.summary(service: service, engine: name) }

    private func recordFailure(_ why: String) {
        client.options.logger.warning("\(why)", metadata: ["engine": "\(name)"])
        progress.withLockedValue { progress in
            progress.failures += 1
            progress.lastFailure = why
        }
    }

    func answer(_ message: NATSMessage) {
        guard let replyTo = message.replyTo else { return }
        let reply = Self.reply(
            toControl: message.payload,
            engine: engine,
            allowControl: allowControl,
            sender: "remote (\(replyTo.prefix(24)))"
        )
        do {
            try client.publish(try StreamingJSONEncoder().encode(reply), to: replyTo)
        } catch {
            recordFailure("control reply to \(replyTo) not published: \(error)")
        }
    }

    /// What a publisher answers to a control request whose payload is `payload` (untrusted: any bytes from any
    /// client on the broker): a refusal unless `allowControl`, why the bytes are not a ``ControlCommand``, why
    /// the engine refused it, or what it did.
    /// - Parameter sender: who asked, for the engine's event ("remote (reply subject)").
    public static func reply(
        toControl payload: [UInt8],
        engine: Engine,
        allowControl: Bool,
        sender: String
    ) -> ControlReply {
        guard allowControl else {
            return ControlReply(
                ok: false,
                error: "control refused: engine '\(engine.name)' was published without --allow-control"
            )
        }
        let command: ControlCommand
        do {
            command = try JSONDecoder().decode(ControlCommand.self, from: Data(payload))
        } catch {
            let quoted = String(decoding: payload.prefix(120), as: UTF8.self)
            return ControlReply(ok: false, error: "not a ControlCommand (\(Recording.reason(error))): \(quoted)")
        }
        do throws(PatinoxError) {
            return ControlReply(ok: true, result: try engine.apply(command, sender: sender))
        } catch {
            return ControlReply(ok: false, error: error.message)
        }
    }
}

extension FeedPublisher: Service {}
