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
        let sizes = (3...10).map { model.predict(connections: $0) }
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0.waitProbability > $1.waitProbability })
        #expect(sizes.allSatisfy { !$0.saturated })
        let four = model.predict(connections: 4)
        // M/M/4 at 2.7 Erlangs: C = 0.3907 (worked by hand through the Erlang B recursion);
        // mean wait = C × hold / (c − a).
        #expect(abs(four.waitProbability - 0.3907) < 0.001)
        let mean = try #require(four.meanWait)
        #expect(abs(mean.inSeconds - four.waitProbability * 0.009 / 1.3) < 1e-9)
        #expect(try #require(four.p99Wait) > mean)
        #expect(model.predict(connections: 2).saturated && model.predict(connections: 2).waitProbability == 1)
        #expect(model.predict(connections: 0).saturated)
        // Few wait: the p99 is zero.
        #expect(model.predict(connections: 12).p99Wait == .zero)
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
