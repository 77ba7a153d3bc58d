import MemtopSource
import PatinoxMemory

/// Everything that can happen to the app.
public enum Action: Sendable {
    // Every `now` is the time since the app started.
    case snapshot(EngineSnapshot, now: Duration)
    case tick(now: Duration)
    case key(Key, now: Duration)
    case resize(width: Int, height: Int)
    /// A line for the footer: the outcome of a command the app sent, or a notice (a rejected config file).
    case notice(String, isError: Bool, now: Duration)
    /// A click, as the runner found it on the layout it drew: the panel and row under it (nil: nothing).
    case click(ClickTarget?, now: Duration)
    /// Opens the engine picker (attached to a broker without `--engine`, before any engine was heard).
    case openEnginePicker
    /// Opens the fleet view (attached to a broker carrying several engines).
    case openFleet
    /// The feed's own state (reconnecting, malformed messages), nil when all is well.
    case feedStatus(String?)
    /// The server a broker source is on now: the header names it instead of the URLs given.
    case server(String?)
    /// The replay's position (nil for live sources).
    case playback(PlaybackStatus?)
    /// The engines the source hears (nil when it has one).
    case engines([EngineListing]?)
}

/// What the runner must do after an action: the reducer itself never touches the outside world.
public enum Effect: Hashable, Sendable {
    case send(ControlCommand)
    /// A replay key, for the source.
    case playback(PlaybackCommand)
    /// Draw another engine of the broker.
    case selectEngine(String)
    case quit
}

extension AppState {
    /// Applies `action` and returns the effects to run. Pure: same state and action, same result.
    public mutating func reduce(_ action: Action) -> [Effect] {
        switch action {
        case .snapshot(let snapshot, let now):
            receive(snapshot, now: now)
        case .tick(let now):
            self.now = now
            if let message, message.until < now { self.message = nil }
        case .key(let key, let now):
            self.now = now
            return handle(key)
        case .resize(let width, let height):
            self.width = width
            self.height = height
        case .notice(let text, let isError, let now):
            self.now = now
            show(text, isError ? .error : .info)
        case .click(let target, let now):
            self.now = now
            guard case .normal = mode else { return handle(.click(x: -1, y: -1)) }  // as any click there
            return click(target)
        case .openEnginePicker:
            mode = .enginePicker(selected: 0)
        case .openFleet:
            mode = .fleet
        case .feedStatus(let status):
            feedStatus = status
        case .server(let url):
            if let url { source.detail = url }
        case .playback(let status):
            playback = status
        case .engines(let engines):
            self.engines = engines
        }
        return []
    }

    /// How long a footer message stays up.
    static let messageLifetime = Duration.seconds(5)

    mutating func show(_ text: String, _ level: StatusMessage.Level = .info) {
        message = StatusMessage(text: text, level: level, until: now + Self.messageLifetime)
    }

    private mutating func handle(_ key: Key) -> [Effect] {
        switch mode {
        case .filter: return editFilter(key)
        case .confirm(let pending): return confirm(pending, key)
        case .faultMenu(let menu): return navigate(menu, key)
        case .enginePicker(let selected): return pickEngine(selected, key)
        case .fleet: return fleetKey(key)
        case .help:
            mode = fleet.returnsToFleet ? .fleet : .normal
            fleet.returnsToFleet = false
            return []
        case .detail(let panel, let name):
            if let command = keymap.command(for: key), command == .quit { return run(command) }
            if panel == .caches, let command = keymap.command(for: key),
                command == .growMaximum || command == .shrinkMaximum
            {
                return proposeCacheSize(name, larger: command == .growMaximum)
            }
            if case .click = key { return [] }
            mode = .normal
            return []
        case .normal:
            if case .click = key { return [] }  // the runner sends clicks as `.click` actions, with their target
            if case .wheel(let up) = key { return run(up ? .up : .down) }
            guard let command = keymap.command(for: key) else { return [] }
            return run(command)
        }
    }

    /// Whether controls are off (`--read-only`, or a recording); says why when they are.
    private mutating func refusedAsReadOnly() -> Bool {
        guard readOnly else { return false }
        let why = source.canSteer ? "started with --read-only" : "a recording cannot be steered"
        show("read-only: controls are disabled (\(why))", .error)
        return true
    }

