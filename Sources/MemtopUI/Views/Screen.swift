import PatinoxMemory

/// Draws the whole screen for a state: a pure function, so every screen is testable as text.
public enum Screen {
    public static func render(_ state: AppState, glyphs: Glyphs) -> Canvas {
        var painter = Painter(state: state, glyphs: glyphs, canvas: Canvas(width: state.width, height: state.height))
        painter.draw()
        if glyphs == .ascii { painter.canvas.asciify() }
        return painter.canvas
    }
}

extension Canvas {
    /// Replaces every non-ASCII character (ellipses, arrows, names with accents) for terminals without
    /// UTF-8: the few the views use get an ASCII look-alike, the rest a `?`.
    mutating func asciify() {
        let lookAlikes: [Character: Character] = [
            "…": "~", "◀": "<", "▶": ">", "↑": "^", "↓": "v", "←": "<", "→": ">", "⚠": "!", "▏": "|", "∞": "~",
            "—": "-", "µ": "u", "·": ".", "×": "x",
        ]
        for y in 0..<height {
            for x in 0..<width where !self[x, y].character.isASCII {
                self[x, y].character = lookAlikes[self[x, y].character] ?? "?"
            }
        }
    }
}

/// The drawing context the views share.
struct Painter {
    let state: AppState
    let glyphs: Glyphs
    var canvas: Canvas
    let layout: Layout

    init(state: AppState, glyphs: Glyphs, canvas: Canvas) {
        self.state = state
        self.glyphs = glyphs
        self.canvas = canvas
        layout = Layout(state)
    }

    mutating func draw() {
        guard state.width >= 20, state.height >= 5 else {
            canvas.put("memtop: terminal too small", x: 0, y: 0, style: CellStyle(.warn))
            return
        }
        if fleetUnderneath {
            drawFleet()
        } else if case .detail(let panel, let name) = state.mode {
            drawHeader(compact: true)
            drawDetail(panel, name)
        } else if layout.compact {
            drawHeader(compact: true)
            drawCompact()
        } else {
            drawHeader(compact: false)
            drawPools()
            drawCaches()
            drawGuards()
            drawMappings()
            drawEvents()
        }
        switch state.mode {
        case .help: drawHelp()
        case .faultMenu(let menu): drawFaultMenu(menu)
        case .confirm(let pending): drawConfirm(pending)
        case .enginePicker(let selected): drawEnginePicker(selected)
        default: break
        }
        if fleetUnderneath { drawFleetFooter() } else { drawFooter() }
    }

    /// Whether the fleet is drawn: its view, or the help or engine picker opened from it.
    private var fleetUnderneath: Bool {
        state.showsFleet || (state.fleet.returnsToFleet && (state.mode == .help || state.isPickingEngine))
    }

    /// A panel's box, highlighted when it has the focus.
    mutating func frame(_ panel: Panel, title: String) -> Rect? {
        guard let rect = layout.panels[panel], rect.height >= 2 else { return nil }
        let focused = state.focus == panel
        canvas.box(
            x: rect.x,
            y: rect.y,
            width: rect.width,
            height: rect.height,
            title: title,
            style: CellStyle(focused ? .title : .border),
            titleStyle: CellStyle(.title, bold: true, reverse: focused),
            glyphs: glyphs
        )
        return rect
    }

    /// The visible rows of a panel, with their screen line, and whether each is selected.
    func visibleRows(_ panel: Panel) -> [(name: String, y: Int, selected: Bool)] {
        guard let rect = layout.panels[panel] else { return [] }
        let rows = state.rows(panel)
        let visible = layout.visibleRows(panel)
        let first = Layout.firstVisible(state, panel, visible: visible)
        let selected = min(state.selection[panel] ?? 0, max(rows.count - 1, 0))
        let offset = layout.compact ? 1 : Layout.rowOffset
        return rows.indices.dropFirst(first).prefix(visible).map { index in
            (rows[index], rect.y + offset + index - first, index == selected && state.focus == panel)
        }
    }

    /// Marks a selected row: the pointer glyph and the selection colour over the row.
    mutating func markSelection(y: Int, x: Int, width: Int) {
        canvas.put(String(glyphs.selected), x: x, y: y, style: CellStyle(.selected))
        canvas.restyle(x: x, y: y, width: width, style: CellStyle(.selected))
    }

    /// A row's warning text at its right end.
    mutating func warningBadge(_ panel: Panel, _ name: String, y: Int, right: Int) {
        guard let warning = state.warnings(for: panel, name).first else { return }
        // The short name only ("starving"): the whole text is on the header's warning line.
        let short = warning.text.split(separator: ":").first.map(String.init) ?? warning.text
        let badge = "⚠ " + short  // ASCII terminals get "!" from the final asciify pass
        canvas.put(badge, x: max(right - badge.count, 0), y: y, style: CellStyle(.warn, bold: true))
    }
}
