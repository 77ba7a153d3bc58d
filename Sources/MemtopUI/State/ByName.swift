extension Sequence {
    /// The elements keyed by `name`, the first one kept where a snapshot repeats a name (a peer's may): what
    /// the state looks components up in, instead of searching lists a peer can make 10,000 long.
    func byName(_ name: (Element) -> String) -> [String: Element] {
        Dictionary(map { (name($0), $0) }) { first, _ in first }
    }
}
