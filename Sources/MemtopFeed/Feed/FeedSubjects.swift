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
        let parts = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "memtop", parts[1] == "v1", parts[2] == "summary" else { return nil }
        return (String(parts[3]), String(parts[4]))
    }

    /// Whether `name` can be one subject token (no dots, spaces or wildcards).
    public static func isValidEngineName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
