import PatinoxMemory
import Testing

@testable import MemtopUI

@Suite("Warning rules, one at a time")
struct WarningRuleTests {
    func context(_ previous: EngineSnapshot?, now: Duration, _ trackers: WarningTrackers) -> LintContext {
        LintContext(
            previous: previous,
            history: History(),
            thresholds: WarningThresholds(),
            now: now,
            trackers: trackers
        )
    }

    @Test("a leak warning stays up for 10 s after the pool's leak count rises, then goes")
    func leakedLease() throws {
        let before = try fixture("steady-1")
        var pool = try #require(before.pools.first)
        pool.counters.leaks += 1
        var now = context(before, now: .seconds(100), WarningTrackers())
        #expect(LeakedLease().check(pool, &now)?.text == "leak: a lease was held past the leak threshold")
        var after = before
        after.pools[0] = pool
        var later = context(after, now: .seconds(109), now.trackers)
        #expect(LeakedLease().check(pool, &later) != nil, "still shown 9 s later")
        var gone = context(after, now: .seconds(111), later.trackers)
        #expect(LeakedLease().check(pool, &gone) == nil)
    }

    @Test("leases held past the threshold: the warning names their site and lasts while they are held")
    func leakedLeaseNamesItsSite() throws {
        var pool = try #require(try fixture("steady-1").pools.first)
        var report = LeaseReport()
        report.leakThreshold = .seconds(30)
        report.overThreshold = 3
        report.overThresholdSites = [LeaseSiteCount(file: "Shop/OrderService.swift", line: 88, count: 3)]
        pool.leases = report
        var now = context(nil, now: .seconds(100), WarningTrackers())
        #expect(LeakedLease().check(pool, &now)?.text == "leak: 3 leases > 30s at OrderService.swift:88")
        report.overThreshold = 5
        report.overThresholdSites.append(LeaseSiteCount(file: "Shop/Report.swift", line: 7, count: 2))
        pool.leases = report
        var later = context(nil, now: .seconds(500), now.trackers)
        #expect(LeakedLease().check(pool, &later)?.text == "leak: 5 leases > 30s, 3 at OrderService.swift:88")
        report.overThreshold = 1
        report.overThresholdSites = [LeaseSiteCount(file: "Shop/Report.swift", line: 7, count: 1)]
        pool.leases = report
        #expect(LeakedLease().check(pool, &later)?.text == "leak: 1 lease > 30s at Report.swift:7")
        report.overThreshold = 0
        report.overThresholdSites = []
        pool.leases = report
        #expect(LeakedLease().check(pool, &later) == nil, "released: the warning goes")
    }

    @Test("a pool starves only after its waiters have waited long enough; the clock restarts when they go")
    func starvingPool() throws {
        var pool = try #require(try fixture("steady-1").pools.first)
        pool.waiters = 3
        var state = context(nil, now: .seconds(10), WarningTrackers())
        #expect(StarvingPool().check(pool, &state) == nil, "just started waiting")
        var later = context(nil, now: .seconds(16), state.trackers)
        #expect(StarvingPool().check(pool, &later)?.text == "starving: waiters for 6 s")
        pool.waiters = 0
        var served = context(nil, now: .seconds(17), later.trackers)
        #expect(StarvingPool().check(pool, &served) == nil && served.trackers.waitingSince[pool.name] == nil)
    }
}
