import PatinoxMemory

extension Painter {
    mutating func drawHeader(compact: Bool) {
        canvas.fill(x: 0, y: 0, width: state.width, height: 1, style: CellStyle(.header))
        let snapshot = state.snapshot
        let health = snapshot?.health.overall ?? .healthy
        let live = state.playback?.badge ?? (state.paused ? "PAUSED" : (state.isStale ? "STALE" : "LIVE"))
        let faults = snapshot?.faults.count ?? 0
        // Parts in order of importance; the least important go first when the line is too narrow for them
        // and the health, fault and LIVE badges that always show.
        var parts = [
            " memtop", "\(state.source.kind.rawValue) \(state.source.detail)", "up \(Format.clock(state.now))",
        ]
        if state.readOnly { parts.insert("READ-ONLY", at: 1) }
        if let playback = state.playback {
            parts.insert("at \(Format.clock(playback.position)) of \(Format.clock(playback.duration))", at: 2)
        }
        if !compact {
            parts.insert("engine \(snapshot?.engine ?? "—")", at: parts.count - 1)
            parts.insert("refresh \(Int(state.refreshSeconds * 1000)) ms", at: parts.count - 1)
        }
        let badges = health.rawValue.count + (faults > 0 ? 12 : 0) + live.count + 8
        for dispensable in ["refresh", "engine", "local", "remote", "replay"]
        where
            parts.joined(separator: " · ").count + badges > state.width
        {
            parts.removeAll { $0.hasPrefix(dispensable) }
        }
        var x = canvas.put(parts.joined(separator: " · "), x: 0, y: 0, style: CellStyle(.header))
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
        let liveRole: ColorRole = live == "LIVE" || live.hasPrefix("PLAY") ? .good : .warn
        canvas.put(
            " \(live) ",
            x: max(state.width - live.count - 2, x + 1),
            y: 0,
            style: CellStyle(liveRole, bold: true, reverse: true)
        )
        guard !compact else { return }
        // Second line: the feed's trouble first, then the warnings, else the scenario's story.
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
        if let message = state.message {
            canvas.put(
                " \(message.text)",
                x: 0,
                y: y,
                style: CellStyle(message.level == .error ? .bad : .footer, bold: true, reverse: message.level == .error)
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
