import Testing

@testable import PatinoxMemory

@Suite("Pool sizing: the Erlang C model")
struct PoolSizingModelTests {
    @Test("Erlang C matches known values; the recursion holds for thousands of connections")
    func erlangC() {
        #expect(abs(PoolSizingModel.erlangC(servers: 1, load: 0.5) - 0.5) < 1e-12, "M/M/1: P(wait) = ρ")
        #expect(abs(PoolSizingModel.erlangC(servers: 2, load: 1) - 1.0 / 3) < 1e-12)
        #expect(abs(PoolSizingModel.erlangC(servers: 10, load: 8) - 0.409) < 0.001)
        let large = PoolSizingModel.erlangC(servers: 5_000, load: 4_900)
        #expect(large.isFinite && large > 0 && large < 1)
    }

    @Test("Little's law gives the hold; predictions fall as the pool grows, and say saturated at or past the load")
    func predictions() throws {
        // 300 acquires/s, 2.7 connections leased on average: 9 ms held, 2.7 Erlangs.
        let model = try #require(PoolSizingModel(acquireRate: 300, meanLeased: 2.7))
        #expect(abs(model.meanHold.inSeconds - 0.009) < 1e-9)
        #expect(abs(model.offeredLoad - 2.7) < 1e-9)
        let sizes = (3...10).compactMap { model.predict(connections: $0) }
        #expect(sizes.count == 8)
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0.waitProbability > $1.waitProbability })
        #expect(sizes.allSatisfy { !$0.saturated })
        let four = try #require(model.predict(connections: 4))
        // M/M/4 at 2.7 Erlangs: C = 0.3907 (worked by hand through the Erlang B recursion);
        // mean wait = C × hold / (c − a).
        #expect(abs(four.waitProbability - 0.3907) < 0.001)
        let mean = try #require(four.meanWait)
        #expect(abs(mean.inSeconds - four.waitProbability * 0.009 / 1.3) < 1e-9)
        #expect(try #require(four.p99Wait) > mean)
        let two = try #require(model.predict(connections: 2))
        #expect(two.saturated && two.waitProbability == 1)
        #expect(model.predict(connections: 0) == nil && model.predict(connections: 10_001) == nil)
        #expect(model.predict(connections: .max) == nil, "no recursion of Int.max steps")
        // Few wait: the p99 is zero.
        #expect(model.predict(connections: 12)?.p99Wait == .zero)
        // Numbers no pool produces (a peer's snapshot) give an answer, not a trap.
        let absurd = try #require(PoolSizingModel(acquireRate: 1e-10, meanLeased: 1e10))
        #expect(absurd.meanHold == .longestTracked)
        #expect(absurd.predict(connections: 10_000) != nil && absurd.predict(connections: 1) != nil)
        let tiny = try #require(PoolSizingModel(acquireRate: 1e300, meanLeased: 1e-300))
        #expect(tiny.predict(connections: 1)?.saturated == true, "a zero hold is not a model")
        #expect(PoolSizingModel(acquireRate: 0, meanLeased: 1) == nil)
        #expect(PoolSizingModel(acquireRate: .nan, meanLeased: 1) == nil)
    }

    @Test("a pool counts the acquires that waited")
    func waitedCounter() {
        var pool = PoolHarness {
            $0.minimumConnections = 1
            $0.maximumConnections = 1
        }
        pool.openAll()
        pool.acquire(1)
        pool.acquire(2)
        #expect(pool.machine.counters.waited == 1 && pool.machine.counters.acquired == 1)
        pool.release(1)
        #expect(pool.machine.counters.acquired == 2 && pool.machine.counters.waited == 1)
    }
}
