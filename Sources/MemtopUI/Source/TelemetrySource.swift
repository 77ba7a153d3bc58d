import PatinoxMemory

/// Where the UI gets snapshots and sends commands: the in-process engine, a remote engine through a
/// broker, or a recording. Called from the UI thread; replies may come from any thread.
public protocol TelemetrySource: Sendable {
    var info: SourceInfo { get }
    /// The newest snapshot, nil when there is none (yet, or the source went quiet).
    func latest() -> EngineSnapshot?
    /// Sends a command; `reply` gets the result or the error, on any thread.
    func send(_ command: ControlCommand, reply: @escaping @Sendable (Result<String, PatinoxError>) -> Void)
    /// Problems with the feed itself (reconnecting, malformed messages), nil when all is well.
    func status() -> String?
}

/// The engine in this process (demo mode): snapshots on demand, commands applied at once.
public struct LocalSource: TelemetrySource {
    public let engine: Engine
    public let info: SourceInfo
    let sender: String

    public init(engine: Engine, detail: String, sender: String = "memtop (local)") {
        self.engine = engine
        self.info = SourceInfo(kind: .local, detail: detail)
        self.sender = sender
    }

    public func latest() -> EngineSnapshot? { engine.snapshot() }

    public func send(_ command: ControlCommand, reply: @escaping @Sendable (Result<String, PatinoxError>) -> Void) {
        do throws(PatinoxError) {
            reply(.success(try engine.apply(command, sender: sender)))
        } catch {
            reply(.failure(error))
        }
    }

    public func status() -> String? { nil }
}
