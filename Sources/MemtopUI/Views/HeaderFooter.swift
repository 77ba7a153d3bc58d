import MemtopSource
import PatinoxMemory

extension Painter {
    mutating func drawHeader(compact: Bool) {
        canvas.fill(x: 0, y: 0, width: state.width, height: 1, style: CellStyle(.header))
        let snapshot = state.snapshot
        let health = snapshot?.health.overall ?? .healthy
        let live = LiveBadge(state)
        let faults = snapshot?.faults.count ?? 0
        var parts = HeaderPart.parts(of: state, compact: compact)
        // The least important parts go first when the line is too narrow for them and the health, fault and
        // LIVE badges that always show.
        let badges = health.rawValue.count + (faults > 0 ? 12 : 0) + live.text.count + 8
        func width() -> Int { parts.map(\.text).joined(separator: " · ").count + badges }
        for rank in 0..<HeaderPart.dispensableRanks where width() > state.width {
            parts.removeAll { $0.dispensableRank == rank }
        }
        let text = parts.map(\.text).joined(separator: " · ")
        var x = canvas.put(text, x: 0, y: 0, style: CellStyle(.header))
        x = canvas.put(" · ", x: x, y: 0, style: CellStyle(.header))
        let healthRole: ColorRole = health == .healthy ? .good : health == .degraded ? .warn : .bad
        x = canvas.put(
            health.rawValue.uppercased(),
            x: x,
            y: 0,
            style: CellStyle(healthRole, bold: true, reverse: true)
        )
        if faults > 0 {
            x = canvas.put(" · ", x: x, y: 0, style: CellStyle(.header))
            x = canvas.put(
                "\(faults) FAULT\(faults == 1 ? "" : "S")",
                x: x,
                y: 0,
                style: CellStyle(.bad, bold: true, reverse: true)
            )
        }
        canvas.put(
            " \(live.text) ",
            x: max(state.width - live.text.count - 2, x + 1),
            y: 0,
            style: CellStyle(live.role, bold: true, reverse: true)
        )
        if !compact { drawStatusLine() }
    }

    /// The header's second line: the feed's trouble first, then the warnings, else sort, filter and theme.
    private mutating func drawStatusLine() {
        if let status = state.feedStatus {
            canvas.put(" \(status)", x: 0, y: 1, style: CellStyle(.bad, bold: true))
        } else if !state.warnings.isEmpty {
            let text = state.warnings.map { "\($0.name): \($0.text)" }.joined(separator: " · ")
            canvas.put(
                " ⚠ \(state.warnings.count) warning\(state.warnings.count == 1 ? "" : "s"): \(text)",
                x: 0,
                y: 1,
                style: CellStyle(.warn, bold: true),
                maxWidth: state.width
            )
        } else {
            let sort = "sort: \(state.sort.rawValue)"
            let filter = state.filter.isEmpty ? "" : " · filter: \(state.filter)"
            canvas.put(
                " no warnings · \(sort)\(filter) · theme: \(state.theme.name)",
                x: 0,
                y: 1,
                style: CellStyle(.dim)
            )
        }
    }

    /// The fleet view's footer: its filter while it is edited, a message, else its keys.
    mutating func drawFleetFooter() {
        let y = state.height - 1
        canvas.fill(x: 0, y: y, width: state.width, height: 1, style: CellStyle(.footer))
        if state.fleet.editingFilter {
            let text = " Filter the fleet: \(state.fleet.filter)▏  (engine, service, instance or label; Enter keeps it)"
            canvas.put(text, x: 0, y: y, style: CellStyle(.footer, bold: true))
            return
        }
        drawHints([
            (.details, "Open"), (.filter, "Filter"), (.cycleSort, "Sort"), (.engines, "Engines"), (.help, "Help"),
            (.quit, "Quit"),
        ])
    }

