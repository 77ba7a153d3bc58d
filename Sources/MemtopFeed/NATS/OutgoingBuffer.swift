/// Messages waiting to be written while the connection is down or the server does not read, bounded by
/// bytes: beyond ``limit`` the oldest are dropped (and counted), so a stopped server cannot make a
/// publisher hold more than the limit. O(1) per message.
struct OutgoingBuffer: Sendable {
    /// The most bytes kept.
    let limit: Int
    private var frames: [[UInt8]] = []
    /// Frames before this index were taken or dropped.
    private var start = 0
    /// Bytes kept now.
    private(set) var bytes = 0
    /// Frames dropped because the buffer was full.
    private(set) var dropped = 0

    init(limit: Int) { self.limit = max(0, limit) }

    var isEmpty: Bool { start == frames.count }

    /// Keeps `frame`, dropping the oldest frames while the buffer is over its limit.
    mutating func append(_ frame: [UInt8]) {
        frames.append(frame)
        bytes += frame.count
        while bytes > limit, start < frames.count {
            bytes -= frames[start].count
            frames[start] = []
            start += 1
            dropped += 1
        }
        if start > 64 && start * 2 > frames.count {
            frames.removeFirst(start)
            start = 0
        }
    }

    /// Every frame kept, oldest first, as one write; the buffer is left empty.
    mutating func takeAll() -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes)
        for frame in frames[start...] { joined += frame }
        frames = []
        start = 0
        bytes = 0
        return joined
    }
}
