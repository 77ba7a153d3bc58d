import Testing

@testable import PatinoxMemory

@Suite("Clocks: standard library Clocks over nanosecond instants", .timeLimit(.minutes(1)))
struct ClockTests {
    /// Works with any standard library clock, as the workload and the UI loop take them.
    func elapsed<C: Clock>(on clock: C, _ body: () async throws -> Void) async rethrows -> C.Duration {
        let start = clock.now
        try await body()
        return start.duration(to: clock.now)
    }

    @Test("instants advance and measure both ways, saturating at the ends")
    func instants() {
        let start = MonotonicInstant(nanoseconds: 5_000)
        #expect(start.advanced(by: .nanoseconds(250)).nanoseconds == 5_250)
        #expect(start.advanced(by: .nanoseconds(-1_000)).nanoseconds == 4_000)
        #expect(start.advanced(by: .seconds(-1)) == .zero, "never before the origin")
        #expect(MonotonicInstant.distantFuture.advanced(by: .seconds(1)) == .distantFuture)
        #expect(start.duration(to: MonotonicInstant(nanoseconds: 5_500)) == .nanoseconds(500))
        #expect(start.duration(to: MonotonicInstant(nanoseconds: 4_500)) == .nanoseconds(-500))
    }

    @Test("a manual clock is a Clock: now, sleep(for:) and nextTimerScheduled() tell a test when to advance")
    func manualClockIsAClock() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await elapsed(on: clock) { try await clock.sleep(for: .seconds(3)) } }
        let deadline = await clock.nextTimerScheduled()
        #expect(deadline == clock.now + .seconds(3), "the sleeper's deadline, known before the clock moves")
        clock.advance(by: .seconds(3))
        #expect(try await sleeper.value == .seconds(3))
        #expect(clock.minimumResolution == .nanoseconds(1))
    }

    @Test("the system clock sleeps for real time through Clock's API")
    func systemClockIsAClock() async throws {
        let slept = try await elapsed(on: SystemClock()) { try await SystemClock().sleep(for: .milliseconds(20)) }
        #expect(slept >= .milliseconds(20))
    }
}
