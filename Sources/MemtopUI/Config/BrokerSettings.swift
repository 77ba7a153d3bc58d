import MemtopTOML
import PatinoxMemory

/// The `[broker]` table of config.toml: how `memtop` reaches and logs in to the broker its `source` names —
/// the same settings as the command line's broker options, under the same names with `_` for `-`:
///
/// ```toml
/// source = "tls://broker.internal:4222"
/// [broker]
/// tls_ca = "/etc/memtop/ca.pem"
/// creds = "/home/me/.config/memtop/viewer.creds"
/// ```
///
/// Paths, never secrets: a password or token is given by a file (`password_file`, `token_file`).
public struct BrokerSettings: Hashable, Sendable {
    /// Each key and the command-line option it stands for (a string value), in the order they are written.
    public static let fileOptions: [(key: String, option: String)] = [
        ("tls_ca", "--tls-ca"), ("tls_cert", "--tls-cert"), ("tls_key", "--tls-key"), ("user", "--user"),
        ("password_file", "--password-file"), ("token_file", "--token-file"), ("nkey", "--nkey"), ("creds", "--creds"),
    ]

    /// The string settings by key (those of ``fileOptions`` that are set).
    public var values: [String: String] = [:]
    /// `tls_first = true`: TLS before the server's INFO.
    public var tlsFirst = false

    public init() {}

    /// Reads the table; unknown keys and wrong types are errors naming the file, line and key.
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys(Set(Self.fileOptions.map(\.key) + ["tls_first"]))
        for (key, _) in Self.fileOptions {
            guard let value = try section.string(key) else { continue }
            guard !value.isEmpty else { throw section.error(key, "'\(key)' is empty.", hint: "give a path.") }
            values[key] = value
        }
        tlsFirst = try section.bool("tls_first") ?? false
    }

    /// The command-line arguments these settings stand for, to parse with the broker options.
    public var arguments: [String] {
        Self.fileOptions.flatMap { key, option in values[key].map { [option, $0] } ?? [] }
            + (tlsFirst ? ["--tls-first"] : [])
    }

    /// Whether nothing is set (the table is then not written).
    public var isEmpty: Bool { values.isEmpty && !tlsFirst }

    /// Writes the table.
    func write(to file: inout TOMLWriter) {
        guard !isEmpty else { return }
        file.section("broker")
        for (key, _) in Self.fileOptions { if let value = values[key] { file.set(key, value) } }
        if tlsFirst { file.set("tls_first", true) }
    }
}
