import Foundation
import MemtopSource
import NIOConcurrencyHelpers
import PatinoxMemory

/// The engines on a broker. It hears the fleet by the engines' summaries (``EngineSummary``, about one a
/// second each) and subscribes to the full snapshots of only the engine it draws, moving that subscription
/// as the user switches engines, so NATS routes it no other engine's snapshots; control by request/reply.
/// With ``Discovery/snapshots`` it hears engines by their snapshots instead, as viewers before summaries did
/// (publishers older than summaries send none). Malformed, oversized or wrong-version messages are counted
/// and reported in the header, never passed on. With a ``RecordingWriter`` every accepted snapshot of the
/// drawn engine is also appended to a recording.
public final class RemoteSource: TelemetrySource {
    /// How the source learns which engines the broker carries.
    public enum Discovery: Hashable, Sendable {
        /// By summaries (`memtop.v1.summary.<service>.<engine>`): every service's, or one service's.
        case summaries(service: String?)
        /// By every engine's snapshots (`memtop.v1.*.snapshot`): no summaries, every snapshot received.
        case snapshots
    }

    public let discovery: Discovery

    /// What the broker has sent this source: what routing by interest saves shows here.
    public struct Traffic: Hashable, Sendable {
        public var snapshots = 0
        public var summaries = 0
        /// Payload bytes of both.
        public var bytes = 0
    }

    /// Messages and bytes received so far.
    public var traffic: Traffic { state.withLockedValue { $0.traffic } }
    public let info: SourceInfo
    let client: NATSClient
    let timeout: Duration
    let recorder: RecordingWriter?
    /// Whether the recorder also gets every accepted summary (a fleet recording).
    let recordsFleet: Bool
    private let state = NIOLockedValueBox(State())
    private let clock: any MonotonicClock
    private let started: MonotonicInstant

    struct State {
        var engine: String?
        /// The subscription to the drawn engine's snapshots (summaries discovery only).
        var drawnSubscription: Int?
        var latest: EngineSnapshot?
        var roster = EngineRoster()
        var rejected = 0
        /// The engine and the reason of the last reject.
        var lastReject: (engine: String, problem: String)?
        var traffic = Traffic()
        var rejectedSummaries = 0
        var lastSummaryReject: (engine: String, problem: String)?
    }

    /// - Parameters:
    ///   - engine: the engine to draw; nil to draw none until ``select(engine:)`` (the picker).
    ///   - discovery: how engines are found (summaries of every service by default).
    ///   - recorder: where accepted snapshots of the drawn engine are recorded, if anywhere.
    ///   - recordsFleet: whether the recorder also gets every accepted summary (`memtop record --fleet`).
    ///   - clock: the time arrivals, rates and silences are measured on (the system's by default).
    public init(
        client: NATSClient,
        engine: String?,
        discovery: Discovery = .summaries(service: nil),
        timeout: Duration = .seconds(2),
        recorder: RecordingWriter? = nil,
        recordsFleet: Bool = false,
        clock: any MonotonicClock = SystemClock()
    ) {
        self.recordsFleet = recordsFleet
        self.client = client
        self.clock = clock
        started = clock.now()
        self.timeout = timeout
        self.recorder = recorder
        self.discovery = discovery
        info = SourceInfo(kind: .remote, detail: client.options.url)
        switch discovery {
        case .summaries(let service):
            client.subscribe(FeedSubjects.summaries(service: service)) { [self] message in receiveSummary(message) }
            if let engine { select(engine: engine) }
        case .snapshots:
            state.withLockedValue { $0.engine = engine }
            client.subscribe(FeedSubjects.allSnapshots) { [self] message in receive(message) }
        }
    }

    private var elapsed: Duration { clock.now() - started }

    func receive(_ message: NATSMessage) {
        guard let name = FeedSubjects.engine(in: message.subject) else { return }
        let now = elapsed
        let hearsBySnapshots = discovery == .snapshots
        let drawn = state.withLockedValue { state -> Bool in
            state.traffic.snapshots += 1
            state.traffic.bytes += message.payload.count
            if hearsBySnapshots { state.roster.hear(name, bytes: message.payload.count, at: now) }
            return state.engine == name
        }
        guard drawn else { return }
        switch Self.decodeSnapshot(message.payload, engine: name) {
        case .success(let snapshot):
            state.withLockedValue { if $0.engine == name { $0.latest = snapshot } }
            recorder?.append(snapshotJSON: message.payload, snapshot: snapshot)
        case .failure(let problem):
            state.withLockedValue {
                $0.rejected += 1
                $0.lastReject = (name, problem.message)
            }
        }
    }

