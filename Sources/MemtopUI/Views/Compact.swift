import PatinoxMemory

extension Painter {
    /// Below 80×24: no boxes, one line per component, the essentials only.
    mutating func drawCompact() {
        for panel in [Panel.pools, .caches, .guards] {
            guard let rect = layout.panels[panel] else { continue }
            canvas.put(
                panel.title.uppercased(),
                x: 0,
                y: rect.y,
                style: CellStyle(.title, bold: true, reverse: state.focus == panel)
            )
            for row in visibleRows(panel) {
                canvas.put(line(panel, row.name), x: 2, y: row.y, maxWidth: state.width - 2)
                if row.selected { markSelection(y: row.y, x: 0, width: state.width) }
                warningBadge(panel, row.name, y: row.y, right: state.width)
            }
        }
        if let rect = layout.panels[.events], rect.height > 1 {
            canvas.put("EVENTS", x: 0, y: rect.y, style: CellStyle(.title, bold: true, reverse: state.focus == .events))
            let events = (state.snapshot?.events ?? []).suffix(rect.height - 1)
            for (offset, event) in events.enumerated() {
                canvas.put(
                    "\(event.component.path) \(event.kind.wireName): \(event.displayMessage)",
                    x: 2,
                    y: rect.y + 1 + offset,
                    maxWidth: state.width - 2
                )
            }
        }
    }

    private func line(_ panel: Panel, _ name: String) -> String {
        guard let snapshot = state.snapshot else { return name }
        switch panel {
        case .pools:
            guard let pool = snapshot.pools.first(where: { $0.name == name }) else { return name }
            let p99 = Format.wait(pool.acquireLatency.p99, samples: pool.acquireLatency.count)
            return "\(name) \(pool.leased)/\(pool.total)/\(pool.maximum) wait \(pool.waiters) "
                + "p99 \(p99) tmo \(pool.counters.timedOut)"
                + (pool.leases?.oldest.first.map { " oldest \(Format.held($0.age))" } ?? "")
                + (pool.circuitOpen ? " BREAKER" : "")
        case .caches:
            guard let cache = snapshot.caches.first(where: { $0.name == name }) else { return name }
            let ratio = state.rates[name]?.intervalHitRatio ?? cache.stats.hitRatio
            return "\(name) \(Format.count(cache.count)) hit \(Format.percent(ratio)) "
                + "\(Format.rate(state.rates[name]?.hitsPerSecond ?? 0))/s"
        default:
            guard let registry = snapshot.guards.first(where: { $0.name == name }) else { return name }
            return "\(name) active \(registry.status.active) cleaned \(Format.count(registry.status.cleaned)) "
                + "failed \(registry.status.failed)"
        }
    }
}
