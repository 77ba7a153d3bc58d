/// Where an error happened: which kind of component, which instance, which operation, and,
/// for errors about input, which file and line.
public struct ErrorContext: Sendable, Hashable, CustomStringConvertible {
    /// The family of component, e.g. ``ComponentKind/pool``.
    public var component: ComponentKind
    /// The instance's name as its owner configured it, e.g. `"db"`.
    public var name: String
    /// The operation that failed, e.g. `"acquire"` or `"resize"`.
    public var operation: String
    /// The file and line of bad input, when the error is about input.
    public var location: SourceLocation?

    /// Where an error happened: the component's kind and name, the operation, and the input location if any.
    public init(component: ComponentKind, name: String, operation: String, location: SourceLocation? = nil) {
        self.component = component
        self.name = name
        self.operation = operation
        self.location = location
    }

    public var description: String {
        let base = "\(component.rawValue) '\(name)' · \(operation)"
        return location.map { "\(base) at \($0)" } ?? base
    }
}

/// A position in an input file, for errors about bad input.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given.
    public var file: String
    /// The line, counting from 1.
    public var line: Int
    /// A position in an input file.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// The families of components that report to an engine.
public enum ComponentKind: String, Sendable, Hashable, CaseIterable {
    /// A connection pool.
    case pool
    /// A cache.
    case cache
    /// A resource guard or its cleanup registry.
    case resourceGuard = "guard"
    /// A resource scope.
    case resourceScope = "scope"
    /// Shared data.
    case sharedData = "shared"
    /// A memory-mapped file.
    case mappedFile = "mapping"
    /// The engine itself (commands, registration).
    case engine
    /// The broker feed (NATS).
    case feed
    /// Configuration (files, environment, arguments).
    case configuration
    /// A synthetic workload (memtop's demo scenarios).
    case scenario
    /// A component of a kind this version does not know, received from a newer peer; its ``ComponentID``
    /// keeps the whole `kind/name` text as its name.
    case other
}
