import PatinoxMemory

extension Painter {
    /// Enter on a pool or cache: its numbers and its history as a graph filling the screen.
    mutating func drawDetail(_ panel: Panel, _ name: String) {
        let top = 1
        guard let snapshot = state.snapshot else { return }
        canvas.put(
            " \(panel == .pools ? "Pool" : "Cache") '\(name)' — history (Esc to go back)",
            x: 0,
            y: top,
            style: CellStyle(.title, bold: true)
        )
        let series: DetailSeries
        var graphTop = top + 4
        if panel == .pools, let pool = snapshot.pools.first(where: { $0.name == name }) {
            series = drawNumbers(of: pool, y: top + 1)
            graphTop = drawPoolSizing(of: pool, y: drawLeases(of: pool, y: top + 3)) + 2
        } else if let cache = snapshot.caches.first(where: { $0.name == name }) {
            series = drawNumbers(of: cache, y: top + 1)
            graphTop = drawSizing(of: cache, y: top + 3) + 2
        } else {
            canvas.put(" '\(name)' is gone from the engine", x: 0, y: top + 1, style: CellStyle(.warn))
            return
        }
        drawHistory(series, top: graphTop)
    }

    /// What the detail graph draws: the values, their full scale and how the axis is labelled.
    struct DetailSeries {
        var values: [Double]
        var maximum: Double
        var label: String
        var topLabel: String
        var bottomLabel: String
    }

    /// A pool's two lines of numbers; its series is the leased count.
    private mutating func drawNumbers(of pool: PoolStatus, y: Int) -> DetailSeries {
        canvas.put(
            " leased \(pool.leased)  idle \(pool.idle)  creating \(pool.creating)  max \(pool.maximum)  "
                + "min \(pool.minimum)  waiters \(pool.waiters)  acquired \(Format.count(pool.counters.acquired))  "
                + "timed out \(pool.counters.timedOut)  replaced \(pool.counters.replaced)",
            x: 0,
            y: y,
            maxWidth: state.width
        )
        let latency = pool.acquireLatency
        let wait = { (value: Duration) in Format.wait(value, samples: latency.count) }
        canvas.put(
            " acquire p50 \(wait(latency.p50))  p90 \(wait(latency.p90))  "
                + "p99 \(wait(latency.p99))  p99.9 \(wait(latency.p999))  "
                + "max \(wait(latency.max))  breaker \(pool.circuitOpen ? "OPEN" : "closed")",
            x: 0,
            y: y + 1,
            maxWidth: state.width
        )
        // The label from the Int: Int(Double(Int.max)) traps (the Double rounds up to 2^63).
        let maximum = max(pool.maximum, 1)
        return DetailSeries(
            values: state.history.leased[pool.name] ?? [],
            maximum: Double(maximum),
            label: "leased connections (of \(pool.maximum))",
            topLabel: String(maximum),
            bottomLabel: "0"
        )
    }

    /// A cache's two lines of numbers; its series is the hit ratio per interval.
    private mutating func drawNumbers(of cache: CacheStatus, y: Int) -> DetailSeries {
        let rates = state.rates[cache.name]
        canvas.put(
            " \(cache.policy.rawValue)  entries \(cache.count)/\(cache.maximumCount.map(String.init) ?? "∞")  "
                + "hits \(Format.count(cache.stats.hits))  misses \(Format.count(cache.stats.misses))  "
                + "evicted \(Format.count(cache.stats.evictions)) (weight \(Format.count(cache.stats.evictedWeight)))  "
                + "expired \(Format.count(cache.stats.expirations))  removed \(Format.count(cache.stats.removals))  "
                + "replaced \(Format.count(cache.stats.replacements))",
            x: 0,
            y: y,
            maxWidth: state.width
        )
        canvas.put(
            " hit ratio since reset \(Format.percent(cache.stats.hitRatio))  last interval "
                + "\(rates?.intervalHitRatio.map(Format.percent) ?? "—")  "
                + "hits/s \(Format.rate(rates?.hitsPerSecond ?? 0))"
                + "  misses/s \(Format.rate(rates?.missesPerSecond ?? 0))",
            x: 0,
            y: y + 1,
            maxWidth: state.width
        )
        return DetailSeries(
            values: state.history.hitRatio[cache.name] ?? [],
            maximum: 1,
            label: "hit ratio per interval",
            topLabel: "100%",
            bottomLabel: "0%"
        )
    }

    /// The series as a graph filling the screen below `top`, its scale on the left.
    private mutating func drawHistory(_ series: DetailSeries, top graphTop: Int) {
        let graphHeight = max(state.height - graphTop - 3, 3)
        let width = max(state.width - 10, 0)  // suffix(_:) traps on a negative length (a tiny terminal)
        canvas.put(
            " \(series.label), last \(min(series.values.count, width)) samples",
            x: 0,
            y: graphTop - 1,
            style: CellStyle(.dim)
        )
        graph(
            Array(series.values.suffix(width)),
            maximum: series.maximum,
            x: 8,
            y: graphTop,
            width: width,
            height: graphHeight
        )
        canvas.put(Format.right(series.topLabel, 6), x: 0, y: graphTop, style: CellStyle(.dim))
        canvas.put(Format.right(series.bottomLabel, 6), x: 0, y: graphTop + graphHeight - 1, style: CellStyle(.dim))
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
