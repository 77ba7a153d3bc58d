/// A count-min sketch of 4-bit counters that estimates how often a key was seen recently (W-TinyLFU's
/// "popularity" test), in the spirit of Caffeine's FrequencySketch.
///
/// Each 64-bit word holds sixteen counters; a key maps to one word per row (four rows) and to one
/// counter group inside it. Counters saturate at 15. After `sampleSize` increments every counter is
/// halved, so old popularity fades ("aging"). The table has four words per cache entry (Caffeine uses
/// one): with fewer collisions the admission duels depend far less on how keys happen to hash
/// (measured: gli@1000 varied 49.6–50.8 % between hash seeds with one word, 50.7 % steadily with four).
struct FrequencySketch: Sendable {
    private(set) var table: [UInt64] = []
    private var tableMask = 0
    private(set) var sampleSize = 0
    /// Increments since the last aging, less what the aging took back (never negative).
    private(set) var additions = 0

    private static let seeds: [UInt64] = [
        0xc3a5_c85c_97cb_3127, 0xb492_b66f_be98_f273, 0x9ae1_6a3b_2f90_404f, 0xcbf2_9ce4_8422_2325,
    ]
    private static let resetMask: UInt64 = 0x7777_7777_7777_7777
    /// Table words per cache entry (16 counters each).
    static let wordsPerEntry = 4
    private static let oneMask: UInt64 = 0x1111_1111_1111_1111

    var isInitialized: Bool { !table.isEmpty }

    /// Sizes the sketch for `capacity` entries: the aging period follows the capacity at once (ten
    /// increments per entry); the table (a power of two words, at least 8) grows when it must — which,
    /// as in Caffeine, forgets the counts — and never shrinks.
    mutating func ensureCapacity(_ capacity: Int) {
        let capacity = min(max(capacity, 1), 1 << 40)
        sampleSize = max(10 * capacity, 10)
        let wanted = max(8, min(1 << 26, Self.ceilingPowerOfTwo(capacity) * Self.wordsPerEntry))
        guard table.count < wanted else { return }
        table = Array(repeating: 0, count: wanted)
        tableMask = wanted - 1
        additions = 0
    }

    /// The estimated number of recent occurrences of `hash`, 0...15.
    func frequency(_ hash: Int) -> Int {
        guard isInitialized else { return 0 }
        let spread = Self.spread(hash)
        let start = Int((spread & 3) << 2)
        var minimum = 15
        for row in 0..<4 {
            let index = indexOf(spread, row)
            let count = Int((table[index] >> UInt64((start + row) << 2)) & 0xF)
            minimum = min(minimum, count)
        }
        return minimum
    }

    /// Records one occurrence of `hash`.
    mutating func increment(_ hash: Int) {
        guard isInitialized else { return }
        let spread = Self.spread(hash)
        let start = Int((spread & 3) << 2)
        var added = false
        for row in 0..<4 {
            let index = indexOf(spread, row)
            let shift = UInt64((start + row) << 2)
            if (table[index] >> shift) & 0xF < 15 {
                table[index] &+= 1 << shift
                added = true
            }
        }
        if added {
            additions += 1
            if additions >= sampleSize { reset() }
        }
    }

    /// Halves every counter (aging). Each increment raised four counters, and halving an odd counter drops
    /// half a count that `additions >> 1` does not see: Caffeine's correction, `(size - odd / 4) / 2`, in
    /// its order (subtract, then halve). With four table words per entry many counters are odd, so the
    /// correction can exceed the additions: clamped at zero, else aging would wait longer each time.
    private mutating func reset() {
        var odd = 0
        for index in table.indices {
            odd += (table[index] & Self.oneMask).nonzeroBitCount
            table[index] = (table[index] >> 1) & Self.resetMask
        }
        additions = max(0, additions - (odd >> 2)) >> 1
    }

    private func indexOf(_ spread: UInt64, _ row: Int) -> Int {
        var hash = (spread &+ Self.seeds[row]) &* Self.seeds[row]
        hash &+= hash >> 32
        return Int(truncatingIfNeeded: hash) & tableMask
    }

    private static func spread(_ hash: Int) -> UInt64 {
        var x = UInt64(bitPattern: Int64(hash))
        x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
        x = (x ^ (x >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        return x ^ (x >> 33)
    }

    private static func ceilingPowerOfTwo(_ value: Int) -> Int {
        value <= 1 ? 1 : 1 << (Int.bitWidth - (value - 1).leadingZeroBitCount)
    }
}
