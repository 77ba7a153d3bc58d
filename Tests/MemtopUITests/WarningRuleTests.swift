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
        #expect(LeakedLease().check(pool, &now)?.text == "lease held past the leak threshold")
        var after = before
        after.pools[0] = pool
        var later = context(after, now: .seconds(109), now.trackers)
        #expect(LeakedLease().check(pool, &later) != nil, "still shown 9 s later")
        var gone = context(after, now: .seconds(111), later.trackers)
        #expect(LeakedLease().check(pool, &gone) == nil)
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
