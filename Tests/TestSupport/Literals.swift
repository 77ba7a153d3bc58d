import PatinoxMemory

// Tests name components and event kinds as they appear on the wire ("pool/db", "resized"); the library
// itself takes the typed values.

extension ComponentID: ExpressibleByStringInterpolation {
    public init(stringLiteral path: String) { self.init(path: path) }
}

extension EngineEventKind: ExpressibleByStringLiteral {
    public init(stringLiteral name: String) { self.init(wireName: name) }
}