    func receiveSummary(_ message: NATSMessage) {
        guard let (service, name) = FeedSubjects.summaryTokens(in: message.subject) else { return }
        let now = elapsed
        let bytes = message.payload.count
        // Decoded and boxed before the lock, which is then taken once: ten thousand of these a second.
        let decoded = Self.decodeSummary(message.payload, service: service, engine: name)
        let shared = try? SharedSummary(decoded.get())
        state.withLockedValue {
            $0.traffic.summaries += 1
            $0.traffic.bytes += bytes
            if let shared {
                $0.roster.hear(name, bytes: bytes, at: now, summary: shared)
            } else if case .failure(let problem) = decoded {
                $0.rejectedSummaries += 1
                $0.lastSummaryReject = (name, problem.message)
            }
        }
        if recordsFleet, let shared { recorder?.append(summaryJSON: message.payload, summary: shared.summary) }
    }

    /// A summary in the current version and within ``FleetLimits`` (of `engine` of `service`, when given: the
    /// tokens of the subject it came on), or why the payload is not one.
    public static func decodeSummary(
        _ payload: [UInt8],
        service: String? = nil,
        engine: String? = nil
    ) -> Result<EngineSummary, PatinoxError> {
        func failure(_ message: String) -> Result<EngineSummary, PatinoxError> {
            .failure(
                .invalidInput(
                    .feed,
                    name: "summary",
                    operation: "decode",
                    message: message,
                    hint: "check the publisher's version (docs/FEED.md, Summaries)."
                )
            )
        }
        guard payload.count <= FleetLimits.maximumBytes else {
            return failure("\(payload.count) bytes, more than \(FleetLimits.maximumBytes)")
        }
        // The publishers' own shape is read directly; anything else (escapes, other key orders of nesting…) by
        // JSONDecoder, which has the last word on what is JSON.
        guard
            let summary = EngineSummary.read(payload)
                ?? (try? JSONDecoder().decode(EngineSummary.self, from: Data(payload)))
        else {
            return failure("not a summary (\(payload.count) bytes)")
        }
        guard summary.summaryVersion == EngineSummary.currentSummaryVersion else {
            return failure("summary version \(summary.summaryVersion), expected \(EngineSummary.currentSummaryVersion)")
        }
        if let problem = summary.limitProblem(expectedEngine: engine, expectedService: service) {
            return failure(problem)
        }
        return .success(summary)
    }

    /// A snapshot in the current schema and within ``SnapshotLimits`` (of `engine`, when given: the engine its
    /// subject names), or why the payload is not one.
    public static func decodeSnapshot(_ payload: [UInt8], engine: String? = nil) -> Result<EngineSnapshot, PatinoxError>
    {
        func failure(_ message: String) -> Result<EngineSnapshot, PatinoxError> {
            .failure(
                .invalidInput(
                    .feed,
                    name: "snapshot",
                    operation: "decode",
                    message: message,
                    hint: "check the publisher's version (docs/FEED.md)."
                )
            )
        }
        guard let snapshot = try? JSONDecoder().decode(EngineSnapshot.self, from: Data(payload)) else {
            return failure("not a snapshot (\(payload.count) bytes)")
        }
        guard snapshot.schemaVersion == EngineSnapshot.currentSchemaVersion else {
            return failure("schema version \(snapshot.schemaVersion), expected \(EngineSnapshot.currentSchemaVersion)")
        }
        if let problem = snapshot.limitProblem(expectedEngine: engine) { return failure(problem) }
        return .success(snapshot)
    }

    /// The engine drawn, if one is.
    public var engine: String? { state.withLockedValue { $0.engine } }

    public func latest() -> EngineSnapshot? { state.withLockedValue { $0.latest } }

    public func engines() -> [EngineListing]? {
        let now = elapsed
        let listing = state.withLockedValue { $0.roster.listing(at: now) }  // resets `healthChanged`
        return listing.sorted { $0.name < $1.name }  // outside the lock the receive path takes
    }

    public func fleetHealthChanged() -> Bool { state.withLockedValue { $0.roster.healthChanged } }

