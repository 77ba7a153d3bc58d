import MemtopSource
import PatinoxMemory

extension Painter {
    mutating func drawPools() {
        guard let rect = frame(.pools, title: "Pools (\(state.rows(.pools).count))") else { return }
        let (state, glyphs) = (self.state, self.glyphs)  // the row closure reads these while the table draws
        let columns = [
            ColumnSpec(title: "  name", width: 14, priority: 0),
            ColumnSpec(title: "occupancy", width: 0, priority: 0, minimum: 10),
            ColumnSpec(title: "leased/idle/max", width: 15, priority: 0, alignRight: true),
            ColumnSpec(title: "wait", width: 5, priority: 0, alignRight: true),
            ColumnSpec(title: "oldest", width: 6, priority: 2, alignRight: true),
            ColumnSpec(title: "p50", width: 7, priority: 3, alignRight: true),
            ColumnSpec(title: "p99", width: 7, priority: 1, alignRight: true),
            ColumnSpec(title: "timeout", width: 7, priority: 1, alignRight: true),
            ColumnSpec(title: "failed", width: 6, priority: 2, alignRight: true),
            ColumnSpec(title: "replaced", width: 8, priority: 2, alignRight: true),
            ColumnSpec(title: "state", width: 7, priority: 1),
            ColumnSpec(title: "leased over time", width: 24, priority: 4),
        ]
        drawTable(.pools, in: rect, columns: columns) { name in
            guard let pool = state.snapshot?.pools.first(where: { $0.name == name }) else { return nil }
            let total = Double(max(pool.maximum, 1))
            let failed = pool.counters.createFailures.saturatingAdd(pool.counters.validationFailures)
            let status = pool.circuitOpen ? "BREAKER" : pool.phase == .running ? "ok" : pool.phase.rawValue
            return [
                .plain("  " + pool.name),
                .bar([
                    (Double(pool.leased) / total, CellStyle(.leased), glyphs.full),
                    (Double(pool.idle) / total, CellStyle(.idle), glyphs.idle),
                ]),
                .plain("\(pool.leased)/\(pool.idle)/\(pool.maximum)"),
                .text(String(pool.waiters), CellStyle(pool.waiters > 0 ? .warn : .text, bold: pool.waiters > 0)),
                Self.oldestLease(pool.leases),
                .plain(Format.wait(pool.acquireLatency.p50, samples: pool.acquireLatency.count)),
                .plain(Format.wait(pool.acquireLatency.p99, samples: pool.acquireLatency.count)),
                .text(Format.count(pool.counters.timedOut), CellStyle(pool.counters.timedOut > 0 ? .warn : .text)),
                .text(Format.count(failed), CellStyle(failed > 0 ? .bad : .text)),
                .plain(Format.count(pool.counters.replaced)),
                .text(status, CellStyle(pool.circuitOpen ? .bad : .good, bold: pool.circuitOpen)),
                .spark(state.history.leased[pool.name] ?? [], maximum: total),
            ]
        }
    }

    /// The pools table's "oldest" cell: how long the oldest lease has been held, red past the leak threshold.
    static func oldestLease(_ report: LeaseReport?) -> ColumnContent {
        guard let oldest = report?.oldest.first else { return .text("—", CellStyle(.dim)) }
        return .text(
            Format.held(oldest.age),
            CellStyle(oldest.overThreshold ? .bad : .text, bold: oldest.overThreshold)
        )
    }

    mutating func drawCaches() {
        guard let rect = frame(.caches, title: "Caches (\(state.rows(.caches).count))") else { return }
        let state = self.state  // the row closure reads these while the table draws
        let columns = [
            ColumnSpec(title: "  name", width: 14, priority: 0),
            ColumnSpec(title: "policy", width: 8, priority: 3),
            ColumnSpec(title: "entries/cap", width: 13, priority: 0, alignRight: true),
            ColumnSpec(title: "weight/limit", width: 13, priority: 4, alignRight: true),
            ColumnSpec(title: "hit ratio", width: 9, priority: 0, alignRight: true),
            ColumnSpec(title: "hit ratio over time", width: 0, priority: 2, minimum: 12),
            ColumnSpec(title: "hits/s", width: 7, priority: 0, alignRight: true),
            ColumnSpec(title: "miss/s", width: 7, priority: 1, alignRight: true),
            ColumnSpec(title: "evict/s", width: 7, priority: 1, alignRight: true),
        ]
        drawTable(.caches, in: rect, columns: columns) { name in
            guard let cache = state.snapshot?.caches.first(where: { $0.name == name }) else { return nil }
            let rates = state.rates[name]
            let ratio = rates?.intervalHitRatio ?? cache.stats.hitRatio
            let role: ColorRole = ratio >= 0.8 ? .good : ratio >= 0.5 ? .warn : .bad
            return [
                .plain("  " + cache.name),
                .text(cache.policy.rawValue, CellStyle(.dim)),
                .plain("\(Format.count(cache.count))/\(cache.maximumCount.map(Format.count) ?? "∞")"),
                .plain("\(Format.count(cache.weight))/\(cache.maximumWeight.map(Format.count) ?? "—")"),
                .text(Format.percent(ratio), CellStyle(role, bold: true)),
                .spark(state.history.hitRatio[name] ?? [], maximum: 1),
                .plain(Format.rate(rates?.hitsPerSecond ?? 0)),
                .plain(Format.rate(rates?.missesPerSecond ?? 0)),
                .plain(Format.rate(rates?.evictionsPerSecond ?? 0)),
            ]
        }
    }