    /// Runs a command in the normal mode.
    mutating func run(_ command: UICommand) -> [Effect] {
        if command.isControl && refusedAsReadOnly() { return [] }
        switch command {
        case .quit:
            quitting = true
            return [.quit]
        case .help: mode = .help
        case .nextPanel: focus = Panel.allCases.after(focus, by: 1)
        case .previousPanel: focus = Panel.allCases.after(focus, by: -1)
        case .up: move(-1)
        case .down: move(1)
        case .details:
            if focus == .pools || focus == .caches, let name = selectedName(focus) { mode = .detail(focus, name: name) }
        case .back:
            message = nil
            if hasFleet { mode = .fleet }
        case .growMaximum, .shrinkMaximum, .growMinimum, .shrinkMinimum: return resize(command)
        case .faultMenu: openFaultMenu()
        case .clearFaults:
            guard let name = selectedComponent() else { return [] }
            return [.send(.clearFaults(target: name))]
        case .flushCache:
            guard focus == .caches, let name = selectedName(.caches) else {
                show("select a cache (Tab to the Caches panel) to flush it", .error)
                return []
            }
            mode = .confirm(
                PendingCommand(prompt: "Flush every entry of cache '\(name)'?", command: .flushCache(cache: name))
            )
        case .pause:
            if source.canSeek { return [.playback(.togglePause)] }
            paused.toggle()
        case .seekBack, .seekForward, .slower, .faster: return playback(command)
        case .engines:
            guard let engines else {
                show("this source has one engine; `memtop attach nats://…` lists a broker's", .error)
                return []
            }
            let current = engines.firstIndex { $0.name == snapshot?.engine } ?? 0
            mode = .enginePicker(selected: current)
        case .filter: mode = .filter
        case .cycleSort: sort = SortOrder.allCases.after(sort, by: 1)
        case .cycleTheme:
            themeIndex = (themeIndex + 1) % themes.count
            show("theme: \(theme.name)")
        case .resetStats: return [.send(.resetStats(target: nil))]
        }
        return []
    }

    private mutating func playback(_ command: UICommand) -> [Effect] {
        guard source.canSeek else {
            show("seek and speed work in replays (memtop replay FILE.ndjson)", .error)
            return []
        }
        switch command {
        case .seekBack, .seekForward:
            // Rates and sparklines between frames far apart in recorded time would mislead: start them afresh.
            forgetHistory()
            return [.playback(.seek(by: command == .seekBack ? .zero - Self.seekStep : Self.seekStep))]
        case .slower: return [.playback(.slower)]
        default: return [.playback(.faster)]
        }
    }

    /// The recorded time a seek key moves.
    public static let seekStep = Duration.seconds(10)

    private mutating func pickEngine(_ selected: Int, _ key: Key) -> [Effect] {
        let engines = engines ?? []
        switch key {
        case .up, .character("k"): mode = .enginePicker(selected: max(0, selected - 1))
        case .down, .character("j"): mode = .enginePicker(selected: max(0, min(engines.count - 1, selected + 1)))
        case .escape, .character("q"):
            mode = fleet.returnsToFleet ? .fleet : .normal
            fleet.returnsToFleet = false
        case .enter:
            guard selected < engines.count else { return [] }
            mode = .normal
            fleet.returnsToFleet = false
            let name = engines[selected].name
            guard name != snapshot?.engine else { return [] }
            forgetHistory()
            snapshot = nil
            lastSnapshotAt = nil
            show("drawing engine '\(name)'")
            return [.selectEngine(name)]
        default: break
        }
        return []
    }

    /// Drops what was derived from earlier snapshots (after a seek or an engine switch).
    mutating func forgetHistory() {
        previous = nil
        history = History()
        rates = [:]
        warnings = []
        trackers = WarningTrackers()
    }

    private mutating func move(_ delta: Int) {
        if focus == .events {
            eventScroll = max(0, eventScroll - delta)
            return
        }
        let count = rows(focus).count
        guard count > 0 else { return }
        selection[focus] = max(0, min(count - 1, (selection[focus] ?? 0) + delta))
    }

    private func selectedComponent() -> String? {
        focus == .events ? nil : selectedName(focus)
    }

    private mutating func resize(_ command: UICommand) -> [Effect] {
        guard focus == .pools, let name = selectedName(.pools),
            let pool = snapshot?.pools.first(where: { $0.name == name })
        else {
            show("select a pool (Tab to the Pools panel) to resize it", .error)
            return []
        }
        var minimum = pool.minimum
        var maximum = pool.maximum
        // A remote pool's numbers are whatever its snapshot said: a step past Int's range is refused, not a trap.
        let overflow: Bool
        switch command {
        case .growMaximum: (maximum, overflow) = maximum.addingReportingOverflow(1)
        case .shrinkMaximum: (maximum, overflow) = maximum.subtractingReportingOverflow(1)
        case .growMinimum: (minimum, overflow) = minimum.addingReportingOverflow(1)
        default: (minimum, overflow) = minimum.subtractingReportingOverflow(1)
        }
        guard !overflow else {
            show("pool '\(name)': minimum \(pool.minimum) and maximum \(pool.maximum) cannot change by 1", .error)
            return []
        }
        guard minimum >= 0, maximum >= 1, minimum <= maximum else {
            show("pool '\(name)': minimum \(minimum) and maximum \(maximum) are not a valid size", .error)
            return []
        }
        return [.send(.resizePool(pool: name, minimum: minimum, maximum: maximum))]
    }

