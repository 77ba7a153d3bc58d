import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@Suite("EngineSummarizer: what a fleet row is made of, and when it is sent")
struct EngineSummarizerTests {
    /// A snapshot at `seconds` with one pool and one cache.
    func snapshot(
        at seconds: Double,
        waiters: Int = 0,
        timedOut: Int = 0,
        hits: Int = 0,
        misses: Int = 0,
        health: Health = .healthy
    ) throws -> EngineSnapshot {
        let components =
            health == .healthy
            ? "" : "\"pool/db\":{\"health\":\"\(health.rawValue)\",\"reason\":\"\(waiters) caller(s) waiting\"}"
        let json = """
            {"schemaVersion":1,"engine":"shop-1","takenAt":\(UInt64(seconds * 1e9)),
             "pools":[{"name":"db","phase":"running","total":4,"idle":0,"leased":4,"creating":0,"checking":0,
                       "waiters":\(waiters),"minimum":1,"maximum":4,"circuitOpen":false,"consecutiveCreateFailures":0,
                       "counters":{"acquired":0,"timedOut":\(timedOut),"cancelled":0,"created":4,"createFailures":0,
                                   "validationFailures":0,"replaced":0,"leaks":0,"closed":0,"staleReleases":0},
                       "acquireLatency":{"count":0,"p50":0,"p90":0,"p99":0,"p999":0,"max":0}}],
             "caches":[{"name":"users","policy":"lru","count":10,"weight":10,"maximumCount":100,"shards":1,
                        "stats":{"hits":\(hits),"misses":\(misses),"evictions":0,"expirations":0,"loads":0,
                                 "loadFailures":0,"rejections":0},"squeezed":false,"forcingMisses":false}],
             "guards":[],"scopes":[],"mappings":[],"faults":[],"events":[],
             "health":{"overall":"\(health.rawValue)","components":{\(components)}}}
            """
        return try JSONDecoder().decode(EngineSnapshot.self, from: Data(json.utf8))
    }

    @Test("one a second, and at once when the health changes")
    func whenDue() throws {
        var summarizer = EngineSummarizer(service: "shop", instance: "1")
        #expect(summarizer.summaryIfDue(try snapshot(at: 10)) != nil, "the first is due at once")
        #expect(summarizer.summaryIfDue(try snapshot(at: 10.25)) == nil)
        #expect(summarizer.summaryIfDue(try snapshot(at: 10.75)) == nil)
        #expect(summarizer.summaryIfDue(try snapshot(at: 11)) != nil)
        let degraded = summarizer.summaryIfDue(try snapshot(at: 11.25, waiters: 3, health: .degraded))
        #expect(degraded?.health == .degraded, "a health change does not wait")
        #expect(degraded?.reasons == ["pool/db: 3 caller(s) waiting"])
        #expect(summarizer.summaryIfDue(try snapshot(at: 11.5, waiters: 3, health: .degraded)) == nil)
        #expect(summarizer.summaryIfDue(try snapshot(at: 11.75, health: .healthy))?.health == .healthy)
        #expect(summarizer.summaryIfDue(try snapshot(at: 5)) != nil, "a clock that went back does not stop summaries")
    }

    @Test("timeouts per second, waiting time, interval hit ratio, and the waiting warning after 5 s")
    func numbers() throws {
        var summarizer = EngineSummarizer(service: "shop", instance: "1", labels: ["version": "1.4"])
        _ = summarizer.summary(try snapshot(at: 0, hits: 100, misses: 100))
        _ = summarizer.summary(try snapshot(at: 1, waiters: 2, timedOut: 0, hits: 100, misses: 100))
        let late = summarizer.summary(try snapshot(at: 3, waiters: 2, timedOut: 6, hits: 190, misses: 110))
        let pool = try #require(late.pools.first)
        #expect(pool.timeoutsPerSecond == 3)
        #expect(pool.waitingSeconds == 2)
        #expect(late.caches.first?.hitRatio == 0.9, "90 hits of 100 lookups since the last summary")
        #expect(late.warnings.isEmpty)
        #expect(late.labels == ["version": "1.4"] && late.service == "shop" && late.instance == "1")
        let starving = summarizer.summary(try snapshot(at: 7, waiters: 1, timedOut: 6, hits: 190, misses: 110))
        #expect(starving.warnings == ["pool db: waiters for 6 s"])
        #expect(starving.caches.first?.hitRatio == 190.0 / 300, "no lookups since: the lifetime ratio")
        #expect(starving.limitProblem(expectedEngine: "shop-1", expectedService: "shop") == nil)
        let relieved = summarizer.summary(try snapshot(at: 8))
        #expect(relieved.pools.first?.waitingSeconds == 0 && relieved.warnings.isEmpty)
        let encoded = try StreamingJSONEncoder().encode(relieved)
        #expect(encoded.count < 600, "\(encoded.count) bytes")
        #expect(try JSONDecoder().decode(EngineSummary.self, from: Data(encoded)) == relieved)
    }

    @Test("an engine of many pools and caches is cut to the worst eight of each; counters that fell give 0")
    func bounded() throws {
        var summarizer = EngineSummarizer(service: "big")
        var big = try snapshot(at: 1, timedOut: 50)
        big.pools = (0..<20).map { index in
            var pool = big.pools[0]
            pool.name = "p\(index)"
            pool.waiters = index
            return pool
        }
        big.caches = (0..<20).map { index in
            var cache = big.caches[0]
            cache.name = "c\(index)"
            cache.stats.hits = index
            cache.stats.misses = 20 - index
            return cache
        }
        _ = summarizer.summary(big)
        var reset = big
        reset.takenAt += 1_000_000_000
        for index in reset.pools.indices { reset.pools[index].counters.timedOut = 0 }
        let summary = summarizer.summary(reset)
        #expect(summary.pools.count == FleetLimits.maximumPools && summary.pools.first?.name == "p19")
        #expect(summary.pools.allSatisfy { $0.timeoutsPerSecond == 0 })
        #expect(summary.caches.count == FleetLimits.maximumCaches && summary.caches.first?.name == "c0")
        #expect(summary.limitProblem() == nil)
    }

    @Test("limits: each broken field is named")
    func limits() {
        var summary = EngineSummary(engine: "a", service: "s", takenAt: 0, health: .healthy)
        #expect(summary.limitProblem(expectedEngine: "b")?.contains("subject names 'b'") == true)
        summary.pools = [
            .init(name: "db", leased: 1, maximum: 1, waiters: 0, timeoutsPerSecond: .nan, waitingSeconds: 0)
        ]
        #expect(summary.limitProblem()?.contains("pools[db].timeoutsPerSecond is nan") == true)
        summary.pools = []
        summary.caches = [.init(name: "c", hitRatio: 1.5)]
        #expect(summary.limitProblem()?.contains("caches[c].hitRatio is 1.5") == true)
        summary.caches = []
        summary.labels = Dictionary(uniqueKeysWithValues: (0..<9).map { ("k\($0)", "v") })
        #expect(summary.limitProblem()?.contains("labels has 9 entries") == true)
        summary.labels = ["k": String(repeating: "x", count: FleetLimits.maximumTextLength + 1)]
        #expect(summary.limitProblem()?.contains("labels[k] is longer") == true)
    }
}
