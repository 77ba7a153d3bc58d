import MemtopSource
import PatinoxMemory

/// The panels of the main screen, in Tab order.
public enum Panel: Int, CaseIterable, Sendable, Hashable {
    case pools, caches, guards, mappings, events

    /// The kind of component its rows are; nil for the events.
    public var componentKind: ComponentKind? {
        switch self {
        case .pools: .pool
        case .caches: .cache
        case .guards: .resourceGuard
        case .mappings: .mappedFile
        case .events: nil
        }
    }

    public var title: String {
        switch self {
        case .pools: "Pools"
        case .caches: "Caches"
        case .guards: "Guards"
        case .mappings: "Mapped files"
        case .events: "Events"
        }
    }
}

/// The order rows are listed in.
public enum SortOrder: String, CaseIterable, Sendable {
    case name, activity, health
}

/// What the screen shows over the panels.
public enum Mode: Hashable, Sendable {
    case normal
    case help
    case detail(Panel, name: String)
    case faultMenu(FaultMenu)
    case confirm(PendingCommand)
    case filter
    /// The engines a broker carries, the highlighted one's index.
    case enginePicker(selected: Int)
    /// Every engine of the broker at once, worst first (``AppState/fleet`` holds its selection and filter).
    case fleet
}

/// The fault dialog: a kind from the target's catalogue, an amount where the kind takes one, a duration.
public struct FaultMenu: Hashable, Sendable {
    public var target: String
    public var kinds: [FaultKind]
    public var selected = 0
    public var durationSeconds: Double = 10
    public static let durations: [Double] = [5, 10, 30, 60, 120, 300]

    public var kind: FaultKind { kinds[selected] }
}

/// A command waiting for y/n.
public struct PendingCommand: Hashable, Sendable {
    public var prompt: String
    public var command: ControlCommand
}

/// A short message in the footer (a command's result, a refusal), shown for a few seconds.
public struct StatusMessage: Hashable, Sendable {
    public enum Level: Sendable { case info, error }
    public var text: String
    public var level: Level
    /// When it goes away, as ``AppState/now``.
    public var until: Duration
}

/// A tokio-console-style lint on a component, shown in the header and on its row.
public struct Warning: Hashable, Sendable {
    public var panel: Panel?
    public var name: String
    public var text: String
}

/// Everything the screen is drawn from. Changed only by ``reduce(_:)``; views are pure functions of it.
public struct AppState: Sendable {
    public var source: SourceInfo
    /// How often the source is polled.
    public var refreshInterval: Duration
    public var readOnly: Bool
    public var keymap: Keymap
    public var themes: [Theme]
    public var themeIndex = 0
    public var thresholds: WarningThresholds

    public var width = 120
    public var height = 40
    /// The time since the app started (injected with every action that needs time).
    public var now = Duration.zero

    public var snapshot: EngineSnapshot?
    public var previous: EngineSnapshot?
    /// When the last snapshot arrived, as ``now``.
    public var lastSnapshotAt: Duration?
    public var history = History()
    public var rates: [String: CacheRates] = [:]
    public var warnings: [Warning] = []
    public var trackers = WarningTrackers()
    /// Problems with the feed itself (malformed messages, reconnecting): shown in the header.
    public var feedStatus: String?
    /// Where a replay stands; nil for live sources.
    public var playback: PlaybackStatus?
    /// The engines the source can switch between; nil when it has one.
    public var engines: [EngineListing]? {
        didSet { refreshFleet() }
    }

    public var mode: Mode = .normal
    /// Whether the engine picker is open (the only view that draws ``engines``).
    public var isPickingEngine: Bool {
        if case .enginePicker = mode { return true }
        return false
    }
    /// The fleet view's selection, filter and order.
    public var fleet = FleetState() {
        didSet { if fleet.filter != oldValue.filter || fleet.sort != oldValue.sort { refreshFleet() } }
    }
    /// The fleet as drawn, kept current by ``refreshFleet()``.
    public internal(set) var fleetTable = FleetTable()
    public var focus: Panel = .pools
    public var selection: [Panel: Int] = [:]
    public var eventScroll = 0
    public var paused = false
    public var filter = ""
    public var sort: SortOrder = .name
    public var message: StatusMessage?
    public var quitting = false

    public init(
        source: SourceInfo,
        refreshInterval: Duration = .milliseconds(500),
        readOnly: Bool = false,
        keymap: Keymap = .standard,
        themes: [Theme] = Theme.builtin,
        themeName: String? = nil,
        thresholds: WarningThresholds = WarningThresholds()
    ) {
        self.source = source
        self.refreshInterval = refreshInterval
        self.readOnly = readOnly
        self.keymap = keymap
        self.themes = themes.isEmpty ? Theme.builtin : themes
        self.themeIndex = self.themes.firstIndex { $0.name == themeName } ?? 0
        self.thresholds = thresholds
    }

    public var theme: Theme { themes[themeIndex % themes.count] }

    /// Whether the layout is the compact one (below 80×24).
    public var isCompact: Bool { width < 80 || height < 24 }

    /// The names listed in `panel`, filtered and sorted as the user asked.
    public func rows(_ panel: Panel) -> [String] {
        guard let snapshot else { return [] }
        let names: [String]
        switch panel {
        case .pools: names = sorted(snapshot.pools.map(\.name), panel)
        case .caches: names = sorted(snapshot.caches.map(\.name), panel)
        case .guards: names = sorted(snapshot.guards.map(\.name) + snapshot.scopes.map(\.name), panel)
        case .mappings: names = snapshot.mappings.map(\.path)
        case .events: return snapshot.events.map(\.message)
        }
        return filter.isEmpty ? names : names.filter { $0.localizedLowercase.contains(filter.localizedLowercase) }
    }

    /// The selected row's name in `panel`, if any.
    public func selectedName(_ panel: Panel) -> String? {
        let rows = rows(panel)
        guard !rows.isEmpty else { return nil }
        return rows[min(selection[panel] ?? 0, rows.count - 1)]
    }

    private func sorted(_ names: [String], _ panel: Panel) -> [String] {
        guard let snapshot else { return names }
        switch sort {
        case .name:
            return names.sorted()
        case .activity:
            // Each name's activity once, then sorted (searching the pools in the comparison would be quadratic).
            let pools = snapshot.pools.byName(\.name)
            func activity(_ name: String) -> Double {
                if let pool = pools[name] {
                    return Double(pool.leased) + Double(pool.waiters)  // an Int sum of a peer's numbers may overflow
                }
                if let rates = rates[name] { return rates.hitsPerSecond + rates.missesPerSecond }
                return 0
            }
            return names.map { ($0, activity($0)) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0)
        case .health:
            func rank(_ name: String) -> Int {
                guard let kind = panel.componentKind else { return 0 }
                return snapshot.health[ComponentID(kind: kind, name: name)]?.health.severity ?? 0
            }
            return names.sorted { (rank($0), $1) > (rank($1), $0) }
        }
    }
}