    /// Engine names dropped because the roster was full (``EngineRoster/capacity``).
    public var droppedEngines: Int { state.withLockedValue { $0.roster.dropped } }

    /// Draws `engine`: with summaries discovery, subscribes to its snapshots and drops the subscription to the
    /// engine drawn before, so the broker sends this viewer one engine's snapshots at a time.
    public func select(engine: String) {
        let old = state.withLockedValue { state -> Int? in
            defer { state.drawnSubscription = nil }
            state.engine = engine
            state.latest = nil
            return state.drawnSubscription
        }
        if let old { client.unsubscribe(old) }
        guard discovery != .snapshots, FeedSubjects.isValidEngineName(engine) else { return }
        let sid = client.subscribe(FeedSubjects.snapshot(engine)) { [self] message in receive(message) }
        let superseded = state.withLockedValue { state -> Int? in
            guard state.engine == engine, state.drawnSubscription == nil else { return sid }  // another select won
            state.drawnSubscription = sid
            return nil
        }
        if let superseded { client.unsubscribe(superseded) }
    }

    public func send(_ command: ControlCommand, reply: @escaping @Sendable (Result<String, PatinoxError>) -> Void) {
        guard let engine else {
            reply(.failure(client.feedError("control", "no engine is drawn", hint: "pick one with e.")))
            return
        }
        let client = client
        let subject = FeedSubjects.control(engine)
        let timeout = timeout
        Task {
            do throws(PatinoxError) {
                let payload = (try? StreamingJSONEncoder().encode(command)) ?? []
                let message = try await client.request(payload, to: subject, timeout: timeout)
                guard let answer = try? JSONDecoder().decode(ControlReply.self, from: Data(message.payload)) else {
                    throw client.feedError(
                        "control",
                        "the engine's reply is not a ControlReply",
                        hint: "check its version."
                    )
                }
                if answer.ok {
                    reply(.success(answer.result ?? "done"))
                } else {
                    throw client.feedError("control", answer.error ?? "refused", hint: "see the engine's owner.")
                }
            } catch {
                reply(.failure(error))
            }
        }
    }

    public func server() -> String? { client.serverURL }

    public func status() -> String? {
        var parts: [String] = []
        if case .reconnecting(let attempt, let error) = client.connectionState {
            parts.append(
                "RECONNECTING to \(client.serverURL) (attempt \(attempt), retrying within "
                    + "\(client.options.maximumReconnectDelay)): \(error)"
            )
        }
        if let error = client.lastServerError { parts.append("broker: \(error)") }
        let (rejected, last, dropped) = state.withLockedValue { ($0.rejected, $0.lastReject, $0.roster.dropped) }
        if rejected > 0, let last {
            parts.append("rejected \(rejected) snapshot(s), the last from \(last.engine): \(last.problem)")
        }
        let (summaries, lastSummary) = state.withLockedValue { ($0.rejectedSummaries, $0.lastSummaryReject) }
        if summaries > 0, let lastSummary {
            parts.append(
                "rejected \(summaries) summar\(summaries == 1 ? "y" : "ies"), the last from \(lastSummary.engine): "
                    + lastSummary.problem
            )
        }
        if dropped > 0 { parts.append("\(dropped) engine name(s) dropped: over \(EngineRoster.capacity) heard") }
        if let recorder, case let failures = recorder.written.failures, failures > 0 {
            parts.append("recording to \(recorder.path): \(failures) frame(s) could not be written")
        }
        if let recorder, case let dropped = recorder.dropped, dropped > 0 {
            parts.append("recording to \(recorder.path): \(dropped) frame(s) dropped, the disk fell behind")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// Waits up to `seconds` for engines to be heard; returns them (empty when none spoke up).
    public func waitForEngines(upTo seconds: Double) async -> [String] {
        let deadline = clock.now() + .milliseconds(Int(min(max(seconds, 0), 86_400) * 1000))
        while clock.now() < deadline {
            if let heard = engines(), !heard.isEmpty {
                // Give the others a moment to speak up: one summary interval (a snapshot interval without them).
                let moment = discovery == .snapshots ? Duration.milliseconds(300) : EngineSummarizer.interval
                try? await clock.sleep(for: moment + .milliseconds(100))
                break
            }
            try? await clock.sleep(for: .milliseconds(50))
        }
        return (engines() ?? []).map(\.name)
    }
}
