/// The `Encoder` a value sees: its containers write straight into the ``JSONWriter``.
/// `depth` is the number of containers open around the value.
struct JSONValueEncoder: Encoder {
    let writer: JSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.open(UInt8(ascii: "{"), UInt8(ascii: "}"), depth: depth)
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(writer: writer, depth: depth + 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.open(UInt8(ascii: "["), UInt8(ascii: "]"), depth: depth)
        return JSONUnkeyedContainer(writer: writer, depth: depth + 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(writer: writer, depth: depth)
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONWriter
    /// The depth of this object (1-based: it is `writer.frames[depth - 1]`).
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        writer.writeKey(key.stringValue, depth: depth)
        writer.writeNull()
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.writeKey(key.stringValue, depth: depth)
        try writer.encodeValue(value, depth: depth)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.writeKey(key.stringValue, depth: depth)
        writer.writeString(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        writer.writeKey(key.stringValue, depth: depth)
        writer.writeInteger(Int64(value))
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.writeKey(key.stringValue, depth: depth)
        try writer.encodeValue(value, depth: depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.writeKey(key.stringValue, depth: depth)
        return JSONValueEncoder(writer: writer, depth: depth).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.writeKey(key.stringValue, depth: depth)
        return JSONValueEncoder(writer: writer, depth: depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.writeKey(key.stringValue, depth: depth)
        return JSONValueEncoder(writer: writer, depth: depth)
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONWriter
    let depth: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: JSONWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    mutating func encodeNil() throws {
        writer.beginEntry(depth: depth)
        writer.writeNull()
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.beginEntry(depth: depth)
        try writer.encodeValue(value, depth: depth)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        writer.beginEntry(depth: depth)
        count += 1
        return JSONValueEncoder(writer: writer, depth: depth).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.beginEntry(depth: depth)
        count += 1
        return JSONValueEncoder(writer: writer, depth: depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.beginEntry(depth: depth)
        count += 1
        return JSONValueEncoder(writer: writer, depth: depth)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.writeNull() }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.encodeValue(value, depth: depth) }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode(_ value: Int) throws { writer.writeInteger(Int64(value)) }
}
