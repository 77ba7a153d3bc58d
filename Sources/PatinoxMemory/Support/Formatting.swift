extension Double {
    /// `0.12345` → `"12.35%"` (two decimals, no Foundation).
    public var percentText: String {
        let hundredths = Int((self * 10_000).rounded())
        let whole = hundredths / 100
        let fraction = abs(hundredths % 100)
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
