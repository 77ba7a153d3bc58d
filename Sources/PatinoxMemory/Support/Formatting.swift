// The number formats PatinoxMemory writes into messages and descriptions, shared with memtop's views (no
// Foundation, and no trap for any value: infinite, NaN or too large to print exactly).

extension Double {
    /// The value with `places` decimals: `1.25.decimalText(places: 1)` is `"1.3"`, `-0.04` with 1 is `"0.0"`.
    /// Infinite values print as `"∞"` / `"-∞"`, NaN as `"NaN"`, and values beyond 10¹⁵ (after scaling) as
    /// `"∞"` / `"-∞"` too, instead of trapping when converted to an integer.
    public func decimalText(places: Int) -> String {
        guard !isNaN else { return "NaN" }
        let places = min(max(places, 0), 6)
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (self * Double(scale)).rounded()
        guard scaled.isFinite, scaled.magnitude < 1e15 else { return self < 0 ? "-∞" : "∞" }
        let units = Int64(scaled)
        let sign = units < 0 ? "-" : ""
        let (whole, fraction) = units.magnitude.quotientAndRemainder(dividingBy: scale)
        guard places > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: places - digits.count))\(digits)"
    }

    /// `0.12345` → `"12.35%"` (two decimals).
    public var percentText: String { (self * 100).decimalText(places: 2) + "%" }
}

extension Duration {
    /// A short human form: `850 µs`, `12 ms`, `2.5 s`.
    public var humanReadable: String {
        let nanos = inSeconds * 1e9
        switch nanos {
        case ..<1_000: return "\(nanos.rounded(.towardZero).decimalText(places: 0)) ns"
        case ..<1_000_000: return "\((nanos / 1_000).rounded(.towardZero).decimalText(places: 0)) µs"
        case ..<1_000_000_000: return "\((nanos / 1_000_000).rounded(.towardZero).decimalText(places: 0)) ms"
        default:
            let tenths = (nanos / 1e8).rounded() / 10
            return "\(tenths) s"
        }
    }
}
