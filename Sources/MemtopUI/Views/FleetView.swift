import MemtopSource
import PatinoxMemory

/// The fleet view: every engine on the broker, one row each, grouped by service with an aggregate row per
/// service, worst first; the header counts the fleet and names the worst engines.
extension Painter {
    mutating func drawFleet() {
        drawFleetHeader()
        let compact = state.isCompact
        let top = compact ? 1 : 2
        let rect = Rect(x: 0, y: top, width: state.width, height: state.height - top - 1)
        let services = state.fleetServices()
        let engines = services.reduce(0) { $0 + $1.engines.count }
        let filter = state.fleet.filter.isEmpty ? "" : " matching '\(state.fleet.filter)'"
        canvas.box(
            x: rect.x,
            y: rect.y,
            width: rect.width,
            height: rect.height,
            title: "Fleet: \(engines) engine\(engines == 1 ? "" : "s") in \(services.count) service"
                + "\(services.count == 1 ? "" : "s")\(filter) · sorted by \(state.fleet.sort.rawValue)",
            style: CellStyle(.title),
            titleStyle: CellStyle(.title, bold: true, reverse: true),
            glyphs: glyphs
        )
        let layout = ColumnLayout(Self.fleetColumns, inner: rect.width - 2)
        drawColumnTitles(Self.fleetColumns, layout, x: rect.x + 1, y: rect.y + 1, right: rect.x + rect.width - 1)
        let rows = state.fleetRows()
        let visible = max(rect.height - 3, 0)
        if rows.isEmpty {
            let why =
                state.fleet.filter.isEmpty
                ? "No engine heard yet on \(state.source.detail); listening… (memtop publish --service S --instance N)"
                : "No engine matches '\(state.fleet.filter)' (Esc clears the filter)"
            canvas.put(why, x: rect.x + 2, y: rect.y + 2, style: CellStyle(.warn, bold: true), maxWidth: rect.width - 4)
            return
        }
        let selected = state.fleetSelection
        let selectedIndex = selected.flatMap { state.fleetTable.rowOfEngine[$0] } ?? 0
        // The selected row stays in view; its service's aggregate row too when there is room.
        let first = selectedIndex >= visible ? selectedIndex - visible + 1 : 0
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = rect.y + 2 + offset
            let cells: [ColumnContent]
            switch row {
            case .service(let service): cells = serviceCells(service)
            case .engine(let engine): cells = engineCells(engine, grouped: rowIsGrouped(rows, first + offset))
            }
            drawCells(cells, Self.fleetColumns, layout, x: rect.x + 1, y: y, right: rect.x + rect.width - 1)
            if case .engine(let engine) = row, engine.name == selected {
                markSelection(y: y, x: rect.x + 1, width: layout.widths.first ?? 0)
            }
        }
        if rows.count > visible, visible > 0 {
            let more = "\(first + 1)–\(min(first + visible, rows.count)) of \(rows.count)"
            canvas.put(
                " \(more) ",
                x: max(rect.x + rect.width - more.count - 4, 1),
                y: rect.y + rect.height - 1,
                style: CellStyle(.dim)
            )
        }
    }

    /// engine · health · pool · leased bar · leased/max · waiters · timeouts/s · hit ratio · guard failures ·
    /// faults · heard · warnings; narrow screens drop the highest priorities first.
    static let fleetColumns: [ColumnSpec] = [
        ColumnSpec(title: "engine", width: 22, priority: 0),
        ColumnSpec(title: "health", width: 9, priority: 0),
        ColumnSpec(title: "pool", width: 8, priority: 5),
        ColumnSpec(title: "leased", width: 10, priority: 3),
        ColumnSpec(title: "used/max", width: 9, priority: 0, alignRight: true),
        ColumnSpec(title: "wait", width: 5, priority: 0, alignRight: true),
        ColumnSpec(title: "to/s", width: 5, priority: 2, alignRight: true),
        ColumnSpec(title: "hit", width: 5, priority: 1, alignRight: true),
        ColumnSpec(title: "gfail", width: 5, priority: 6, alignRight: true),
        ColumnSpec(title: "flt", width: 3, priority: 6, alignRight: true),
        ColumnSpec(title: "heard", width: 6, priority: 4, alignRight: true),
        ColumnSpec(title: "warnings", width: 0, priority: 7),
    ]

    private func rowIsGrouped(_ rows: [FleetRow], _ index: Int) -> Bool {
        // Under an aggregate row: some row above it, back to the service's first, is its service's.
        guard case .engine(let engine) = rows[index] else { return false }
        for row in rows[..<index].reversed() {
            switch row {
            case .service(let service): return service.name == engine.service
            case .engine(let other) where other.service != engine.service: return false
            case .engine: continue
            }
        }
        return false
    }

    private func serviceCells(_ service: FleetService) -> [ColumnContent] {
        let title = CellStyle(.title, bold: true)
        let share = service.maximum > 0 ? Double(service.leased) / Double(service.maximum) : 0
        let waiters = service.waiters
        let timeouts = service.engines.reduce(0.0) { $0 + ($1.summary?.worstPool?.timeoutsPerSecond ?? 0) }
        let unwell = service.engines.count - service.healthy
        return [
            .text(service.name, title),
            .text("\(service.healthy)/\(service.engines.count) ok", CellStyle(healthRole(service.worst), bold: true)),
            .plain(""),
            .bar([(share, CellStyle(.leased), glyphs.full)]),
            .text("\(Format.count(service.leased))/\(Format.count(service.maximum))", title),
            .text(Format.count(waiters), CellStyle(waiters > 0 ? .warn : .text, bold: true)),
            .text(Format.tenths(timeouts), CellStyle(timeouts > 0 ? .bad : .dim)),
            hitCell(service.lowestHitRatio, bold: true),
            .plain(Format.count(service.engines.reduce(0) { $0.saturatingAdd($1.summary?.guardFailures ?? 0) })),
            .plain(Format.count(service.engines.reduce(0) { $0.saturatingAdd($1.summary?.faults ?? 0) })),
            .plain(""),
            .text(unwell > 0 ? "\(unwell) of \(service.engines.count) not healthy" : "", CellStyle(.warn)),
        ]
    }

    private func engineCells(_ engine: FleetEngine, grouped: Bool) -> [ColumnContent] {
        let summary = engine.summary
        let pool = summary?.worstPool
        // Two spaces for the selection marker; two more under a service's aggregate row.
        let name =
            grouped ? "    " + (summary?.instance.map { "#\($0) \(engine.name)" } ?? engine.name) : "  " + engine.name
        let waiters = pool?.waiters ?? 0
        let timeouts = pool?.timeoutsPerSecond ?? 0
        let silence = engine.listing.silentFor
        let heard = silence < .seconds(1) ? "now" : Format.duration(silence)
        let warnings = (summary?.reasons ?? []) + (summary?.warnings ?? [])
        let role = healthRole(engine.health)
        return [
            .text(name, CellStyle(engine.health >= .degraded ? role : .text, bold: engine.health >= .stale)),
            .text(engine.health.label, CellStyle(role, bold: engine.health != .healthy)),
            .plain(pool?.name ?? "—"),
            .bar([(engine.saturation, CellStyle(engine.saturation >= 1 ? .bad : .leased), glyphs.full)]),
            .plain(pool.map { "\(Format.count($0.leased))/\(Format.count($0.maximum))" } ?? "—"),
            .text(pool == nil ? "—" : Format.count(waiters), CellStyle(waiters > 0 ? .warn : .text, bold: waiters > 0)),
            .text(pool == nil ? "—" : Format.tenths(timeouts), CellStyle(timeouts > 0 ? .bad : .dim)),
            hitCell(summary?.lowestHitRatio, bold: false),
            .plain(summary.map { Format.count($0.guardFailures) } ?? "—"),
            .text(summary.map { String($0.faults) } ?? "—", CellStyle((summary?.faults ?? 0) > 0 ? .bad : .text)),
            .text(heard, CellStyle(engine.health == .stale ? .warn : .dim)),
            .text(warnings.joined(separator: " · "), CellStyle(.warn)),
        ]
    }

    private func hitCell(_ ratio: Double?, bold: Bool) -> ColumnContent {
        guard let ratio else { return .text("—", CellStyle(.dim)) }
        return .text(Format.percent(ratio), CellStyle(ratio < 0.5 ? .warn : .text, bold: bold))
    }

    private func healthRole(_ health: FleetHealth) -> ColorRole {
        switch health {
        case .unknown: .dim
        case .healthy: .good
        case .degraded, .stale: .warn
        case .unhealthy: .bad
        }
    }

    /// The fleet's header: where, how long, the counts; its second line the feed's trouble or the worst engines.
    private mutating func drawFleetHeader() {
        canvas.fill(x: 0, y: 0, width: state.width, height: 1, style: CellStyle(.header))
        let counts = state.fleetCounts()
        var parts = [
            " memtop", "\(state.source.kind.rawValue) \(state.source.detail)", "up \(Format.clock(state.now))",
            "\(counts.engines) engine\(counts.engines == 1 ? "" : "s")",
        ]
        if state.readOnly { parts.insert("READ-ONLY", at: 1) }
        if let playback = state.playback { parts.insert(HeaderPart.position(playback).text, at: parts.count - 1) }
        for (count, word) in [
            (counts.degraded, "degraded"), (counts.unhealthy, "unhealthy"), (counts.stale, "stale"),
            (counts.starving, "starving"),
        ] where count > 0 {
            parts.append("\(count) \(word)")
        }
        // Too narrow: the source goes first, then the uptime; the counts stay.
        for dispensable in ["\(state.source.kind.rawValue) \(state.source.detail)", "up \(Format.clock(state.now))"]
        where parts.joined(separator: " · ").count + 8 > state.width {
            parts.removeAll { $0 == dispensable }
        }
        canvas.put(parts.joined(separator: " · "), x: 0, y: 0, style: CellStyle(.header), maxWidth: state.width - 7)
        // A replay's badge is its own (PLAYING, PAUSED, ENDED); live, the fleet is STALE when every engine is.
        let live = counts.engines > 0 && (state.engines ?? []).contains { $0.silentFor <= FleetTiming.staleAfter }
        let badge = state.playback.map { _ in LiveBadge(state) } ?? (live ? .live : .stale)
        canvas.put(
            " \(badge.text) ",
            x: max(state.width - badge.text.count - 2, 0),
            y: 0,
            style: CellStyle(badge.role, bold: true, reverse: true)
        )
        guard !state.isCompact else { return }
        if let status = state.feedStatus {
            canvas.put(" \(status)", x: 0, y: 1, style: CellStyle(.bad, bold: true), maxWidth: state.width)
            return
        }
        let worst = state.fleetTable.worst
        guard !worst.isEmpty else {
            canvas.put(" every engine healthy · / filter · s sort", x: 0, y: 1, style: CellStyle(.dim))
            return
        }
        let named = worst.prefix(3).map { engine in
            let why = engine.summary?.reasons.first ?? engine.summary?.warnings.first
            return "\(engine.name) \(engine.health.label.lowercased())" + (why.map { " (\($0))" } ?? "")
        }
        let more = worst.count > 3 ? " · and \(worst.count - 3) more" : ""
        canvas.put(
            " ⚠ worst: " + named.joined(separator: " · ") + more,
            x: 0,
            y: 1,
            style: CellStyle(.warn, bold: true),
            maxWidth: state.width
        )
    }
}