    mutating func drawFooter() {
        let y = state.height - 1
        canvas.fill(x: 0, y: y, width: state.width, height: 1, style: CellStyle(.footer))
        if state.mode == .filter {
            canvas.put(
                " Filter: \(state.filter)▏  (Enter keeps it, Esc clears it)",
                x: 0,
                y: y,
                style: CellStyle(.footer, bold: true)
            )
            return
        }
        let hints: [(UICommand, String)] =
            state.readOnly
            ? [
                (.help, "Help"), (.nextPanel, "Panel"), (.details, "Details"), (.pause, "Pause"), (.filter, "Filter"),
                (.cycleSort, "Sort"), (.cycleTheme, "Theme"), (.quit, "Quit"),
            ]
            : [
                (.help, "Help"), (.nextPanel, "Panel"), (.details, "Details"), (.growMaximum, "Grow"),
                (.shrinkMaximum, "Shrink"), (.faultMenu, "Fault"), (.clearFaults, "Clear"), (.flushCache, "Flush"),
                (.pause, "Pause"), (.filter, "Filter"), (.cycleSort, "Sort"), (.cycleTheme, "Theme"),
                (.resetStats, "Reset"), (.quit, "Quit"),
            ]
        drawHints(hints)
    }

    /// A message if one is up, else key hints on the footer line, as many as fit.
    private mutating func drawHints(_ hints: [(UICommand, String)]) {
        let y = state.height - 1
        if let message = state.message {
            canvas.put(
                " \(message.text)",
                x: 0,
                y: y,
                style: CellStyle(message.level == .error ? .bad : .footer, bold: true, reverse: message.level == .error)
            )
            return
        }
        var x = 0
        for (command, label) in hints {
            guard let key = state.keymap.keys(for: command).first else { continue }
            let name = key.configName.count == 1 ? key.configName : key.configName.capitalized
            guard x + name.count + label.count + 2 <= state.width else { break }
            x = canvas.put(name, x: x, y: y, style: CellStyle(.key, bold: true))
            x = canvas.put(label + " ", x: x, y: y, style: CellStyle(.footer))
        }
    }
}

/// One part of the header line.
enum HeaderPart {
    case title
    case readOnly
    case source(SourceInfo)
    /// The time since the app started.
    case uptime(Duration)
    case position(PlaybackStatus)
    case engine(String)
    /// The refresh interval.
    case refresh(Duration)

    /// The parts for `state`, in the order they are drawn (a replay's position comes third: after READ-ONLY
    /// when the source is read-only, else after the source).
    static func parts(of state: AppState, compact: Bool) -> [HeaderPart] {
        var parts: [HeaderPart] = [.title, .source(state.source), .uptime(state.now)]
        if state.readOnly { parts.insert(.readOnly, at: 1) }
        if let playback = state.playback { parts.insert(.position(playback), at: 2) }
        if !compact {
            parts.insert(.engine(state.snapshot?.engine ?? "—"), at: parts.count - 1)
            parts.insert(.refresh(state.refreshInterval), at: parts.count - 1)
        }
        return parts
    }

    var text: String {
        switch self {
        case .title: " memtop"
        case .readOnly: "READ-ONLY"
        case .source(let source): "\(source.kind.rawValue) \(source.detail)"
        case .uptime(let now): "up \(Format.clock(now))"
        case .position(let playback): "at \(Format.clock(playback.position)) of \(Format.clock(playback.duration))"
        case .engine(let name): "engine \(name)"
        case .refresh(let interval): "refresh \(interval.wholeMilliseconds) ms"
        }
    }

    /// How many ranks of dispensable parts there are.
    static let dispensableRanks = 3

    /// When the line is too narrow, parts go by rank: the refresh first, then the engine, then the source;
    /// nil for the parts that always stay.
    var dispensableRank: Int? {
        switch self {
        case .refresh: 0
        case .engine: 1
        case .source: 2
        case .title, .readOnly, .uptime, .position: nil
        }
    }
}

/// The badge at the header's right end: whether what is drawn is live.
enum LiveBadge {
    case live
    case paused
    case stale
    case playback(PlaybackStatus)

    init(_ state: AppState) {
        if let playback = state.playback {
            self = .playback(playback)
        } else {
            self = state.paused ? .paused : state.isStale ? .stale : .live
        }
    }

    var text: String {
        switch self {
        case .live: "LIVE"
        case .paused: "PAUSED"
        case .stale: "STALE"
        case .playback(let playback): playback.badge
        }
    }

    /// Good while data flows (live, or a replay that plays); a warning when it does not.
    var role: ColorRole {
        switch self {
        case .live: .good
        case .paused, .stale: .warn
        case .playback(let playback): playback.paused || playback.ended ? .warn : .good
        }
    }
}
