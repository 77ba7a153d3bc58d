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
}
