import PatinoxMemory

/// Where the service listens and what it talks to, read from the environment (every variable has a default
/// that matches `run.sh`). Bad values stop the service at start with a message naming the variable.
struct Settings: Sendable {
    /// `HTTP_PORT`: the port of the HTTP API on 127.0.0.1.
    var httpPort = 8080
    /// `POSTGRES_HOST`, `POSTGRES_PORT`, `POSTGRES_USER`, `POSTGRES_PASSWORD`, `POSTGRES_DATABASE`.
    var postgresHost = "127.0.0.1"
    var postgresPort = 5432
    var postgresUser = "memtop"
    var postgresPassword: String?
    var postgresDatabase = "memtop"
    /// `POOL_MAXIMUM`: the pool's maximum number of connections.
    var poolMaximum = 10
    /// `ITEMS`: how many rows the `items` table is seeded with when it is empty.
    var items = 100_000
    /// `NATS_URL`: the broker the engine is published to; empty publishes nothing.
    var natsURL: String? = "nats://127.0.0.1:4222"
    /// `INSTANCE`: this replica's instance name in memtop's fleet view (service `shop`).
    var instance = "1"
    /// `SHUTDOWN_DEADLINE`: seconds leases may run on after SIGTERM before they are closed by force.
    var shutdownDeadline = 10.0

    /// The settings from `environment`; a variable that is set but not usable throws.
    init(environment: [String: String]) throws(PatinoxError) {
        func integer(_ name: String, _ range: ClosedRange<Int>, default value: Int) throws(PatinoxError) -> Int {
            guard let text = environment[name] else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw Self.invalid(name, text, "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        httpPort = try integer("HTTP_PORT", 1...65_535, default: httpPort)
        postgresPort = try integer("POSTGRES_PORT", 1...65_535, default: postgresPort)
        poolMaximum = try integer("POOL_MAXIMUM", 1...1_000, default: poolMaximum)
        items = try integer("ITEMS", 1...10_000_000, default: items)
        postgresHost = environment["POSTGRES_HOST"] ?? postgresHost
        postgresUser = environment["POSTGRES_USER"] ?? postgresUser
        postgresPassword = environment["POSTGRES_PASSWORD"]
        postgresDatabase = environment["POSTGRES_DATABASE"] ?? postgresDatabase
        if let url = environment["NATS_URL"] { natsURL = url.isEmpty ? nil : url }
        instance = environment["INSTANCE"] ?? instance
        if let text = environment["SHUTDOWN_DEADLINE"] {
            guard let seconds = Double(text), (0...600).contains(seconds) else {
                throw Self.invalid("SHUTDOWN_DEADLINE", text, "seconds from 0 to 600")
            }
            shutdownDeadline = seconds
        }
    }

    private static func invalid(_ name: String, _ value: String, _ expected: String) -> PatinoxError {
        .invalidInput(
            .other,
            name: name,
            operation: "read the environment",
            message: "\(name)=\(value) is not \(expected).",
            hint: "fix or unset \(name) (see Examples/PostgresService/README.md)"
        )
    }
}
