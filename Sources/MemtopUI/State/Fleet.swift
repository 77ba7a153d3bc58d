import MemtopSource
import PatinoxMemory

/// The fleet view's own state: which engine row is highlighted, its filter and its order.
public struct FleetState: Hashable, Sendable {
    /// The highlighted engine, by name (a row index would move under the user as engines re-sort).
    public var selected: String?
    public var filter = ""
    /// Whether keys go to the filter (after `/`, until Enter or Esc).
    public var editingFilter = false
    public var sort: FleetSort = .worst
    /// Whether closing the help or the engine picker returns to the fleet (they were opened from it).
    public var returnsToFleet = false
    public init() {}
}

/// The orders of the fleet view (`s` cycles them). Every order groups engines by service.
public enum FleetSort: String, CaseIterable, Sendable {
    /// Health, then saturation, then name; services by their worst engine.
    case worst
    /// Services and engines by name.
    case name
    /// The longest silent first: engines that stopped publishing.
    case silence
}

/// How an engine stands in the fleet, worst last: what rows sort on.
public enum FleetHealth: Int, Comparable, Sendable {
    /// Heard only by its snapshots (a publisher older than summaries): nothing to judge it by.
    case unknown = 0
    case healthy, degraded
    /// No summary for ``FleetTiming/staleAfter``: it may have died.
    case stale
    case unhealthy

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var label: String {
        switch self {
        case .unknown: "unknown"
        case .healthy: "healthy"
        case .degraded: "degraded"
        case .stale: "STALE"
        case .unhealthy: "UNHEALTHY"
        }
    }
}

/// One engine of the fleet, with what its row and its place need (worked out once: the sort compares these).
public struct FleetEngine: Hashable, Sendable {
    public var listing: EngineListing
    public var health: FleetHealth
    public var service: String
    /// The worst pool's leased over maximum (0 without pools).
    public var saturation: Double
    /// The worst pool's waiters.
    public var waiters: Int

    public init(_ listing: EngineListing) {
        self.listing = listing
        // Read through the shared summary: `listing.summary` would copy it at each use.
        let summary = listing.shared
        service = summary?.service ?? listing.name
        saturation = summary?.saturation ?? 0
        waiters = summary?.waiters ?? 0
        if listing.silentFor > FleetTiming.staleAfter, summary != nil {
            health = summary?.health == .unhealthy ? .unhealthy : .stale
        } else {
            switch summary?.health {
            case nil: health = .unknown
            case .healthy: health = .healthy
            case .degraded: health = .degraded
            case .unhealthy: health = .unhealthy
            }
        }
    }

    public var name: String { listing.name }
    public var summary: EngineSummary? { listing.summary }
}

/// A service's replicas together: the aggregate row above them.
public struct FleetService: Hashable, Sendable {
    public var name: String
    public var engines: [FleetEngine]

    /// Leased and maximum summed over every pool of every replica (saturating).
    public var leased: Int { poolSum(\.leased) }
    public var maximum: Int { poolSum(\.maximum) }
    public var waiters: Int { poolSum(\.waiters) }
    public var lowestHitRatio: Double? { engines.compactMap { $0.summary?.lowestHitRatio }.min() }
    public var healthy: Int { engines.filter { $0.health == .healthy }.count }
    public var worst: FleetHealth { engines.map(\.health).max() ?? .unknown }

    private func poolSum(_ field: KeyPath<EngineSummary.PoolSummary, Int>) -> Int {
        engines.reduce(0) { total, engine in
            (engine.summary?.pools ?? []).reduce(total) { $0.saturatingAdd($1[keyPath: field]) }
        }
    }
}

/// A line of the fleet table.
public enum FleetRow: Hashable, Sendable {
    case service(FleetService)
    case engine(FleetEngine)
}

/// The fleet as the view draws it: grouped, filtered and ordered once per change of the engine list, the
/// filter or the order (a refresh of 10,000 engines sorts them once, not once per use).
public struct FleetTable: Hashable, Sendable {
    public var services: [FleetService] = []
    /// Each service's aggregate row (when it has more than one replica), then its engines.
    public var rows: [FleetRow] = []
    /// The engines in table order: what ↑ and ↓ move through.
    public var engineNames: [String] = []
    /// Each listed engine's line in ``rows``.
    public var rowOfEngine: [String: Int] = [:]
    /// Every engine heard (the filter aside), and how many are degraded, unhealthy, stale and starving.
    public var counts = FleetCounts()
    /// The engines degraded or worse, the worst first (the filter aside): what the header names.
    public var worst: [FleetEngine] = []
    public init() {}
}

/// What the fleet's header counts.
public struct FleetCounts: Hashable, Sendable {
    public var engines = 0
    public var degraded = 0
    public var unhealthy = 0
    public var stale = 0
    public var starving = 0
}

