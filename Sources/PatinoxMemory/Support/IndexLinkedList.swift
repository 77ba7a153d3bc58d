/// An element of an ``IndexLinkedList``: its neighbours' indices in the array that holds the elements
/// (`-1`: none).
public protocol IndexLinked {
    /// The neighbour towards the head.
    var previous: Int32 { get set }
    /// The neighbour towards the tail.
    var next: Int32 { get set }
}

/// A doubly-linked list threaded by index through the `previous`/`next` fields of elements that live in one
/// array: O(1) push at the head and removal anywhere, no allocation per node (a FIFO pushes at the head and
/// takes from the tail). The list holds only its ends; the
/// array is passed in, so one array can hold several lists (a cache shard's three queues, the pool's idle
/// list beside its other slots). Used by the cache's `EntryList`, the pool's idle list and `WaiterQueue`, and
/// by memtop's engine roster.
public struct IndexLinkedList: Sendable {
    @usableFromInline var first: Int32 = -1
    @usableFromInline var last: Int32 = -1

    /// The first element's index, or -1.
    @inlinable
    public var head: Int32 { first }

    /// The last element's index, or -1.
    @inlinable
    public var tail: Int32 { last }

    /// An empty list.
    @inlinable
    public init() {}

    /// Whether the list holds no element.
    @inlinable
    public var isEmpty: Bool { first < 0 }

    /// Links the element at `index` (not in any list) in front of the head.
    @inlinable
    public mutating func pushHead<Element: IndexLinked>(_ index: Int32, in elements: inout [Element]) {
        elements[Int(index)].previous = -1
        elements[Int(index)].next = first
        if first >= 0 { elements[Int(first)].previous = index } else { last = index }
        first = index
    }

    /// Unlinks the element at `index` (which is in this list) and clears its links.
    @inlinable
    public mutating func remove<Element: IndexLinked>(_ index: Int32, in elements: inout [Element]) {
        let previous = elements[Int(index)].previous
        let next = elements[Int(index)].next
        if previous >= 0 { elements[Int(previous)].next = next } else { first = next }
        if next >= 0 { elements[Int(next)].previous = previous } else { last = previous }
        elements[Int(index)].previous = -1
        elements[Int(index)].next = -1
    }

    /// The indices from the tail to the head.
    public func fromTail<Element: IndexLinked>(in elements: [Element]) -> [Int32] {
        var result: [Int32] = []
        var cursor = last
        while cursor >= 0 {
            result.append(cursor)
            cursor = elements[Int(cursor)].previous
        }
        return result
    }
}
