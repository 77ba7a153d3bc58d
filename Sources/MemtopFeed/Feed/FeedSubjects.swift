/// The subjects of the feed (docs/FEED.md): `memtop.v1.<engine>.snapshot|events|control`, and the fleet's
/// summaries on `memtop.v1.summary.<service>.<engine>` — one token more, so `memtop.v1.*.snapshot` never
/// matches a summary and a viewer can ask NATS for one service's summaries only.
public enum FeedSubjects {
    public static let prefix = "memtop.v1"

    public static func snapshot(_ engine: String) -> String { "\(prefix).\(engine).snapshot" }
    public static func events(_ engine: String) -> String { "\(prefix).\(engine).events" }
    public static func control(_ engine: String) -> String { "\(prefix).\(engine).control" }
    /// Every engine's snapshots: how viewers before summaries found engines (`attach --discover snapshots`).
    public static let allSnapshots = "\(prefix).*.snapshot"

    /// Where `engine` of `service` publishes its summaries.
    public static func summary(service: String, engine: String) -> String { "\(prefix).summary.\(service).\(engine)" }
    /// Every engine's summaries, or only those of `service`.
    public static func summaries(service: String? = nil) -> String { "\(prefix).summary.\(service ?? "*").*" }

    /// The engine named in a snapshot, events or control subject, if it is one.
    public static func engine(in subject: String) -> String? {
        let parts = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "memtop", parts[1] == "v1" else { return nil }
        return String(parts[2])
    }

    /// The service and engine a summary subject names, if it is one.
    public static func summaryTokens(in subject: String) -> (service: String, engine: String)? {
        // Ten thousand a second in a large fleet: one scan of the bytes, no array of parts.
        let utf8 = subject.utf8
        guard utf8.starts(with: summaryPrefix) else { return nil }
        let rest = utf8.dropFirst(summaryPrefix.count)
        guard let dot = rest.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let service = rest[..<dot]
        let engine = rest[rest.index(after: dot)...]
        guard !service.isEmpty, !engine.isEmpty, !engine.contains(UInt8(ascii: ".")) else { return nil }
        return (String(Substring(service)), String(Substring(engine)))
    }

    private static let summaryPrefix = Array("\(prefix).summary.".utf8)

    /// Whether `name` can be one subject token (no dots, spaces or wildcards).
    public static func isValidEngineName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
