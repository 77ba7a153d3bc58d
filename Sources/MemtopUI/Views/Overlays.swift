import MemtopSource
import PatinoxMemory

extension Painter {
    /// A centred dialog box with lines of text; returns its rectangle.
    @discardableResult
    mutating func dialog(title: String, lines: [(String, CellStyle)]) -> Rect {
        let width = min(max(lines.map(\.0.count).max() ?? 0, title.count + 4) + 4, state.width - 2)
        let height = min(lines.count + 2, state.height - 2)
        let rect = Rect(
            x: (state.width - width) / 2,
            y: max((state.height - height) / 2, 1),
            width: width,
            height: height
        )
        canvas.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
        canvas.box(
            x: rect.x,
            y: rect.y,
            width: width,
            height: height,
            title: title,
            style: CellStyle(.title),
            titleStyle: CellStyle(.title, bold: true),
            glyphs: glyphs
        )
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            canvas.put(line.0, x: rect.x + 2, y: rect.y + 1 + offset, style: line.1, maxWidth: width - 4)
        }
        return rect
    }

    mutating func drawHelp() {
        var lines: [(String, CellStyle)] = []
        for command in UICommand.allCases {
            let keys = state.keymap.keys(for: command).map(\.configName).joined(separator: " ")
            guard !keys.isEmpty else { continue }
            let refused = command.isControl && state.readOnly ? "  (read-only)" : ""
            lines.append((Format.fit(keys, 16) + command.summary + refused, CellStyle(refused.isEmpty ? .text : .dim)))
        }
        lines.append(("mouse: click selects a panel or row, the wheel scrolls", CellStyle(.dim)))
        lines.append(
            (
                "fleet view (several engines): Enter opens one, Esc returns, / filters, s sorts (worst, name, silence)",
                CellStyle(.dim)
            )
        )
        lines.append(("", .text))
        lines.append(("Warnings:", CellStyle(.title, bold: true)))
        let thresholds = state.thresholds
        lines.append(("  starving: a pool has had waiters for \(Int(thresholds.starvingSeconds)) s or more", .text))
        lines.append(
            (
                "  thrashing: a cache's hit ratio fell \(Int(thresholds.hitRatioDrop * 100)) points below its "
                    + "recent average",
                .text
            )
        )
        lines.append(("  leak: a lease was held past the pool's leak threshold", .text))
        lines.append(("  cleanup failures rising: a guard registry's failed cleanups went up", .text))
        lines.append(("  stale: no snapshot for \(Int(thresholds.staleIntervals)) refresh intervals", .text))
        lines.append(
            (
                "  fleet: an engine is STALE after \(FleetTiming.staleAfter.components.seconds) s without a summary, "
                    + "gone after \(FleetTiming.leaveAfter.components.seconds) s",
                .text
            )
        )
        lines.append(("", .text))
        lines.append(("any key closes this help", CellStyle(.dim)))
        dialog(title: "memtop help — keys (rebind them in config.toml)", lines: lines)
    }

    mutating func drawFaultMenu(_ menu: FaultMenu) {
        var lines: [(String, CellStyle)] = [("Target: \(menu.target)", CellStyle(.accent, bold: true)), ("", .text)]
        for (index, kind) in menu.kinds.enumerated() {
            let marker = index == menu.selected ? "\(glyphs.selected) " : "  "
            lines.append((marker + kind.rawValue, CellStyle(index == menu.selected ? .selected : .text)))
        }
        lines.append(("", .text))
        let duration = menu.kind.isOneShot ? "once, at once" : "◀ \(Int(menu.durationSeconds)) s ▶"
        lines.append(("Duration: \(duration)", CellStyle(.title)))
        lines.append(("↑↓ kind · ←→ duration · Enter inject · Esc cancel", CellStyle(.dim)))
        dialog(title: "Inject a fault", lines: lines)
    }

    mutating func drawEnginePicker(_ selected: Int) {
        let engines = state.engines ?? []
        var lines: [(String, CellStyle)] = []
        if engines.isEmpty {
            lines.append(("No engine heard yet on \(state.source.detail); listening…", CellStyle(.warn, bold: true)))
            lines.append(("Start one: memtop publish --broker URL --name NAME", CellStyle(.dim)))
        } else {
            lines.append(
                (
                    Format.fit("engine", 24) + Format.fit("last heard", 12) + Format.fit("rate", 10) + "size",
                    CellStyle(.title)
                )
            )
        }
        for (index, engine) in engines.enumerated() {
            let marker = index == selected ? "\(glyphs.selected) " : "  "
            let drawn = engine.name == state.snapshot?.engine ? " (drawn)" : ""
            let heard = engine.silentFor < .seconds(1) ? "now" : "\(Format.tenths(engine.silentFor.inSeconds)) s ago"
            let text =
                marker + Format.fit(engine.name + drawn, 22) + Format.fit(heard, 12)
                + Format.fit("\(Format.tenths(engine.rate))/s", 10) + Format.bytes(engine.bytes)
            let role: ColorRole =
                index == selected
                ? .selected : engine.silentFor.inSeconds > 4 * state.refreshInterval.inSeconds ? .dim : .text
            lines.append((text, CellStyle(role)))
        }
        lines.append(("", .text))
        lines.append(("↑↓ choose · Enter draw it · Esc close", CellStyle(.dim)))
        dialog(title: "Engines on the broker", lines: lines)
    }

    mutating func drawConfirm(_ pending: PendingCommand) {
        dialog(
            title: "Confirm",
            lines: [
                (pending.prompt, CellStyle(.warn, bold: true)), ("", .text), ("y: yes   n / Esc: no", CellStyle(.dim)),
            ]
        )
    }
}
