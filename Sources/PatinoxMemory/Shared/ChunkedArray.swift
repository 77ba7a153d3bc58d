/// An array stored in fixed-size chunks, so that a copy shares every chunk and a write copies only the
/// chunk it touches (structural sharing): updating one element of a large shared array costs one chunk,
/// not the whole array.
public struct ChunkedArray<Element>: RandomAccessCollection, MutableCollection {
    /// Elements per chunk.
    public let chunkSize: Int
    @usableFromInline var chunks: [[Element]] = []
    public private(set) var count: Int = 0

    /// An empty array that grows in chunks of `chunkSize` elements.
    public init(chunkSize: Int = 1024) {
        self.chunkSize = Swift.max(1, chunkSize)
    }

    /// An array holding `elements`, in chunks of `chunkSize`.
    public init<S: Sequence>(_ elements: S, chunkSize: Int = 1024) where S.Element == Element {
        self.init(chunkSize: chunkSize)
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "index out of range")
            return chunks[position / chunkSize][position % chunkSize]
        }
        _modify {
            precondition(position >= 0 && position < count, "index out of range")
            yield &chunks[position / chunkSize][position % chunkSize]
        }
    }

    /// Appends `element`; copies only the last chunk if it is shared.
    public mutating func append(_ element: Element) {
        if count % chunkSize == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    /// How many chunks this array shares storage with `other` (for tests and diagnostics).
    public func sharedChunks(with other: ChunkedArray) -> Int {
        zip(chunks, other.chunks).filter { mine, theirs in
            // SAFETY: only the buffers' addresses are compared; no element is read through them.
            mine.withUnsafeBufferPointer { a in theirs.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        }.count
    }

    /// The number of chunks.
    public var chunkCount: Int { chunks.count }
}

extension ChunkedArray: Sendable where Element: Sendable {}