    mutating func drawGuards() {
        guard let rect = frame(.guards, title: "Guards") else { return }
        let state = self.state  // the row closure reads these while the table draws
        let columns = [
            ColumnSpec(title: "  registry", width: 0, priority: 0, minimum: 10),
            ColumnSpec(title: "active", width: 6, priority: 0, alignRight: true),
            ColumnSpec(title: "cleaned", width: 7, priority: 0, alignRight: true),
            ColumnSpec(title: "failed", width: 6, priority: 0, alignRight: true),
            ColumnSpec(title: "pending", width: 7, priority: 1, alignRight: true),
            ColumnSpec(title: "ok", width: 6, priority: 2, alignRight: true),
        ]
        drawTable(.guards, in: rect, columns: columns) { name in
            if let scope = state.snapshot?.scopes.first(where: { $0.name == name }) {
                return [
                    .text("  scope \(scope.name) → \(scope.registry)", CellStyle(.dim)),
                    .plain(String(scope.resources)), .text(scope.open ? "open" : "closed", CellStyle(.dim)),
                    .plain(""), .plain(""), .plain(""),
                ]
            }
            guard let status = state.snapshot?.guards.first(where: { $0.name == name })?.status else { return nil }
            let finished = Double(status.cleaned) + Double(status.failed)  // an Int sum may overflow
            let success = finished == 0 ? 1 : Double(status.cleaned) / finished
            return [
                .plain("  " + name), .plain(Format.count(status.active)), .plain(Format.count(status.cleaned)),
                .text(Format.count(status.failed), CellStyle(status.failed > 0 ? .bad : .text)),
                .plain(Format.count(status.pending)),
                .text(Format.percent(success), CellStyle(success >= 0.999 ? .good : .warn)),
            ]
        }
    }

    mutating func drawMappings() {
        guard let rect = frame(.mappings, title: "Mapped files") else { return }
        let state = self.state  // the row closure reads these while the table draws
        let columns = [
            ColumnSpec(title: "  path", width: 20, priority: 0),
            ColumnSpec(title: "size", width: 9, priority: 1, alignRight: true),
            ColumnSpec(title: "mode", width: 4, priority: 2),
            ColumnSpec(title: "resident", width: 8, priority: 0, alignRight: true),
            ColumnSpec(title: "regions", width: 0, priority: 1, minimum: 8),
        ]
        drawTable(.mappings, in: rect, columns: columns) { path in
            guard let mapping = state.snapshot?.mappings.first(where: { $0.path == path }) else { return nil }
            let share = mapping.pages == 0 ? 0 : Double(mapping.residentPages) / Double(mapping.pages)
            return [
                .plain("  " + path), .plain(Format.bytes(mapping.bytes)), .plain(mapping.writable ? "rw" : "ro"),
                .plain(Format.percent(share)), .spark(mapping.regions.map(Double.init), maximum: 100),
            ]
        }
        if state.rows(.mappings).isEmpty {
            canvas.put(
                "  no mapped files",
                x: rect.x + 1,
                y: rect.y + 2,
                style: CellStyle(.dim),
                maxWidth: rect.width - 2
            )
        }
    }

    mutating func drawEvents() {
        guard let rect = frame(.events, title: "Events") else { return }
        let events = state.snapshot?.events ?? []
        let visible = rect.height - 2
        let end = max(events.count - min(state.eventScroll, max(events.count - visible, 0)), 0)
        let now = state.snapshot?.takenAt ?? 0
        for (offset, event) in events[max(end - visible, 0)..<end].enumerated() {
            let y = rect.y + 1 + offset
            // An event recorded while the snapshot was being taken is newer than the snapshot: age 0.
            let age = event.at > now ? 0 : Double(now - event.at) / 1e9
            let right = rect.x + rect.width - 1
            var x = canvas.put(
                Format.right(Format.age(seconds: age), 9) + " ",
                x: rect.x + 1,
                y: y,
                style: CellStyle(.dim)
            )
            x = canvas.put(
                Format.fit(event.component.path, 22) + " ",
                x: x,
                y: y,
                style: CellStyle(.accent),
                maxWidth: right - x
            )
            x = canvas.put(
                Format.fit(event.kind.wireName, 20) + " ",
                x: x,
                y: y,
                style: CellStyle(Self.role(ofEvent: event.kind)),
                maxWidth: right - x
            )
            canvas.put(event.displayMessage, x: x, y: y, maxWidth: right - x)
        }
    }

    static func role(ofEvent kind: EngineEventKind) -> ColorRole {
        switch kind {
        case .connectionFailed, .leakDetected, .circuitOpened, .circuitClosed, .cleanupFailed, .loadFailed,
            .acquireFailed:
            return .bad
        case .faultInjected, .faultCleared, .cacheFlushed, .connectionReplaced: return .warn
        case .registered, .phase, .command, .connectionsKilled, .resized: return .text
        case .unknown(let name):  // a newer peer's kind: judged by its name
            if ["fail", "leak", "circuit", "timeout"].contains(where: name.contains) { return .bad }
            return ["fault", "flush", "replaced"].contains(where: name.contains) ? .warn : .text
        }
    }
}
