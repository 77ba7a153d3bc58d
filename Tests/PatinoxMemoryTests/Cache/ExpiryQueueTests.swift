import PropertyBased
import Testing

@testable import PatinoxMemory

@Suite("Expiry queue: a sweep visits what is due, not what is stored")
struct ExpiryQueueTests {
    @Test("the heap hands out due nodes soonest first, whatever the order they came in")
    func heapOrder() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000).array(of: 0...300)) { times in
            var queue = ExpiryQueue()
            for (index, time) in times.enumerated() {
                queue.schedule(.init(at: UInt64(time), slot: Int32(index), generation: 0))
            }
            var popped: [UInt64] = []
            while let node = queue.popDue(now: 600) { popped.append(node.at) }
            #expect(popped == times.map(UInt64.init).filter { $0 <= 600 }.sorted())
            #expect(queue.count == times.filter { $0 > 600 }.count)
            #expect(queue.nextDue == times.filter { $0 > 600 }.min().map(UInt64.init) ?? .max)
            queue.compact { $0.at % 2 == 0 }
            var rest: [UInt64] = []
            while let node = queue.popDue(now: .max) { rest.append(node.at) }
            #expect(rest == times.map(UInt64.init).filter { $0 > 600 && $0 % 2 == 0 }.sorted())
        }
    }

    func shard(timeToIdle: UInt64 = 0) -> CacheShard<Int, Int> {
        CacheShard(
            policy: .lru,
            maximumCount: 1_000_000,
            maximumWeight: .max,
            timeToIdle: timeToIdle,
            recordsRemovals: false,
            seed: 1
        )
    }

    @Test("a sweep removes the due entries and visits no other")
    func sweepsOnlyTheDue() {
        var shard = shard()
        var removals: [CacheShard<Int, Int>.Removal] = []
        for key in 0..<10_000 {
            let liveUntil: UInt64 = key < 100 ? 10 : 1_000_000
            shard.put(key, hash: key.hashValue, key, weight: 1, liveUntil: liveUntil, now: 0, removals: &removals)
        }
        for key in 10_000..<20_000 {  // no expiry: never in the queue
            shard.put(key, hash: key.hashValue, key, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        }
        #expect(shard.expiry.count == 10_000)
        #expect(shard.removeExpired(now: 11, into: &removals) == 100)
        #expect(shard.count == 19_900 && shard.expiry.count == 9_900, "only the 100 due nodes were taken")
        #expect(shard.removeExpired(now: 11, into: &removals) == 0)
        #expect(shard.stats.expirations == 100)
    }

    @Test("overwrites: a shorter time-to-live wins, none means never; a reused slot is not expired by the old node")
    func overwritesAndReuse() {
        var shard = shard()
        var removals: [CacheShard<Int, Int>.Removal] = []
        shard.put(1, hash: 1.hashValue, 1, weight: 1, liveUntil: 100, now: 0, removals: &removals)
        shard.put(1, hash: 1.hashValue, 2, weight: 1, liveUntil: 50, now: 0, removals: &removals)
        shard.put(2, hash: 2.hashValue, 2, weight: 1, liveUntil: 10, now: 0, removals: &removals)
        shard.put(2, hash: 2.hashValue, 3, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        shard.put(3, hash: 3.hashValue, 3, weight: 1, liveUntil: 20, now: 0, removals: &removals)
        shard.remove(3, hash: 3.hashValue, cause: .removed, into: &removals)
        shard.put(4, hash: 4.hashValue, 4, weight: 1, liveUntil: 1_000, now: 0, removals: &removals)  // slot of 3
        #expect(shard.removeExpired(now: 60, into: &removals) == 1, "key 1 at 50; 2 never; 3's node is stale")
        #expect(shard.peek(1, hash: 1.hashValue, now: 60) == nil)
        #expect(shard.peek(2, hash: 2.hashValue, now: 60) == 3 && shard.peek(4, hash: 4.hashValue, now: 60) == 4)
        #expect(shard.removeExpired(now: 1_000, into: &removals) == 1)
        #expect(shard.count == 1 && shard.expiry.isEmpty)
    }

    @Test("a read that extends a time-to-idle reschedules the entry when its old time comes")
    func timeToIdleReschedules() {
        var shard = shard(timeToIdle: 10)
        var removals: [CacheShard<Int, Int>.Removal] = []
        shard.put(1, hash: 1.hashValue, 1, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        shard.put(2, hash: 2.hashValue, 2, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        #expect(shard.get(1, hash: 1.hashValue, now: 8, removals: &removals) == 1)  // now idle until 18
        #expect(shard.removeExpired(now: 12, into: &removals) == 1, "2 expired at 10; 1 was read at 8")
        #expect(shard.expiry.count == 1 && shard.expiry.nextDue == 18)
        #expect(shard.removeExpired(now: 18, into: &removals) == 1)
        #expect(shard.count == 0)
    }

    @Test("churn keeps the queue within twice the entries (stale nodes are compacted away)")
    func boundedUnderChurn() {
        var shard = shard()
        var removals: [CacheShard<Int, Int>.Removal] = []
        for round in 0..<50 {
            for key in 0..<1_000 {
                let liveUntil = UInt64(1_000_000 - round)  // each overwrite a little sooner: a new node
                shard.put(key, hash: key.hashValue, key, weight: 1, liveUntil: liveUntil, now: 0, removals: &removals)
            }
            #expect(shard.expiry.count <= 2 * shard.count + 1_024 + 1)
        }
        #expect(MemoryLayout<CacheEntryMeta>.stride == 48, "the generation sits in padding")
        #expect(shard.removeExpired(now: 1_000_000, into: &removals) == 1_000)
        #expect(shard.expiry.isEmpty)
    }

    @Test("the bound follows the entries that can expire, not all entries; an emptied shard drops its queue")
    func boundFollowsExpiringEntries() {
        var shard = shard()
        var removals: [CacheShard<Int, Int>.Removal] = []
        for key in 0..<10_000 {  // no expiry: these never enter the queue
            shard.put(key, hash: key.hashValue, key, weight: 1, liveUntil: .max, now: 0, removals: &removals)
        }
        for round in 0..<5_000 {  // one key with a time-to-live, rewritten (each write a new node)
            let liveUntil = UInt64(1_000_000 - round)
            shard.put(-1, hash: (-1).hashValue, round, weight: 1, liveUntil: liveUntil, now: 0, removals: &removals)
        }
        #expect(shard.expiry.count <= 2 * 1 + 1_024 + 1, "\(shard.expiry.count) nodes for one expiring entry")
        for key in -1..<10_000 { shard.remove(key, hash: key.hashValue, cause: .removed, into: &removals) }
        #expect(shard.count == 0 && shard.expiry.isEmpty)
    }
}
