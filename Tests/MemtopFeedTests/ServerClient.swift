import MemtopFeed
import MemtopTestSupport

extension NATSServerProcess {
    /// A client connected to this server without credentials.
    func client() async throws -> NATSClient { try await NATSClient.connect(try NATSOptions(url: url)) }
}
