/// Where a lease was taken: the acquirer's source location (`#fileID`, `#line`) and the name of its task, when it
/// has one. Plain data (no reference, no allocation), kept in the slot and in the waiter's queue entry.
@usableFromInline
struct LeaseSite: Sendable {
    @usableFromInline var file: StaticString
    @usableFromInline var line: UInt32
    @usableFromInline var task: TaskName

    @inlinable
    init(file: StaticString, line: UInt32, task: TaskName) {
        self.file = file
        self.line = line
        self.task = task
    }

    /// The current task's site at `file`:`line`.
    @inlinable
    static func here(file: StaticString, line: UInt) -> LeaseSite {
        LeaseSite(file: file, line: UInt32(truncatingIfNeeded: line), task: .current())
    }

    /// A lease taken where nothing said (the state machine's tests).
    @usableFromInline static let unknown = LeaseSite(file: "", line: 0, task: TaskName())
}

/// A task's name (Swift 6.2 task names), its first ``capacity`` bytes of UTF-8 kept inline: reading it costs no
/// allocation, which `Task.name` (a new `String` each time) would.
@usableFromInline
struct TaskName: Sendable {
    /// The most bytes kept; a longer name is cut (at a character boundary) and shown with "…".
    @usableFromInline static let capacity = 24
    @usableFromInline var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// Bytes kept; 0 for an unnamed task.
    @usableFromInline var count: UInt8 = 0
    @usableFromInline var truncated = false

    @inlinable
    init() {}

    /// A name from a string (tests, and platforms without the runtime's entry point).
    init(_ name: String?) {
        guard let name else {
            self.init()
            return
        }
        self = name.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) { TaskName(copying: $0) }
        }
    }

    /// The name of the task running this, if it has one.
    @inlinable
    static func current() -> TaskName {
        #if os(Linux)
            // SAFETY: the runtime returns the current task's name (a NUL-terminated string the task owns) or nil; the
            // task is running this very call, so the bytes stay valid while `init(copying:)` copies them.
            return TaskName(copying: currentTaskNamePointer())
        #else
            return TaskName(LeaseSite.taskNameFromTheStandardLibrary())
        #endif
    }

    /// Copies up to ``capacity`` bytes of a NUL-terminated string.
    @usableFromInline
    init(copying pointer: UnsafePointer<UInt8>?) {
        guard let pointer else { return }
        var length = 0
        while length <= Self.capacity, pointer[length] != 0 { length += 1 }
        if length > Self.capacity {
            truncated = true
            length = Self.capacity
            while length > 0, pointer[length] & 0xC0 == 0x80 { length -= 1 }  // not inside a character
        }
        withUnsafeMutableBytes(of: &bytes) { storage in
            // SAFETY: `length` ≤ capacity = the 24 bytes of `storage`; the source has at least `length` bytes
            // before its NUL.
            storage.baseAddress?.copyMemory(from: pointer, byteCount: length)
        }
        count = UInt8(length)
    }

    /// The name, or nil for an unnamed task.
    var string: String? {
        guard count > 0 || truncated else { return nil }
        var copy = bytes
        let text = withUnsafeBytes(of: &copy) { String(decoding: $0.prefix(Int(count)), as: UTF8.self) }
        return truncated ? text + "…" : text
    }
}

#if os(Linux)
    /// The runtime's entry point behind `Task.name`, without the `String` it builds.
    @usableFromInline
    @_silgen_name("swift_task_getCurrentTaskName")
    func currentTaskNamePointer() -> UnsafePointer<UInt8>?
#endif

extension LeaseSite {
    /// `Task.name` where the runtime's entry point is not bound directly (it allocates a `String`).
    @usableFromInline
    static func taskNameFromTheStandardLibrary() -> String? {
        if #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) { return Task.name }
        return nil
    }
}

/// Who holds a pool's connections: the oldest leases with where they were taken, and how old all of them are.
/// Part of ``PoolStatus`` (nil from an engine older than the lease inspector).
public struct LeaseReport: Sendable, Hashable, Codable {
    /// The most leases ``oldest`` lists.
    public static let maximumListed = 16
    /// The upper bounds of the age buckets of ``ageCounts``: under 1 s, 10 s, 1 min, 10 min, and a last bucket
    /// for the rest. Nothing finer: the acquire path stamps a lease with the pool's latest event time, not a
    /// clock reading (that would cost more than the rest of an acquire), so an age is accurate to the
    /// housekeeping interval (250 ms by default) and never shorter than the truth.
    public static let ageBucketBounds: [Duration] = [.seconds(1), .seconds(10), .seconds(60), .seconds(600)]
    /// The most sites ``overThresholdSites`` lists.
    public static let maximumSites = 3

    /// The oldest leases, oldest first, at most ``maximumListed``.
    public var oldest: [LeaseInfo] = []
    /// How many leases fall in each age bucket (``ageBucketBounds``, plus one for the rest).
    public var ageCounts: [Int] = Array(repeating: 0, count: LeaseReport.ageBucketBounds.count + 1)
    /// The pool's leak threshold, if it has one.
    public var leakThreshold: Duration?
    /// Leases held at least ``leakThreshold`` now.
    public var overThreshold = 0
    /// Where the leases over the threshold were taken, the most common site first, at most ``maximumSites``.
    public var overThresholdSites: [LeaseSiteCount] = []

    /// An empty report.
    public init() {}

    /// The bucket of ``ageCounts`` an age falls in.
    public static func bucket(of age: Duration) -> Int {
        ageBucketBounds.firstIndex { age < $0 } ?? ageBucketBounds.count
    }

    private enum CodingKeys: String, CodingKey {
        case oldest, ageCounts, leakThreshold, overThreshold, overThresholdSites
    }

