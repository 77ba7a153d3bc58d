// Helpers for numbers and lists a peer sent: sums that saturate instead of trapping, lookups by name that
// survive a repeated name.

extension Sequence {
    /// The elements keyed by `name`, the first one kept where a snapshot repeats a name (a peer's may): what
    /// the state looks components up in, instead of searching lists a peer can make 10,000 long.
    public func byName(_ name: (Element) -> String) -> [String: Element] {
        Dictionary(map { (name($0), $0) }) { first, _ in first }
    }
}

extension Int {
    /// `self + other`, saturating at `Int.min` and `Int.max` (for sums of a peer's numbers).
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
