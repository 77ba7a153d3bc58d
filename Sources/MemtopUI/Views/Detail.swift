import PatinoxMemory

extension Painter {
    /// Enter on a pool or cache: its numbers and its history as a graph filling the screen.
    mutating func drawDetail(_ panel: Panel, _ name: String) {
        let top = 1
        let graphTop = top + 4
        let graphHeight = max(state.height - graphTop - 3, 3)
        let width = state.width - 10
        guard let snapshot = state.snapshot else { return }
        canvas.put(
            " \(panel == .pools ? "Pool" : "Cache") '\(name)' — history (Esc to go back)",
            x: 0,
            y: top,
            style: CellStyle(.title, bold: true)
        )
        let series: [Double]
        let maximum: Double
        let label: String
        if panel == .pools, let pool = snapshot.pools.first(where: { $0.name == name }) {
            canvas.put(
                " leased \(pool.leased)  idle \(pool.idle)  creating \(pool.creating)  max \(pool.maximum)  "
                    + "min \(pool.minimum)  waiters \(pool.waiters)  acquired \(Format.count(pool.counters.acquired))  "
                    + "timed out \(pool.counters.timedOut)  replaced \(pool.counters.replaced)",
                x: 0,
                y: top + 1,
                maxWidth: state.width
            )
            let latency = pool.acquireLatency
            canvas.put(
                " acquire p50 \(Format.duration(latency.p50))  p90 \(Format.duration(latency.p90))  "
                    + "p99 \(Format.duration(latency.p99))  p99.9 \(Format.duration(latency.p999))  "
                    + "max \(Format.duration(latency.max))  breaker \(pool.circuitOpen ? "OPEN" : "closed")",
                x: 0,
                y: top + 2,
                maxWidth: state.width
            )
            series = state.history.leased[name] ?? []
            maximum = Double(max(pool.maximum, 1))
            label = "leased connections (of \(pool.maximum))"
        } else if let cache = snapshot.caches.first(where: { $0.name == name }) {
            let rates = state.rates[name]
            canvas.put(
                " \(cache.policy.rawValue)  entries \(cache.count)/\(cache.maximumCount.map(String.init) ?? "∞")  "
                    + "hits \(Format.count(cache.stats.hits))  misses \(Format.count(cache.stats.misses))  "
                    + "evictions \(Format.count(cache.stats.evictions))  "
                    + "expirations \(Format.count(cache.stats.expirations))",
                x: 0,
                y: top + 1,
                maxWidth: state.width
            )
            canvas.put(
                " hit ratio since reset \(Format.percent(cache.stats.hitRatio))  last interval "
                    + "\(rates?.intervalHitRatio.map(Format.percent) ?? "—")  "
                    + "hits/s \(Format.rate(rates?.hitsPerSecond ?? 0))"
                    + "  misses/s \(Format.rate(rates?.missesPerSecond ?? 0))",
                x: 0,
                y: top + 2,
                maxWidth: state.width
            )
            series = state.history.hitRatio[name] ?? []
            maximum = 1
            label = "hit ratio per interval"
        } else {
            canvas.put(" '\(name)' is gone from the engine", x: 0, y: top + 1, style: CellStyle(.warn))
            return
        }
        canvas.put(" \(label), last \(min(series.count, width)) samples", x: 0, y: graphTop - 1, style: CellStyle(.dim))
        graph(series.suffix(width).map { $0 }, maximum: maximum, x: 8, y: graphTop, width: width, height: graphHeight)
        let topLabel = panel == .pools ? String(Int(maximum)) : "100%"
        canvas.put(Format.right(topLabel, 6), x: 0, y: graphTop, style: CellStyle(.dim))
        canvas.put(
            Format.right(panel == .pools ? "0" : "0%", 6),
            x: 0,
            y: graphTop + graphHeight - 1,
            style: CellStyle(.dim)
        )
    }

    /// A bar graph, one column per value, whole cells plus a partial top cell.
    private mutating func graph(_ values: [Double], maximum: Double, x: Int, y: Int, width: Int, height: Int) {
        let levels = glyphs.levels
        let start = x + width - values.count
        for (index, value) in values.enumerated() {
            let scaled = max(0, min(value / max(maximum, 1e-9), 1)) * Double(height)
            let whole = Int(scaled)
            for row in 0..<whole {
                canvas.put(String(glyphs.full), x: start + index, y: y + height - 1 - row, style: CellStyle(.spark))
            }
            let part = Int((scaled - Double(whole)) * Double(levels.count))
            if whole < height, part > 0 {
                canvas.put(
                    String(levels[part - 1]),
                    x: start + index,
                    y: y + height - 1 - whole,
                    style: CellStyle(.spark)
                )
            }
        }
        for row in 0..<height { canvas.put(String(glyphs.vertical), x: x - 1, y: y + row, style: CellStyle(.border)) }
    }
}
