import Testing

@testable import PatinoxMemory

@Suite("FrequencySketch")
struct FrequencySketchTests {
    @Test("counts up to 15 per key and keeps distinct keys apart")
    func counts() {
        var sketch = FrequencySketch()
        sketch.ensureCapacity(1000)
        for _ in 0..<5 { sketch.increment(42.hashValue) }
        #expect(sketch.frequency(42.hashValue) == 5)
        for _ in 0..<40 { sketch.increment(7.hashValue) }
        #expect(sketch.frequency(7.hashValue) == 15)
        var overestimated = 0
        for key in 1_000..<3_000 {
            sketch.increment(key.hashValue)
        }
        for key in 1_000..<3_000 where sketch.frequency(key.hashValue) != 1 { overestimated += 1 }
        #expect(overestimated < 100, "count-min over-estimates rarely (\(overestimated) of 2000)")
        #expect(sketch.frequency(99_999.hashValue) <= 1)
    }

    @Test("after sampleSize increments every counter halves (aging)")
    func aging() {
        var sketch = FrequencySketch()
        sketch.ensureCapacity(8)
        for _ in 0..<12 { sketch.increment(1.hashValue) }
        let before = sketch.frequency(1.hashValue)
        for key in 100..<(100 + sketch.sampleSize) { sketch.increment(key.hashValue) }
        #expect(sketch.frequency(1.hashValue) < before)
    }

    /// Regression: the aging correction was `additions / 2 - odd / 4`, which with four table words per entry
    /// went negative (−745 at capacity 1024 on a scan), so each aging waited longer than the last.
    @Test("aging never leaves a negative count and keeps its period (Caffeine's order, clamped)")
    func agingCorrection() {
        var sketch = FrequencySketch()
        sketch.ensureCapacity(1024)
        var previous = 0
        var resets: [Int] = []  // additions right after each aging
        var incrementsBetween: [Int] = []
        var since = 0
        for step in 0..<200_000 {
            // Mostly new keys, as in a scan: most counters are 1, odd, when the sketch ages.
            sketch.increment((step % 20_000).hashValue)
            since += 1
            if sketch.additions < previous {
                resets.append(sketch.additions)
                incrementsBetween.append(since)
                since = 0
            }
            previous = sketch.additions
        }
        #expect(resets.count >= 10, "aged \(resets.count) times in 200,000 increments")
        #expect(resets.allSatisfy { $0 >= 0 && $0 <= sketch.sampleSize / 2 }, "after aging: \(resets)")
        #expect(
            incrementsBetween.dropFirst().allSatisfy { $0 <= sketch.sampleSize },
            "no aging waits longer than sampleSize increments: \(incrementsBetween)"
        )
    }

    @Test("the aging period follows the capacity both ways; the table only grows")
    func followsResize() {
        var sketch = FrequencySketch()
        sketch.ensureCapacity(1_000)
        let table = sketch.table.count
        #expect(sketch.sampleSize == 10_000)
        sketch.ensureCapacity(100)
        #expect(sketch.sampleSize == 1_000 && sketch.table.count == table)
        sketch.ensureCapacity(10_000)
        #expect(sketch.sampleSize == 100_000 && sketch.table.count > table)
        sketch.ensureCapacity(Int.max)
        #expect(sketch.sampleSize > 0 && sketch.table.count == 1 << 26, "a huge capacity neither traps nor overflows")
    }

    @Test("a W-TinyLFU shard resized keeps its sketch's aging in step with the new bound")
    func shardResize() {
        var shard = CacheShard<Int, Int>(
            policy: .wTinyLFU,
            maximumCount: 1_000,
            maximumWeight: .max,
            timeToIdle: 0,
            recordsRemovals: false,
            seed: 1
        )
        var removals: [CacheShard<Int, Int>.Removal] = []
        for key in 0..<100 {
            shard.put(key, hash: key.hashValue, key, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        }
        #expect(shard.tinyLFU.sketch.sampleSize == 10_000)
        shard.setBounds(count: 200, weight: .max, into: &removals)
        #expect(shard.tinyLFU.sketch.sampleSize == 2_000)
    }
}
