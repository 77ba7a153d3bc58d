import NIOConcurrencyHelpers

/// The hub memtop reads: components join by name (held weakly, gone when deallocated), ``snapshot()``
/// samples all of them, ``apply(_:sender:)`` steers them, and a ring of recent events tells what happened.
/// As a `Service` (``run()``) it ends timed faults on time.
///
/// ```swift
/// let engine = Engine(name: "checkout")
/// let pool = try Pool(name: "db", factory: factory, monitor: engine.monitor(forwardingTo: MetricsMonitor()))
/// engine.register(pool)
/// let snapshot = engine.snapshot()
/// try engine.apply(.resizePool(pool: "db", minimum: 2, maximum: 20), sender: "alice@memtop")
/// ```
public final class Engine: Sendable {
    /// The engine's name: the header of memtop and the `<engine>` token of the feed's subjects.
    public let name: String
    let clock: any MonotonicClock
    let log: EventLog
    let members = NIOLockedValueBox<[Member]>([])
    /// Faults with a duration, in force until their `until` (ended by `run()`, or lazily by a snapshot).
    let activeFaults = NIOLockedValueBox<[TimedFault]>([])
    /// Wakes `run()` when a fault was added, so that it sleeps until the first one is due.
    let faultsChanged = WakeSignal()
    let observers = NIOLockedValueBox<(next: Int, handlers: [Int: @Sendable (EngineEvent) -> Void])>((0, [:]))

    /// The most connections a `resizePool` command may give a pool (commands can come from any memtop allowed
    /// to steer: holding `+` must not open 100,000 connections to a database).
    public let commandPoolCeiling: Int

    /// An engine with no components yet.
    /// - Parameters:
    ///   - name: the engine's name (memtop's header, the feed's `<engine>` subject token).
    ///   - clock: the time source of snapshots, events and fault expiry (injected in tests).
    ///   - eventCapacity: how many recent events snapshots carry.
    ///   - commandPoolCeiling: the largest pool maximum a `resizePool` command may set (1,000 by default);
    ///     the application itself can still resize beyond it.
    public init(
        name: String,
        clock: any MonotonicClock = SystemClock(),
        eventCapacity: Int = 256,
        commandPoolCeiling: Int = 1_000
    ) {
        self.name = name
        self.clock = clock
        self.log = EventLog(capacity: eventCapacity)
        self.commandPoolCeiling = commandPoolCeiling
    }

    /// Records an event (components report through ``monitor(forwardingTo:)``; commands record themselves).
    public func record(component: ComponentID, kind: EngineEventKind, message: String) {
        let event = EngineEvent(at: clock.now().nanoseconds, component: component, kind: kind, message: message)
        log.append(event)
        for handler in observers.withLockedValue({ Array($0.handlers.values) }) { handler(event) }
    }

    /// Calls `handler` with every event as it is recorded, on the recording thread, until
    /// ``removeEventObserver(_:)``. Components may record while holding their own locks: the handler must
    /// not call back into the engine synchronously (hand the work to another thread, as `FeedPublisher` does).
    /// - Returns: the token that removes the observer.
    @discardableResult
    public func addEventObserver(_ handler: @escaping @Sendable (EngineEvent) -> Void) -> Int {
        observers.withLockedValue { observers in
            observers.next += 1
            observers.handlers[observers.next] = handler
            return observers.next
        }
    }

    /// Stops calling the observer `token` names.
    public func removeEventObserver(_ token: Int) {
        _ = observers.withLockedValue { $0.handlers.removeValue(forKey: token) }
    }

    /// Samples every live component (first ending the faults whose time is up). Components that were
    /// deallocated are dropped from the registry.
    public func snapshot() -> EngineSnapshot {
        endDueFaults()
        var snapshot = EngineSnapshot(engine: name, takenAt: clock.now().nanoseconds)
        let live = members.withLockedValue { members in
            members.removeAll { !$0.isAlive() }
            return members
        }
        for member in live { member.contribute(&snapshot) }
        snapshot.pools.sort { $0.name < $1.name }
        snapshot.caches.sort { $0.name < $1.name }
        snapshot.guards.sort { $0.name < $1.name }
        snapshot.scopes.sort { $0.name < $1.name }
        snapshot.mappings.sort { $0.path < $1.path }
        snapshot.faults = activeFaults.withLockedValue { $0.map(\.fault) }
        snapshot.events = log.recent()
        return snapshot
    }

    func add(_ component: any EngineMember) {
        let member = Member(component)
        members.withLockedValue { members in
            members.removeAll { ($0.kind == member.kind && $0.name == member.name) || !$0.isAlive() }
            members.append(member)
        }
        record(
            component: member.id,
            kind: .registered,
            message: "joined engine '\(name)'"
        )
    }

    func member(_ name: String, kind: ComponentKind?) throws(PatinoxError) -> Member {
        let live = members.withLockedValue { $0.filter { $0.isAlive() } }
        if let found = live.first(where: { $0.name == name && (kind == nil || $0.kind == kind) }) { return found }
        let known = live.filter { kind == nil || $0.kind == kind }.map { "'\($0.name)'" }.joined(separator: ", ")
        throw .invalidInput(
            .engine,
            name: self.name,
            operation: "apply",
            message: "no \(kind?.rawValue ?? "component") named '\(name)'"
                + (known.isEmpty ? "." : "; known: \(known)."),
            hint: "name a registered component."
        )
    }
}

/// A registered component, held weakly: the engine never keeps one alive.
struct Member: Sendable {
    let kind: ComponentKind
    let name: String
    private weak var component: (any EngineMember)?

    var id: ComponentID { ComponentID(kind: kind, name: name) }

    init(_ component: any EngineMember) {
        kind = component.memberKind
        name = component.memberName
        self.component = component
    }

    func isAlive() -> Bool { component != nil }

    func contribute(_ snapshot: inout EngineSnapshot) { component?.contribute(to: &snapshot) }

    func control(_ control: Control) throws(PatinoxError) -> String {
        guard let component else { throw Engine.gone("\(kind.rawValue) '\(name)'") }
        return try component.control(control)
    }
}

/// What the engine asks of a member (the command, already validated and routed).
enum Control: Sendable {
    case resize(minimum: Int, maximum: Int)
    case resizeCache(maximumCount: Int)
    case inject(FaultKind, amount: Double?, duration: Duration)
    case clear(FaultKind?)
    case resetStatistics
}
