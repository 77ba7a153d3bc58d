/// A key press or mouse event, as the terminal backend decodes it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    case function(Int)
    case click(x: Int, y: Int)
    case wheel(up: Bool)

    /// The name a config file uses: `q`, `+`, `space`, `tab`, `shift-tab`, `up`, `f9`, `enter`, `esc` …
    public var configName: String {
        switch self {
        case .character(" "): "space"
        case .character(let character): String(character)
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .pageUp: "pageup"
        case .pageDown: "pagedown"
        case .home: "home"
        case .end: "end"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .function(let number): "f\(number)"
        case .click: "click"
        case .wheel(let up): up ? "wheel-up" : "wheel-down"
        }
    }

    /// Parses a config name (the inverse of ``configName``).
    public init?(configName name: String) {
        let named: [String: Key] = [
            "space": .character(" "), "up": .up, "down": .down, "left": .left, "right": .right,
            "pageup": .pageUp, "pagedown": .pageDown, "home": .home, "end": .end, "enter": .enter,
            "esc": .escape, "escape": .escape, "tab": .tab, "shift-tab": .backTab, "backspace": .backspace,
        ]
        let lower = name.lowercased()
        if let key = named[lower] {
            self = key
        } else if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...12).contains(number) {
            self = .function(number)
        } else if name.count == 1, let character = name.first {
            self = .character(character)
        } else {
            return nil
        }
    }
}

/// What a key asks the app to do, whatever key it is bound to.
public enum UICommand: String, CaseIterable, Sendable, Hashable {
    case quit, help
    case nextPanel = "next-panel"
    case previousPanel = "previous-panel"
    case up, down, details
    case back
    case growMaximum = "grow-maximum"
    case shrinkMaximum = "shrink-maximum"
    case growMinimum = "grow-minimum"
    case shrinkMinimum = "shrink-minimum"
    case faultMenu = "fault-menu"
    case clearFaults = "clear-faults"
    case flushCache = "flush-cache"
    case pause, filter
    case cycleSort = "cycle-sort"
    case cycleTheme = "cycle-theme"
    case resetStats = "reset-stats"
    case seekBack = "seek-back"
    case seekForward = "seek-forward"
    case slower, faster
    case engines

    /// Commands that change the engine (refused in read-only mode).
    public var isControl: Bool {
        switch self {
        case .growMaximum, .shrinkMaximum, .growMinimum, .shrinkMinimum, .faultMenu, .clearFaults, .flushCache,
            .resetStats:
            true
        default: false
        }
    }

    public var summary: String {
        switch self {
        case .quit: "quit"
        case .help: "help"
        case .nextPanel: "next panel"
        case .previousPanel: "previous panel"
        case .up: "select up"
        case .down: "select down"
        case .details: "details of the selection"
        case .back: "close a view or dialog"
        case .growMaximum: "pool maximum +1 (cache detail: the 2× size)"
        case .shrinkMaximum: "pool maximum -1 (cache detail: the ½× size)"
        case .growMinimum: "pool minimum +1"
        case .shrinkMinimum: "pool minimum -1"
        case .faultMenu: "inject a fault"
        case .clearFaults: "clear faults"
        case .flushCache: "flush the cache"
        case .pause: "pause / resume"
        case .filter: "filter by name"
        case .cycleSort: "cycle the sort"
        case .cycleTheme: "cycle themes"
        case .resetStats: "reset statistics"
        case .seekBack: "replay: back \(AppState.seekStep.components.seconds) s"
        case .seekForward: "replay: forward \(AppState.seekStep.components.seconds) s"
        case .slower: "replay: slower"
        case .faster: "replay: faster"
        case .engines: "pick an engine of the broker"
        }
    }
}

/// Key bindings: the htop/btop habits by default, every one rebindable from the config file.
public struct Keymap: Hashable, Sendable {
    public private(set) var bindings: [Key: UICommand]

    public static let standard = Keymap(bindings: [
        .character("q"): .quit, .function(10): .quit, .character("?"): .help, .function(1): .help,
        .tab: .nextPanel, .backTab: .previousPanel, .up: .up, .character("k"): .up, .down: .down,
        .character("j"): .down, .enter: .details, .escape: .back, .character("+"): .growMaximum,
        .character("="): .growMaximum, .character("-"): .shrinkMaximum, .character("]"): .growMinimum,
        .character("["): .shrinkMinimum, .character("_"): .shrinkMinimum,
        .character("f"): .faultMenu, .function(9): .faultMenu, .character("c"): .clearFaults,
        .character("x"): .flushCache, .character(" "): .pause, .character("/"): .filter,
        .character("s"): .cycleSort, .character("t"): .cycleTheme, .character("r"): .resetStats,
        .left: .seekBack, .right: .seekForward, .character("<"): .slower, .character(">"): .faster,
        .character("e"): .engines,
    ])

    public init(bindings: [Key: UICommand]) { self.bindings = bindings }

    public func command(for key: Key) -> UICommand? { bindings[key] }

    /// The keys bound to `command`, in a stable order, for hints and help.
    public func keys(for command: UICommand) -> [Key] {
        bindings.filter { $0.value == command }.map(\.key).sorted {
            ($0.configName.count, $0.configName) < ($1.configName.count, $1.configName)
        }
    }

    /// Binds `key` to `command` (replacing what it did).
    public mutating func bind(_ key: Key, to command: UICommand) { bindings[key] = command }
}
