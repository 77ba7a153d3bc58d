import PatinoxMemory

@testable import MemtopFeed

/// The error connecting with `options` throws, or nil when it connected (the client is then closed).
func connectError(_ options: NATSOptions) async -> PatinoxError? {
    do {
        let client = try await NATSClient.connect(options)
        await client.close()
        return nil
    } catch {
        return error
    }
}

/// What `source` reports for `command`: the engine's result, or why it failed.
func controlResult(_ source: RemoteSource, _ command: ControlCommand) async -> Result<String, PatinoxError> {
    await withCheckedContinuation { continuation in source.send(command) { continuation.resume(returning: $0) } }
}
