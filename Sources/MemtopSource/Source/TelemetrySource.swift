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
    /// Applies a replay key; nil (the default) when the source is live and cannot seek.
    func playback(_ command: PlaybackCommand) -> PlaybackStatus?
    /// Where a replay stands; nil (the default) for live sources.
    func playbackStatus() -> PlaybackStatus?
    /// The engines the source can switch between (a broker's); nil (the default) when it has just one.
    func engines() -> [EngineListing]?
    /// Draws another engine from ``engines()`` (the default does nothing).
    func select(engine: String)
    /// Whether an engine's health changed (or an engine appeared) since the last ``engines()``: the fleet view
    /// lists again at once instead of at its next second. False by default.
    func fleetHealthChanged() -> Bool
    /// The server a broker source is on now (one of a cluster's), for the header; nil (the default) otherwise.
    func server() -> String?
}

extension TelemetrySource {
    public func playback(_ command: PlaybackCommand) -> PlaybackStatus? { nil }
    public func playbackStatus() -> PlaybackStatus? { nil }
    public func engines() -> [EngineListing]? { nil }
    public func select(engine: String) {}
    public func fleetHealthChanged() -> Bool { false }
    public func server() -> String? { nil }
}

/// Where the data comes from, and what it can do: the UI decides by these capabilities, never by the kind.
public struct SourceInfo: Hashable, Sendable {
    public enum Kind: String, Sendable { case local, remote, replay }
    /// What the header calls it.
    public var kind: Kind
    /// What the header names: a scenario, a broker URL, a file.
    public var detail: String
    /// Whether commands can reach an engine (a recording cannot be steered).
    public var canSteer: Bool
    /// Whether it plays back: pause, seek and speed act on the source, not on the screen.
    public var canSeek: Bool
    /// Whether snapshots keep coming: a live source that goes quiet turns STALE; a replay never does.
    public var isLive: Bool

    /// A source of `kind`, with that kind's capabilities unless told otherwise.
    public init(kind: Kind, detail: String, canSteer: Bool? = nil, canSeek: Bool? = nil, isLive: Bool? = nil) {
        self.kind = kind
        self.detail = detail
        self.canSteer = canSteer ?? (kind != .replay)
        self.canSeek = canSeek ?? (kind == .replay)
        self.isLive = isLive ?? (kind != .replay)
    }
}

/// An engine a source hears, for the engine picker and the fleet view.
public struct EngineListing: Hashable, Sendable {
    public var name: String
    /// Time since its last message arrived.
    public var silentFor: Duration
    /// Messages per second over the last few seconds.
    public var rate: Double
    /// Size of its last message, bytes.
    public var bytes: Int
    /// Its last summary, shared: a listing of 10,000 engines is copied from the source to the fleet table each
    /// second, and a summary's dozen strings and arrays would be a dozen reference counts per copy.
    package var shared: SharedSummary?

    /// Its last summary; nil when none came (a publisher older than summaries, heard by its snapshots).
    public var summary: EngineSummary? {
        get { shared?.summary }
        set { shared = newValue.map(SharedSummary.init) }
    }

    public init(name: String, silentFor: Duration, rate: Double, bytes: Int, summary: EngineSummary? = nil) {
        self.init(name: name, silentFor: silentFor, rate: rate, bytes: bytes, shared: summary.map(SharedSummary.init))
    }

    package init(name: String, silentFor: Duration, rate: Double, bytes: Int, shared: SharedSummary?) {
        self.name = name
        self.silentFor = silentFor
        self.rate = rate
        self.bytes = bytes
        self.shared = shared
    }
}

/// An engine summary behind one reference, never changed once made: what a roster keeps and its listings share.
/// It also keeps what a fleet table sorts and counts on, worked out once as it arrives, so that building the
/// table reads a few numbers per engine instead of copying each summary out of its box.
package final class SharedSummary: Hashable, Sendable {
    package let summary: EngineSummary
    package let service: String
    package let health: Health
    /// The worst pool's (``EngineSummary/worstPool``) leased over maximum and waiters; 0 without pools.
    package let saturation: Double
    package let waiters: Int
    /// ``EngineSummary/longestWait``.
    package let longestWait: Int?

    package init(_ summary: EngineSummary) {
        self.summary = summary
        service = summary.service
        health = summary.health
        let worst = summary.worstPool
        saturation = worst?.saturation ?? 0
        waiters = worst?.waiters ?? 0
        longestWait = summary.longestWait
    }

    /// ``EngineSummary/isStarving(after:)`` from the numbers kept.
    package func isStarving(after seconds: Double) -> Bool {
        EngineSummary.isStarving(longestWait: longestWait, after: seconds)
    }

    package static func == (lhs: SharedSummary, rhs: SharedSummary) -> Bool {
        lhs === rhs || lhs.summary == rhs.summary
    }

    package func hash(into hasher: inout Hasher) { summary.hash(into: &hasher) }
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
