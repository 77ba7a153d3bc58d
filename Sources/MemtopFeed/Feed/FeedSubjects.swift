/// The subjects of the feed (docs/FEED.md): `memtop.v1.<engine>.snapshot|events|control`.
public enum FeedSubjects {
    public static let prefix = "memtop.v1"

    public static func snapshot(_ engine: String) -> String { "\(prefix).\(engine).snapshot" }
    public static func events(_ engine: String) -> String { "\(prefix).\(engine).events" }
    public static func control(_ engine: String) -> String { "\(prefix).\(engine).control" }
    /// Every engine's snapshots, for the engine list.
    public static let allSnapshots = "\(prefix).*.snapshot"

    /// The engine named in a subject, if it is a feed subject.
    public static func engine(in subject: String) -> String? {
        let parts = subject.split(separator: ".")
        guard parts.count == 4, parts[0] == "memtop", parts[1] == "v1" else { return nil }
        return String(parts[2])
    }

    /// Whether `name` can be one subject token (no dots, spaces or wildcards).
    public static func isValidEngineName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
