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
}
