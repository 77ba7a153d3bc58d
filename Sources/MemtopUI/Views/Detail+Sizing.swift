import PatinoxMemory

extension Painter {
    /// The what-if sizing of a cache, under its numbers from line `y`: its hit ratio at ¼×…4× its bound as bars,
    /// then the same in words, with the other policies. Returns the line after the last one drawn.
    mutating func drawSizing(of cache: CacheStatus, y: Int) -> Int {
        guard let curve = cache.sizing, curve.points.count == SizingCurve.sizes.count else {
            canvas.put(
                " sizing: no curve kept (CacheConfiguration.sizingCurve turns it on)",
                x: 0,
                y: y,
                style: CellStyle(.dim),
                maxWidth: state.width
            )
            return y + 1
        }
        let labels = ["¼×", "½×", "1×", "2×", "4×"]
        let barWidth = max(min(state.width - 30, 40), 5)
        for (offset, point) in curve.points.enumerated() {
            let row = y + offset
            let isBound = offset == SizingCurve.boundIndex
            let label =
                " " + Format.right(labels[offset], 3) + " " + Format.right(Format.count(point.capacity), 6) + " "
            var x = canvas.put(label, x: 0, y: row, style: CellStyle(isBound ? .accent : .dim, bold: isBound))
            canvas.bar(
                x: x,
                y: row,
                width: barWidth,
                segments: [(max(0, min(point.hitRatio, 1)), CellStyle(isBound ? .leased : .idle), glyphs.full)],
                empty: (CellStyle(.empty), glyphs.empty)
            )
            x += barWidth + 1
            canvas.put(Format.percent(point.hitRatio), x: x, y: row, style: CellStyle(.text, bold: isBound))
        }
        let words = Self.sizingWords(curve)
        let lines = Format.packed(words, width: state.width, maximumLines: 3)
        for (offset, line) in lines.enumerated() {
            canvas.put(line, x: 0, y: y + curve.points.count + offset, maxWidth: state.width)
        }
        return y + curve.points.count + lines.count
    }

    /// "2× the size → +8.8 pt, ½ → −8.4 pt", "sieve would do +1.2 pt here, w-tinylfu +6.0 pt", "+ applies 2×,
    /// - applies ½×", "sampled 1 key in 4, 12.3k reads" (or "warming up" before a thousand sampled reads).
    static func sizingWords(_ curve: SizingCurve) -> [String] {
        let here = curve.points[SizingCurve.boundIndex].hitRatio
        let larger = curve.points[SizingCurve.boundIndex + 1].hitRatio - here
        let smaller = curve.points[SizingCurve.boundIndex - 1].hitRatio - here
        var words = ["2× the size → \(Format.points(larger)), ½ → \(Format.points(smaller))"]
        let others = curve.policies.enumerated().map { index, other in
            "\(other.policy.rawValue)\(index == 0 ? " would do" : "") \(Format.points(other.hitRatio - here))"
        }
        if !others.isEmpty { words.append(others.joined(separator: ", ") + " here") }
        words.append("+ applies 2×, - applies ½×")
        // The shadows start empty (at creation and after a resize): until the largest could have filled twice,
        // the larger sizes read low.
        let shadow = max(curve.points[SizingCurve.boundIndex].capacity / max(curve.sampleRate, 1), 1)
        let filled = shadow.multipliedReportingOverflow(by: 8).overflow ? Int.max : shadow * 8
        let warming = curve.sampledReads < filled ? "warming up (the larger sizes read low): " : ""
        words.append("\(warming)sampled 1 key in \(curve.sampleRate), \(Format.count(curve.sampledReads)) reads")
        return words
    }
}
