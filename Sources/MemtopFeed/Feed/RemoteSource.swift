import Foundation
import MemtopUI
import NIOConcurrencyHelpers
import PatinoxMemory

/// A remote engine seen through the broker: the newest snapshot from its subject, control by
/// request/reply. Malformed, oversized or wrong-version messages are counted and reported in the header,
/// never passed on.
public final class RemoteSource: TelemetrySource {
    public let info: SourceInfo
    let client: NATSClient
    let engine: String
    let timeout: Duration
    private let state = NIOLockedValueBox(State())

    struct State {
        var latest: EngineSnapshot?
        var rejected = 0
        var lastProblem: String?
    }

    public init(client: NATSClient, engine: String, timeout: Duration = .seconds(2)) {
        self.client = client
        self.engine = engine
        self.timeout = timeout
        info = SourceInfo(kind: .remote, detail: "\(client.options.url) \(engine)")
        client.subscribe(FeedSubjects.snapshot(engine)) { [state] message in
            let problem: String?
            if let snapshot = try? JSONDecoder().decode(EngineSnapshot.self, from: Data(message.payload)) {
                problem =
                    snapshot.schemaVersion == EngineSnapshot.currentSchemaVersion
                    ? nil : "schema version \(snapshot.schemaVersion), expected \(EngineSnapshot.currentSchemaVersion)"
                if problem == nil { state.withLockedValue { $0.latest = snapshot } }
            } else {
                problem = "not a snapshot (\(message.payload.count) bytes)"
            }
            if let problem {
                state.withLockedValue {
                    $0.rejected += 1
                    $0.lastProblem = problem
                }
            }
        }
    }

    public func latest() -> EngineSnapshot? { state.withLockedValue { $0.latest } }

    public func send(_ command: ControlCommand, reply: @escaping @Sendable (Result<String, PatinoxError>) -> Void) {
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

    public func status() -> String? {
        var parts: [String] = []
        if case .reconnecting(let attempt, let error) = client.connectionState {
            parts.append(
                "RECONNECTING (attempt \(attempt), retrying within \(client.options.maximumReconnectDelay)): \(error)"
            )
        }
        let (rejected, problem) = state.withLockedValue { ($0.rejected, $0.lastProblem) }
        if rejected > 0 { parts.append("\(rejected) bad message(s) ignored, last: \(problem ?? "?")") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// The engines publishing on the broker, heard for `seconds`.
    public static func listEngines(client: NATSClient, listening seconds: Double) async -> [String] {
        let heard = NIOLockedValueBox<Set<String>>([])
        let sid = client.subscribe(FeedSubjects.allSnapshots) { message in
            if let engine = FeedSubjects.engine(in: message.subject) { heard.withLockedValue { _ = $0.insert(engine) } }
        }
        try? await Task.sleep(for: .seconds(seconds))
        client.unsubscribe(sid)
        return heard.withLockedValue { $0.sorted() }
    }
}