extension AppState {
    /// Whether the fleet view is up.
    public var showsFleet: Bool { mode == .fleet }

    /// Whether the source carries a fleet: more than one engine heard.
    public var hasFleet: Bool { (engines?.count ?? 0) > 1 }

    /// The fleet's services, filtered and ordered (the filter matches engine, service, instance and labels).
    public func fleetServices() -> [FleetService] { fleetTable.services }

    /// The table's lines: each service's aggregate row (when it has more than one replica), then its engines.
    public func fleetRows() -> [FleetRow] { fleetTable.rows }

    /// The engines in table order: what ↑ and ↓ move through.
    public func fleetEngineNames() -> [String] { fleetTable.engineNames }

    /// What the header counts.
    public func fleetCounts() -> FleetCounts { fleetTable.counts }

    /// The highlighted engine: the one chosen if it is still listed, else the first.
    public var fleetSelection: String? {
        if let selected = fleet.selected, fleetTable.rowOfEngine[selected] != nil { return selected }
        return fleetTable.engineNames.first
    }

    /// Groups, filters and orders the engines heard into ``fleetTable``: after the list, the filter or the
    /// order changed. Once a second at 10,000 engines, so it groups and sorts indices into `heard`, not rows, and
    /// copies each engine into the table once.
    mutating func refreshFleet() {
        let heard = (engines ?? []).filter { $0.silentFor <= FleetTiming.leaveAfter }.map(FleetEngine.init)
        var table = FleetTable()
        let starvingAfter = thresholds.starvingSeconds
        var worst: [Int] = []
        for index in heard.indices {
            table.counts.engines += 1
            switch heard[index].health {
            case .degraded: table.counts.degraded += 1
            case .unhealthy: table.counts.unhealthy += 1
            case .stale: table.counts.stale += 1
            case .unknown, .healthy: break
            }
            if heard[index].health >= .degraded { worst.append(index) }
            if heard[index].listing.shared?.isStarving(after: starvingAfter) == true {
                table.counts.starving += 1
            }
        }
        worst.sort { (heard[$0].health, heard[$1].name) > (heard[$1].health, heard[$0].name) }
        table.worst = worst.map { heard[$0] }
        let needle = fleet.filter.localizedLowercase
        // Each service's engines (indices into `heard`), in order of first appearance.
        var groupOfService: [String: Int] = [:]
        var groups: [[Int]] = []
        for index in heard.indices where needle.isEmpty || Self.haystack(heard[index]).contains(needle) {
            let service = heard[index].service
            if let group = groupOfService[service] {
                groups[group].append(index)
            } else {
                groupOfService[service] = groups.count
                groups.append([index])
            }
        }
        let sort = fleet.sort
        let precedes = { (lhs: Int, rhs: Int) in Self.precedes(heard[lhs], heard[rhs], in: sort) }
        for group in groups.indices { groups[group].sort(by: precedes) }
        switch sort {
        case .worst, .silence:
            // Services by their first (worst, longest silent) engine; ties by service name.
            groups.sort { lhs, rhs in
                precedes(lhs[0], rhs[0])
                    || (!precedes(rhs[0], lhs[0]) && heard[lhs[0]].service < heard[rhs[0]].service)
            }
        case .name: groups.sort { heard[$0[0]].service < heard[$1[0]].service }
        }
        table.services.reserveCapacity(groups.count)
        table.rows.reserveCapacity(heard.count + groups.count)
        table.engineNames.reserveCapacity(heard.count)
        for group in groups {
            let service = FleetService(name: heard[group[0]].service, engines: group.map { heard[$0] })
            if group.count > 1 { table.rows.append(.service(service)) }
            for engine in service.engines {
                table.rowOfEngine[engine.name] = table.rows.count
                table.rows.append(.engine(engine))
                table.engineNames.append(engine.name)
            }
            table.services.append(service)
        }
        fleetTable = table
    }

    /// Whether `lhs` comes before `rhs` in a service's engines under `sort`.
    private static func precedes(_ lhs: FleetEngine, _ rhs: FleetEngine, in sort: FleetSort) -> Bool {
        switch sort {
        case .worst:
            return (lhs.health, lhs.waiters, lhs.saturation, rhs.name) > (
                rhs.health, rhs.waiters, rhs.saturation, lhs.name
            )
        case .name:
            return lhs.name < rhs.name
        case .silence:
            return (lhs.listing.silentFor, rhs.name) > (rhs.listing.silentFor, lhs.name)
        }
    }

    private static func haystack(_ engine: FleetEngine) -> String {
        let summary = engine.summary
        let labels = (summary?.labels ?? [:]).map { "\($0.key)=\($0.value)" }
        return ([engine.name, engine.service, summary?.instance ?? ""] + labels).joined(separator: " ")
            .localizedLowercase
    }
}
