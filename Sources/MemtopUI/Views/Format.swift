import PatinoxMemory

/// Short number formats for narrow columns.
enum Format {
    /// 999 → "999", 12_345 → "12.3k", 4_500_000 → "4.5M".
    static func count(_ value: Int) -> String {
        switch value.magnitude {  // not abs(value): abs(Int.min) traps
        case ..<10_000: return String(value)
        case ..<1_000_000: return tenths(Double(value) / 1_000) + "k"
        case ..<1_000_000_000: return tenths(Double(value) / 1_000_000) + "M"
        default: return tenths(Double(value) / 1_000_000_000) + "G"
        }
    }

    /// A per-second rate: "0", "12", "1.2k".
    static func rate(_ value: Double) -> String {
        let rounded = value.rounded()
        // Int(rounded) traps for NaN, infinities and values beyond Int's range.
        guard rounded.isFinite, rounded.magnitude < 9e18 else { return value.isNaN ? "NaN" : value < 0 ? "-∞" : "∞" }
        return count(Int(rounded))
    }

    static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : "\(tenths(amount)) \(units[unit])"
    }

    /// Nanoseconds as "850ns", "12µs", "3.4ms", "1.2s".
    static func nanoseconds(_ value: Double) -> String {
        switch value {
        case ..<1_000: "\(value.rounded(.towardZero).decimalText(places: 0))ns"
        case ..<1_000_000: "\((value / 1_000).rounded(.towardZero).decimalText(places: 0))µs"
        case ..<10_000_000: "\(tenths(value / 1_000_000))ms"
        case ..<1_000_000_000: "\((value / 1_000_000).rounded(.towardZero).decimalText(places: 0))ms"
        default: "\(tenths(value / 1_000_000_000))s"
        }
    }

    static func duration(_ value: Duration) -> String {
        nanoseconds(value.inSeconds * 1e9)
    }

    /// An acquire's wait: as ``duration(_:)``, but "<1µs" under a microsecond and "—" before any acquire. A
    /// pool records the acquires it serves at once (no wait, well under a microsecond) as zero, and "0ns"
    /// would read as no data.
    static func wait(_ value: Duration, samples: UInt64) -> String {
        samples == 0 ? "—" : value < .microseconds(1) ? "<1µs" : duration(value)
    }

    /// How long ago an event happened: "now", "4.0s ago", "2m05s ago", "3h07m ago".
    static func age(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0.05 else { return seconds == .infinity ? "long ago" : "now" }
        return span(seconds: seconds) + " ago"
    }

    /// A span of at least a second: "4.0s", "2m05s", "3h07m".
    static func span(seconds: Double) -> String {
        guard seconds.isFinite else { return "∞" }
        if seconds < 60 { return "\(tenths(max(seconds, 0)))s" }
        let minutes = Int(min(seconds, 3.6e9) / 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if minutes < 60 { return "\(minutes)m\(two(Int(seconds) % 60))s" }
        return "\(minutes / 60)h\(two(minutes % 60))m"
    }

    /// How long a lease has been held: "<1s", "4.0s", "2m05s" (a pool stamps leases to within its
    /// housekeeping interval, so nothing finer than a second is shown).
    static func held(_ value: Duration) -> String {
        value < .seconds(1) ? "<1s" : span(seconds: value.inSeconds)
    }

    /// A threshold or a bound, as short as it goes: "250ms", "30s", "10m", "1.5s".
    static func bound(_ value: Duration) -> String {
        let milliseconds = value.wholeMilliseconds
        if milliseconds < 1_000 { return "\(max(milliseconds, 0))ms" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return span(seconds: value.inSeconds)
    }

    /// A change of a share in percentage points: 0.088 → "+8.8 pt", -0.084 → "−8.4 pt", 0 → "±0 pt".
    static func points(_ change: Double) -> String {
        guard change.isFinite else { return "? pt" }
        let tenths = (change * 1000).rounded() / 10
        if tenths == 0 { return "±0 pt" }
        return (tenths > 0 ? "+" : "−") + tenths.magnitude.decimalText(places: 1) + " pt"
    }

    /// 0.781 → "78.1%".
    static func percent(_ value: Double) -> String { tenths(value * 100) + "%" }

    /// A time as "00:01:23" (or "1d 02:03:04"), in whole seconds; negative times as "00:00:00".
    static func clock(_ time: Duration) -> String {
        // Clamped to 0 ... about 31 years, so the day count stays short.
        let total = Int(min(max(time, .zero), .seconds(1_000_000_000)).components.seconds)
        let (days, rest) = total.quotientAndRemainder(dividingBy: 86_400)
        let text = [rest / 3600, (rest / 60) % 60, rest % 60].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(
            separator: ":"
        )
        return days > 0 ? "\(days)d \(text)" : text
    }

    static func tenths(_ value: Double) -> String { value.decimalText(places: 1) }

    /// `text` cut or padded to exactly `width` characters (cut text ends in "…").
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(max(width - 1, 0))) + "…" }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// `text` cut from the left or padded to exactly `width` characters (cut text starts with "…"): for paths,
    /// whose end says most.
    static func fitTail(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return "…" + String(text.suffix(max(width - 1, 0))) }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// The parts joined by " · " on as few lines of `width` as they fit on (a part never split), at most
    /// `maximumLines`.
    static func packed(_ parts: [String], width: Int, maximumLines: Int = 2) -> [String] {
        var lines: [String] = []
        for part in parts {
            if let last = lines.last, last.count + 3 + part.count <= width {
                lines[lines.count - 1] = last + " · " + part
            } else if lines.count < maximumLines {
                lines.append((lines.isEmpty ? " " : "   ") + part)
            } else {
                lines[lines.count - 1] += " · " + part  // drawn cut at the edge
            }
        }
        return lines
    }

    /// `text` right-aligned in `width`.
    static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

extension Duration {
    /// Whole milliseconds, truncated toward zero and saturating at Int's range (for timeouts and the header).
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let (total, sumOverflow) = milliseconds.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !overflow, !sumOverflow else { return seconds < 0 ? .min : .max }
        return Int(clamping: total)
    }
}

extension EngineEvent {
    /// The message, led by `×N` when N repeats were folded into this event.
    var displayMessage: String { count > 1 ? "×\(count) \(message)" : message }
}
