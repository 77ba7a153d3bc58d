import PatinoxMemory

/// Reads an ``EngineSummary`` straight from JSON bytes: a viewer of ten thousand engines decodes ten thousand
/// summaries a second, and `JSONDecoder`'s Codable machinery cost five times what the bytes do. It reads the
/// shape publishers write — an object of the summary's keys, in any order, strings without escapes — and gives
/// up (nil) on anything else: escapes, a wrong type, a number out of range, a missing key, bytes after the
/// object, nesting deeper than a summary has. The caller then decodes with `JSONDecoder`, which decides; so
/// this reader only has to be right about what it accepts (the summary fuzz target checks that both agree).
struct SummaryReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The summary in `payload`, or nil when it is not in the simple shape (or not a summary at all).
    static func read(_ payload: [UInt8]) -> EngineSummary? {
        payload.withUnsafeBufferPointer { buffer in
            var reader = SummaryReader(bytes: buffer)
            guard let summary = reader.summary() else { return nil }
            reader.skipSpace()
            return reader.index == buffer.count ? summary : nil
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func summary() -> EngineSummary? {
        var version: Int?
        var engine: String?
        var service: String?
        var instance: String?
        var labels: [String: String]?
        var takenAt: UInt64?
        var health: Health?
        var reasons: [String]?
        var pools: [EngineSummary.PoolSummary]?
        var caches: [EngineSummary.CacheSummary]?
        var guardFailures: Int?
        var faults: Int?
        var warnings: [String]?
        var (hasInstance, hasLabels) = (false, false)
        let complete = object { reader, key in
            if reader.key(key, is: "summaryVersion") { return reader.read(&version) { $0.integer() } }
            if reader.key(key, is: "engine") { return reader.read(&engine) { $0.string() } }
            if reader.key(key, is: "service") { return reader.read(&service) { $0.string() } }
            if reader.key(key, is: "instance") { return reader.readOptional(&instance, &hasInstance) { $0.string() } }
            if reader.key(key, is: "labels") { return reader.readOptional(&labels, &hasLabels) { $0.labels() } }
            if reader.key(key, is: "takenAt") { return reader.read(&takenAt) { $0.unsigned() } }
            if reader.key(key, is: "health") { return reader.read(&health) { $0.health() } }
            if reader.key(key, is: "reasons") { return reader.read(&reasons) { $0.array { $0.string() } } }
            if reader.key(key, is: "pools") { return reader.read(&pools) { $0.array { $0.pool() } } }
            if reader.key(key, is: "caches") { return reader.read(&caches) { $0.array { $0.cache() } } }
            if reader.key(key, is: "guardFailures") { return reader.read(&guardFailures) { $0.integer() } }
            if reader.key(key, is: "faults") { return reader.read(&faults) { $0.integer() } }
            if reader.key(key, is: "warnings") { return reader.read(&warnings) { $0.array { $0.string() } } }
            return false  // an unknown key: JSONDecoder's decision
        }
        guard complete, let version, let engine, let service, let takenAt, let health, let reasons, let pools,
            let caches, let guardFailures, let faults, let warnings
        else { return nil }
        var summary = EngineSummary(
            engine: engine,
            service: service,
            instance: instance,
            takenAt: takenAt,
            health: health
        )
        summary.summaryVersion = version
        summary.labels = labels
        summary.reasons = reasons
        summary.pools = pools
        summary.caches = caches
        summary.guardFailures = guardFailures
        summary.faults = faults
        summary.warnings = warnings
        return summary
    }

    private mutating func pool() -> EngineSummary.PoolSummary? {
        var name: String?
        var leased: Int?
        var maximum: Int?
        var waiters: Int?
        var timeouts: Double?
        var waiting: Int?
        let complete = object { reader, key in
            if reader.key(key, is: "name") { return reader.read(&name) { $0.string() } }
            if reader.key(key, is: "leased") { return reader.read(&leased) { $0.integer() } }
            if reader.key(key, is: "maximum") { return reader.read(&maximum) { $0.integer() } }
            if reader.key(key, is: "waiters") { return reader.read(&waiters) { $0.integer() } }
            if reader.key(key, is: "timeoutsPerSecond") { return reader.read(&timeouts) { $0.double() } }
            if reader.key(key, is: "waitingSeconds") { return reader.read(&waiting) { $0.integer() } }
            return false
        }
        guard complete, let name, let leased, let maximum, let waiters, let timeouts, let waiting else { return nil }
        return EngineSummary.PoolSummary(
            name: name,
            leased: leased,
            maximum: maximum,
            waiters: waiters,
            timeoutsPerSecond: timeouts,
            waitingSeconds: waiting
        )
    }

    private mutating func cache() -> EngineSummary.CacheSummary? {
        var name: String?
        var ratio: Double?
        var hasRatio = false
        let complete = object { reader, key in
            if reader.key(key, is: "name") { return reader.read(&name) { $0.string() } }
            if reader.key(key, is: "hitRatio") { return reader.readOptional(&ratio, &hasRatio) { $0.double() } }
            return false
        }
        guard complete, let name else { return nil }
        return EngineSummary.CacheSummary(name: name, hitRatio: ratio)
    }

    private mutating func labels() -> [String: String]? {
        var labels: [String: String] = [:]
        let complete = object { reader, key in
            guard let name = reader.text(key), labels[name] == nil, let value = reader.string() else { return false }
            labels[name] = value
            return true
        }
        return complete ? labels : nil
    }

    // MARK: - JSON pieces

    /// Reads a required member into `field`; false when its value is not of the shape, or when the key came
    /// before (JSONDecoder's decision).
    @inline(__always)  // specialised for each use: generic calls here cost more than the bytes
    private mutating func read<Value>(_ field: inout Value?, _ value: (inout SummaryReader) -> Value?) -> Bool {
        guard field == nil else { return false }
        field = value(&self)
        return field != nil
    }

    /// Reads an optional member (`null` or a value) into `field`, noting it in `present`; false when it is
    /// neither, or when the key came before (which of the two JSONDecoder keeps is its decision).
    @inline(__always)  // specialised for each use: generic calls here cost more than the bytes
    private mutating func readOptional<Value>(
        _ field: inout Value?,
        _ present: inout Bool,
        _ value: (inout SummaryReader) -> Value?
    ) -> Bool {
        guard !present, let read = optional(value) else { return false }
        field = read
        present = true
        return true
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// `{ "key": value, … }`, each value read by `member` with its key's bytes (false: give up).
    @inline(__always)  // specialised for each use: generic calls here cost more than the bytes
    private mutating func object(_ member: (inout SummaryReader, Range<Int>) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = stringBytes(), take(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// Whether the key's bytes are `name`'s (keys are matched as bytes: no string is made for one).
    @inline(__always)
    private func key(_ key: Range<Int>, is name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        let start = name.utf8Start
        for offset in 0..<key.count where bytes[key.lowerBound + offset] != start[offset] { return false }
        return true
    }

    /// `health`'s value, matched as bytes.
    private mutating func health() -> Health? {
        guard let value = stringBytes() else { return nil }
        if key(value, is: "healthy") { return .healthy }
        if key(value, is: "degraded") { return .degraded }
        if key(value, is: "unhealthy") { return .unhealthy }
        return nil
    }

    /// `[ value, … ]`, each read by `element`; at most 64 elements (more: JSONDecoder's decision).
    @inline(__always)  // specialised for each use: generic calls here cost more than the bytes
    private mutating func array<Element>(_ element: (inout SummaryReader) -> Element?) -> [Element]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if take(UInt8(ascii: "]")) { return elements }
        repeat {
            guard elements.count < 64, let value = element(&self) else { return nil }
            elements.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? elements : nil
    }

    /// `null` as `.some(nil)`, a value as `.some(value)`, anything else nil.
    @inline(__always)  // specialised for each use: generic calls here cost more than the bytes
    private mutating func optional<Value>(_ value: (inout SummaryReader) -> Value?) -> Value?? {
        skipSpace()
        if bytes.count - index >= 4, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        {
            index += 4
            return .some(nil)
        }
        return value(&self).map { .some($0) }
    }

    /// A string without escapes or control characters, as valid UTF-8.
    private mutating func string() -> String? { stringBytes().flatMap(text) }

    /// The bytes between the quotes of a string without escapes or control characters (not yet checked as
    /// UTF-8: ``text(_:)`` does that).
    private mutating func stringBytes() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while let byte = current, byte != UInt8(ascii: "\"") {
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            index += 1
        }
        guard current != nil else { return nil }
        defer { index += 1 }
        return start..<index
    }

    /// The string of `range`'s bytes if they are valid UTF-8.
    private func text(_ range: Range<Int>) -> String? {
        let text = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII is valid UTF-8 as it is; anything else is checked (ill-formed bytes give up).
        return text.allSatisfy { $0 < 0x80 }
            ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
    }

    /// An integer literal (no fraction, no exponent) within `Int`.
    private mutating func integer() -> Int? {
        skipSpace()
        let negative = current == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let magnitude = digits(), magnitude <= UInt64(Int.max) + (negative ? 1 : 0) else { return nil }
        return negative ? (magnitude == UInt64(Int.max) + 1 ? .min : -Int(magnitude)) : Int(magnitude)
    }

    /// A non-negative integer literal within `UInt64`.
    private mutating func unsigned() -> UInt64? {
        skipSpace()
        return digits()
    }

    /// Digits up to a delimiter (a fraction or an exponent gives up), no leading zero but for 0 itself.
    private mutating func digits() -> UInt64? {
        let start = index
        var value: UInt64 = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        guard index > start, index - start == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return nil
        }
        return value
    }

    /// A number in JSON's grammar — `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, checked byte by
    /// byte — as Swift's `Double` parser reads it; nil when it is not finite.
    private mutating func double() -> Double? {
        skipSpace()
        let start = index
        func isDigit(_ byte: UInt8?) -> Bool {
            byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false
        }
        func skipDigits() -> Bool {
            let first = index
            while isDigit(current) { index += 1 }
            return index > first
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else if !skipDigits() {
            return nil
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() else { return nil }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { return nil }
        }
        guard index - start <= 40, !isDigit(current) else { return nil }
        if let exact = Self.shortDecimal(UnsafeBufferPointer(rebasing: bytes[start..<index])) { return exact }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(literal), value.isFinite else { return nil }
        return value
    }
}

extension SummaryReader {
    /// Powers of ten a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    /// A checked JSON number of at most 15 digits and no exponent (`0`, `0.82`, `-12.5`), computed as
    /// digits ÷ 10^fraction: both are exact in a `Double`, so the one division rounds correctly, as the string
    /// parser would (Clinger's fast path). Nil for anything longer; the caller then parses the literal.
    static func shortDecimal(_ literal: UnsafeBufferPointer<UInt8>) -> Double? {
        var digits: UInt64 = 0
        var count = 0
        var fraction = -1  // digits after the point, once one is seen
        var negative = false
        for byte in literal {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): fraction = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                count += 1
                guard count <= 15 else { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                if fraction >= 0 { fraction += 1 }
            default: return nil  // an exponent
            }
        }
        let value = Double(digits) / exactPowersOfTen[max(fraction, 0)]
        return negative ? -value : value
    }
}

extension EngineSummary {
    /// The summary in `payload` when it is in the shape publishers write (see ``SummaryReader``), read without
    /// Codable; nil otherwise — then decode it with `JSONDecoder`, which decides.
    public static func read(_ payload: [UInt8]) -> EngineSummary? { SummaryReader.read(payload) }
}
