import MemtopTestSupport
import Testing

@testable import PatinoxMemory

/// Issue #15 §5: the pool's state machine, explored exhaustively within bounds. Every interleaving of
/// callers (acquire, release with and without discard, cancel, acquire-time validation), the backend
/// (attempts that succeed, fail or arrive after being abandoned; background checks), the clock (the
/// shell's timer at `nextWakeup`, a late timer) and operators (resize, kill, shutdown, its deadline), to the
/// scenario's depth; every action and invariant checked after every step (see `PoolModel`).
///
/// The exploration is seconds of CPU: each scenario runs on a thread of its own (not one of the two cooperative
/// threads other suites' timers need), one at a time.
@Suite("Pool state machine: exhaustive model check", .serialized)
struct PoolModelCheckTests {
    static let resizes = [ModelResize(minimum: 0, maximum: 1), ModelResize(minimum: 1, maximum: 3)]

    static let twoConnections = ModelScenario(
        name: "maximum 2, minimum 0",
        configuration: ModelScenario.configuration(minimum: 0, maximum: 2),
        depth: 9,
        resizes: resizes,
        stateFloor: 25_000
    )

    static let threeConnections = ModelScenario(
        name: "maximum 3, minimum 1, one opened at start",
        configuration: ModelScenario.configuration(minimum: 1, maximum: 3, initial: 1),
        depth: 8,
        resizes: resizes,
        stateFloor: 15_000
    )

    /// Scans every 3 s, so waiter deadlines, retries and lifetimes also fall between scans; short lifetimes and
    /// a breaker that opens on the first failure.
    static let rareScans = ModelScenario(
        name: "maximum 2, minimum 2, scans every 3 s, lifetime 1 s, breaker at 1",
        configuration: ModelScenario.configuration(minimum: 2, maximum: 2) {
            $0.housekeepingInterval = .seconds(3)
            $0.maxLifetime = .seconds(1)
            $0.circuitBreakerThreshold = 1
        },
        depth: 8,
        resizes: resizes,
        stateFloor: 12_000
    )

    static let scenarios = [twoConnections, threeConnections, rareScans]

    @Test("every interleaving keeps every invariant", arguments: scenarios)
    func exploresEveryInterleaving(_ scenario: ModelScenario) async throws {
        let outcome = try await onThread { PoolModelChecker.run(scenario) }
        if let violation = outcome.violation {
            Issue.record(Comment(rawValue: PoolModelChecker.report(violation, in: scenario)))
        }
        #expect(
            outcome.states >= scenario.stateFloor,
            "explored only \(outcome.states) states (floor \(scenario.stateFloor)): the exploration is too shallow"
        )
        #expect(outcome.deepest == scenario.depth, "no path reached the depth bound \(scenario.depth)")
        print(
            "PoolModelCheck [\(scenario.name)]: depth \(scenario.depth), \(outcome.states) states, "
                + "\(outcome.transitions) transitions, \(Int(outcome.elapsed / .milliseconds(1))) ms"
        )
    }

    @Test("regression (found by the checker): a failed acquire-time validation during shutdown finishes it")
    func shutdownStallsAfterFailedValidation() throws {
        let model = try PoolModel.replay(
            Self.threeConnections,
            [
                .created(ConnectionID(slot: 0, epoch: 0)), .tick, .acquire, .beginShutdown,
                .validated(caller: 0, healthy: false),
            ],
            logging: false
        )
        #expect(model.holders.isEmpty && model.checks.isEmpty && model.creates.isEmpty, "nothing is outstanding")
        #expect(model.machine.phase == .closed && model.shutdownCompleted, "the shutdown finished")
    }

    @Test("regression (found by the checker): a healthy background check never leases a connection past its lifetime")
    func expiredConnectionLeasedAfterCheck() throws {
        let model = try PoolModel.replay(
            Self.threeConnections,
            [
                .created(ConnectionID(slot: 0, epoch: 0)), .lateTick, .acquire, .tick,
                .checkFinished(ConnectionID(slot: 0, epoch: 0), healthy: true),
            ],
            logging: false
        )
        #expect(
            model.holders.allSatisfy { model.machine.slots[$0.lease.id.slot].expiresAt > model.now },
            "every lease is of a connection within its lifetime"
        )
    }

    @Test("regression (found by the checker): an acquire failing fast on an open breaker still closes what expired")
    func expiredCloseDroppedWhenBreakerOpen() throws {
        // Connection 1 opens, the other attempt fails (the breaker opens), the retry comes at t+1 s: connection 1
        // has reached its 1 s lifetime and no scan ran since (they come every 3 s).
        var model = try PoolModel.replay(
            Self.rareScans,
            [.created(ConnectionID(slot: 0, epoch: 0)), .createFailed(ConnectionID(slot: 1, epoch: 0)), .tick],
            logging: false
        )
        let closedBefore = model.machine.counters.closed
        let result = model.machine.acquire(requestID: 1_000, waiter: 1_000, now: model.now)
        let requested: Int
        switch result {
        case .queued(let actions), .failed(_, let actions):
            requested = actions.count { if case .close = $0 { true } else { false } }
        case .leased: requested = 0
        }
        #expect(model.machine.counters.closed > closedBefore, "the expired connection was closed")
        #expect(
            requested == model.machine.counters.closed - closedBefore,
            "every connection the acquire closed (counted) is one it asks the shell to close"
        )
    }

    @Test(
        "the checker catches a planted bug, with a trace that reproduces it",
        arguments: ModelMutation.allCases.filter { $0 != .none }
    )
    func catchesPlantedBug(_ mutation: ModelMutation) {
        var scenario = ModelScenario(
            name: "planted bug: \(mutation)",
            configuration: ModelScenario.configuration(minimum: 0, maximum: 2),
            depth: 6,
            resizes: [ModelResize(minimum: 0, maximum: 1)]
        )
        scenario.mutation = mutation
        let outcome = PoolModelChecker.run(scenario)
        guard let violation = outcome.violation else {
            Issue.record("the planted bug '\(mutation)' went unnoticed in \(outcome.states) states")
            return
        }
        #expect(violation.message.contains(mutation.symptom), "caught for the wrong reason: \(violation)")
        #expect(!violation.trace.isEmpty && violation.trace.count <= scenario.depth + 8)
        #expect(
            throws: ModelViolation.self,
            "replaying the trace reproduces the violation: \(violation)"
        ) {
            try PoolModel.replay(scenario, violation.trace, logging: false)
        }
        #expect(PoolModelChecker.report(violation, in: scenario).contains(violation.message))
    }
}
