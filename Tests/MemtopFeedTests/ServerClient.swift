import Logging
import MemtopFeed
import MemtopTestSupport

extension NATSServerProcess {
    /// A client connected to this server without credentials (logging to `logger`, silent by default).
    func client(logger: Logger = .disabled) async throws -> NATSClient {
        var options = try NATSOptions(url: url)
        options.logger = logger
        return try await NATSClient.connect(options)
    }

    /// A client that collects `engine`'s snapshots in an inbox, subscribed by the time this returns (so the
    /// server has the SUB before any PUB that follows).
    func snapshotsOf(_ engine: String) async throws -> (client: NATSClient, inbox: Inbox) {
        let viewer = try await client()
        let inbox = Inbox()
        viewer.subscribe(FeedSubjects.snapshot(engine)) { inbox.add($0) }
        try await Task.sleep(for: .milliseconds(100))
        return (viewer, inbox)
    }
}
