import MemtopSource
import PatinoxMemory

extension Painter {
    /// What-if pool sizing, under the lease list from line `y`: the Erlang C model fed by the last half minute
    /// (acquire rate, mean leased), its prediction for the current size and a few around it, what was observed
    /// at the current size, and a word when the two disagree. Returns the line after the last one drawn.
    mutating func drawPoolSizing(of pool: PoolStatus, y: Int) -> Int {
        guard let (model, observed, seconds) = state.history.poolSamples[pool.name]?.sizing else {
            canvas.put(
                " sizing: waiting for acquires (the model needs half a minute of them)",
                x: 0,
                y: y,
                style: CellStyle(.dim),
                maxWidth: state.width
            )
            return y + 1
        }
        let lines = Format.packed(
            Self.poolSizingWords(model, pool: pool, observed: observed, seconds: seconds),
            width: state.width,
            maximumLines: 3
        )
        for (offset, line) in lines.enumerated() {
            canvas.put(line, x: 0, y: y + offset, maxWidth: state.width)
        }
        return y + lines.count
    }

    /// The sizes shown: two below the current size, it, and two and four above.
    static func sizingSizes(around current: Int) -> [Int] {
        // A peer's maximum may be anything: the steps saturate, and the model takes 1…10,000.
        [-2, -1, 0, 2, 4].map { current.saturatingAdd($0) }.filter {
            (1...PoolSizingModel.maximumConnections).contains($0)
        }
    }

    /// "sizing (Erlang C, 30 s: 300 acquires/s × 9.0ms held = 2.7 busy)", "4 → 12% wait, mean 1.2ms, p99 8.0ms",
    /// …, "observed at 6: 5.1% waited", and the fit: the model does not fit when observed and predicted are more
    /// than 10 points and a factor of two apart (paced, not Poisson, arrivals wait less than it says: the steady
    /// demo's noon measured 16 % against 27 %, docs/BENCHMARKS.md).
    static func poolSizingWords(_ model: PoolSizingModel, pool: PoolStatus, observed: Double, seconds: Double)
        -> [String]
    {
        let head =
            "sizing (Erlang C, last \(Int(seconds)) s: \(Format.rate(model.acquireRate)) acquires/s × "
            + "\(Format.duration(model.meanHold)) held = \(model.offeredLoad.decimalText(places: 1)) busy)"
        var words = [head]
        let time = { (value: Duration) in value < .nanoseconds(500) ? "0" : Format.duration(value) }
        let current = max(pool.maximum, 1)
        for size in sizingSizes(around: current) {
            guard let prediction = model.predict(connections: size) else { continue }
            let label = size == current ? "\(size) (now)" : "\(size)"
            guard let mean = prediction.meanWait, let p99 = prediction.p99Wait else {
                words.append("\(label) → saturated")
                continue
            }
            let share = prediction.waitProbability < 0.001 ? "<0.1%" : Format.percent(prediction.waitProbability)
            words.append(
                mean < .microseconds(1)
                    ? "\(label) → \(share) wait" : "\(label) → \(share) wait, mean \(time(mean)), p99 \(time(p99))"
            )
        }
        words.append("observed at \(current): \(Format.percent(observed)) waited")
        guard let predicted = model.predict(connections: current) else {
            words.append("the model sizes pools of up to \(PoolSizingModel.maximumConnections) connections")
            return words
        }
        if predicted.saturated || pool.waiters > 0 && predicted.utilization >= 0.95 {
            words.append(
                "saturated now: every connection is busy, so the rate seen is what it serves, not what arrives"
            )
        } else if abs(predicted.waitProbability - observed) > 0.1,
            predicted.waitProbability > 2 * observed || observed > 2 * predicted.waitProbability
        {
            words.append(
                "the model does not fit here (observed \(Format.percent(observed)) against "
                    + "\(Format.percent(predicted.waitProbability))): holds may depend on the pool's size, as when "
                    + "the backend, not the pool, is the bottleneck, or acquires come in bursts"
            )
        }
        return words
    }
}