    /// Encoded with the threshold in whole nanoseconds, as latencies are.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(oldest, forKey: .oldest)
        try container.encode(ageCounts, forKey: .ageCounts)
        try container.encodeIfPresent(leakThreshold?.nanosecondsClamped, forKey: .leakThreshold)
        try container.encode(overThreshold, forKey: .overThreshold)
        try container.encode(overThresholdSites, forKey: .overThresholdSites)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        oldest = try container.decode([LeaseInfo].self, forKey: .oldest)
        ageCounts = try container.decode([Int].self, forKey: .ageCounts)
        leakThreshold = try container.decodeIfPresent(UInt64.self, forKey: .leakThreshold).map {
            .nanoseconds(Int64(clamping: $0))
        }
        overThreshold = try container.decode(Int.self, forKey: .overThreshold)
        overThresholdSites = try container.decode([LeaseSiteCount].self, forKey: .overThresholdSites)
    }
}

/// One leased connection, as the lease inspector shows it.
public struct LeaseInfo: Sendable, Hashable, Codable {
    /// The lease (`#slot.epoch`).
    public var connection: String
    /// How long it has been held when the status was taken, to within the pool's housekeeping interval (never
    /// less than the truth; see ``LeaseReport/ageBucketBounds``).
    public var age: Duration
    /// The acquirer's `#fileID` ("Module/File.swift"); empty when it was not given.
    public var file: String
    /// The acquirer's line.
    public var line: Int
    /// The acquirer's task name, when its task had one.
    public var task: String?
    /// The connection closes when it comes back (the pool shrank, its lifetime ended, or it was killed).
    public var retiring: Bool
    /// Held at least the pool's leak threshold.
    public var overThreshold: Bool

    /// Creates a lease description.
    public init(
        connection: String,
        age: Duration,
        file: String,
        line: Int,
        task: String? = nil,
        retiring: Bool = false,
        overThreshold: Bool = false
    ) {
        self.connection = connection
        self.age = age
        self.file = file
        self.line = line
        self.task = task
        self.retiring = retiring
        self.overThreshold = overThreshold
    }

    /// "File.swift:88": the file's name without its module, and the line ("?" when the acquirer gave none).
    public var site: String { LeaseSiteCount.site(file: file, line: line) }

    private enum CodingKeys: String, CodingKey { case connection, age, file, line, task, retiring, overThreshold }

    /// Encoded with the age in whole nanoseconds, as latencies are.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(connection, forKey: .connection)
        try container.encode(age.nanosecondsClamped, forKey: .age)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(task, forKey: .task)
        try container.encode(retiring, forKey: .retiring)
        try container.encode(overThreshold, forKey: .overThreshold)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        age = .nanoseconds(Int64(clamping: try container.decode(UInt64.self, forKey: .age)))
        file = try container.decode(String.self, forKey: .file)
        line = try container.decode(Int.self, forKey: .line)
        task = try container.decodeIfPresent(String.self, forKey: .task)
        retiring = try container.decode(Bool.self, forKey: .retiring)
        overThreshold = try container.decode(Bool.self, forKey: .overThreshold)
    }
}

/// How many leases over the leak threshold were taken at one site.
public struct LeaseSiteCount: Sendable, Hashable, Codable {
    /// The acquirer's `#fileID`.
    public var file: String
    /// The acquirer's line.
    public var line: Int
    /// Leases over the threshold taken there.
    public var count: Int

    /// Creates a site count.
    public init(file: String, line: Int, count: Int) {
        self.file = file
        self.line = line
        self.count = count
    }

    /// "File.swift:88".
    public var site: String { Self.site(file: file, line: line) }

    static func site(file: String, line: Int) -> String {
        guard !file.isEmpty else { return "?" }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name):\(line)"
    }
}

extension PoolStateMachine {
    /// The lease inspector's report at `time`: every leased slot looked at once (a status is taken a few times
    /// a second at most, never on the acquire path).
    func leaseReport(now time: MonotonicInstant) -> LeaseReport {
        var report = LeaseReport()
        report.leakThreshold = configuration.leakThreshold
        var leased: [(age: Duration, index: Int32)] = []
        leased.reserveCapacity(slots.counts.leased)
        var sites: [SiteKey: Int] = [:]
        for (offset, slot) in slots.slots.enumerated() where slot.state == .leased {
            let age = time > slot.leasedAt ? time - slot.leasedAt : .zero
            leased.append((age, Int32(offset)))
            report.ageCounts[LeaseReport.bucket(of: age)] += 1
            if isOverThreshold(age) {
                report.overThreshold += 1
                sites[SiteKey(file: slot.site.file.description, line: slot.site.line), default: 0] += 1
            }
        }
        leased.sort { $0.age > $1.age || ($0.age == $1.age && $0.index < $1.index) }  // oldest first
        report.oldest = leased.prefix(LeaseReport.maximumListed).map { age, index in
            let slot = slots[index]
            return LeaseInfo(
                connection: ConnectionID(slot: index, epoch: slot.epoch).description,
                age: age,
                file: slot.site.file.description,
                line: Int(slot.site.line),
                task: slot.site.task.string,
                retiring: slot.retiring,
                overThreshold: isOverThreshold(age)
            )
        }
        report.overThresholdSites = sites.map {
            LeaseSiteCount(file: $0.key.file, line: Int($0.key.line), count: $0.value)
        }
        .sorted { ($0.count, $1.file, $1.line) > ($1.count, $0.file, $0.line) }
        .prefix(LeaseReport.maximumSites)
        .map { $0 }
        return report
    }

    private func isOverThreshold(_ age: Duration) -> Bool {
        configuration.leakThreshold.map { age >= $0 } ?? false
    }

    private struct SiteKey: Hashable {
        var file: String
        var line: UInt32
    }
}