    /// In a cache's detail, `+` and `-` offer the 2× and ½× sizes of its sizing curve, with what the curve
    /// predicts, to confirm.
    private mutating func proposeCacheSize(_ name: String, larger: Bool) -> [Effect] {
        if refusedAsReadOnly() { return [] }
        guard let cache = snapshot?.caches.first(where: { $0.name == name }), let curve = cache.sizing,
            curve.points.count == SizingCurve.sizes.count
        else {
            show("cache '\(name)' keeps no sizing curve (CacheConfiguration.sizingCurve)", .error)
            return []
        }
        let now = curve.points[SizingCurve.boundIndex]
        let target = curve.points[SizingCurve.boundIndex + (larger ? 1 : -1)]
        guard target.capacity >= 1, target.capacity <= Engine.commandCacheCeiling else {
            show("cache '\(name)': \(target.capacity) entries is not a size a command may set", .error)
            return []
        }
        let change = Format.points(target.hitRatio - now.hitRatio)
        mode = .confirm(
            PendingCommand(
                prompt: "Resize cache '\(name)' to \(target.capacity) entries (predicted hit ratio "
                    + "\(Format.percent(target.hitRatio)), \(change))?",
                command: .resizeCache(cache: name, maximumCount: target.capacity)
            )
        )
        return []
    }

    private mutating func openFaultMenu() {
        let kind: ComponentKind
        switch focus {
        case .pools: kind = .pool
        case .caches: kind = .cache
        case .guards: kind = .resourceGuard
        case .mappings: kind = .mappedFile
        case .events:
            show("select a pool, cache, guard registry or mapping to inject a fault", .error)
            return
        }
        guard let name = selectedName(focus) else {
            show("nothing selected in \(focus.title)", .error)
            return
        }
        let kinds = FaultKind.allCases.filter { $0.component == kind }
        guard !kinds.isEmpty, snapshot?.scopes.contains(where: { $0.name == name }) != true else {
            show("'\(name)' takes no faults (a scope: inject into its registry)", .error)
            return
        }
        mode = .faultMenu(FaultMenu(target: name, kinds: kinds))
    }

    private mutating func navigate(_ menu: FaultMenu, _ key: Key) -> [Effect] {
        var menu = menu
        let durations = FaultMenu.durations
        let durationIndex = durations.firstIndex(of: menu.durationSeconds) ?? 1
        switch key {
        case .up, .character("k"): menu.selected = max(0, menu.selected - 1)
        case .down, .character("j"): menu.selected = min(menu.kinds.count - 1, menu.selected + 1)
        case .left, .character("h"): menu.durationSeconds = durations[max(0, durationIndex - 1)]
        case .right, .character("l"): menu.durationSeconds = durations[min(durations.count - 1, durationIndex + 1)]
        case .escape, .character("q"):
            mode = .normal
            return []
        case .enter:
            let command = ControlCommand.injectFault(
                target: menu.target,
                kind: menu.kind,
                amount: nil,
                durationSeconds: menu.durationSeconds
            )
            mode = .confirm(
                PendingCommand(
                    prompt: menu.kind.isOneShot
                        ? "Inject \(menu.kind.rawValue) into '\(menu.target)' now (once)?"
                        : "Inject \(menu.kind.rawValue) into '\(menu.target)' for \(Int(menu.durationSeconds)) s?",
                    command: command
                )
            )
            return []
        default: return []
        }
        mode = .faultMenu(menu)
        return []
    }

    private mutating func confirm(_ pending: PendingCommand, _ key: Key) -> [Effect] {
        switch key {
        case .character("y"), .character("Y"), .enter:
            mode = .normal
            return [.send(pending.command)]
        case .character("n"), .character("N"), .escape, .character("q"):
            mode = .normal
            show("cancelled")
        default: break
        }
        return []
    }

    private mutating func editFilter(_ key: Key) -> [Effect] {
        switch key {
        case .enter: mode = .normal
        case .escape:
            filter = ""
            mode = .normal
        case .backspace: if !filter.isEmpty { filter.removeLast() }
        case .character(let character): filter.append(character)
        default: break
        }
        for panel in Panel.allCases { selection[panel] = 0 }
        return []
    }

    private mutating func click(_ target: ClickTarget?) -> [Effect] {
        guard let target else { return [] }
        focus = target.panel
        if let row = target.row, row < rows(target.panel).count, target.panel != .events {
            selection[target.panel] = row
        }
        return []
    }
}

extension Array where Element: Equatable {
    /// The element `offset` places after `element`, wrapping around (`-1`: the one before); `element` itself
    /// when it is not in the array.
    func after(_ element: Element, by offset: Int) -> Element {
        guard let index = firstIndex(of: element) else { return element }
        return self[((index + offset) % count + count) % count]
    }
}
