/// Frames (messages, recording lines) waiting to be written, bounded by bytes: beyond ``limit`` the oldest are
/// dropped and counted, so a peer that stops reading — a stopped broker, a slow disk — cannot make memtop hold
/// more than the limit. O(1) per frame. Used by the NATS client's outgoing buffer and the recording writer.
public struct BoundedFrameQueue: Sendable {
    /// The most bytes kept.
    public let limit: Int
    private var frames: [[UInt8]] = []
    /// Frames before this index were taken or dropped.
    private var start = 0
    /// Bytes kept now.
    public private(set) var bytes = 0
    /// Frames dropped because the queue was full.
    public private(set) var dropped = 0

    /// An empty queue that keeps at most `limit` bytes.
    public init(limit: Int) { self.limit = max(0, limit) }

    /// Whether no frame waits.
    public var isEmpty: Bool { start == frames.count }

    /// Keeps `frame`, dropping the oldest frames while the queue is over its limit (a frame larger than the
    /// limit drops itself).
    public mutating func append(_ frame: [UInt8]) {
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

    /// Every frame kept, oldest first; the queue is left empty.
    public mutating func takeFrames() -> [[UInt8]] {
        defer {
            frames = []
            start = 0
            bytes = 0
        }
        return Array(frames[start...])
    }

    /// Every frame kept, oldest first, joined into one write; the queue is left empty.
    public mutating func takeAll() -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes)
        for frame in takeFrames() { joined += frame }
        return joined
    }
}
