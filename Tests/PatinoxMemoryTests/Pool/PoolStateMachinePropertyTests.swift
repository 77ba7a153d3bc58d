import PropertyBased
import Testing

@testable import PatinoxMemory

/// Random sequences of acquire, release, cancel, resize, connection outcomes, time and faults never break
/// the pool's invariants.
@Suite("Pool state machine: properties")
struct PoolStateMachinePropertyTests {
    /// One step, decoded from a number so the generator shrinks failing runs to short, small ones.
    enum Step: CustomStringConvertible {
        case acquire
        case release(pick: Int, discard: Bool)
        case cancel(pick: Int)
        case resize(minimum: Int, maximum: Int)
        case completeCreate(success: Bool)
        case advance(milliseconds: Int)
        case kill(Int)
        case finishCheck(healthy: Bool)

        init(_ code: Int) {
            let argument = code / 10
            switch code % 10 {
            case 0, 1: self = .acquire
            case 2, 3: self = .release(pick: argument, discard: argument % 7 == 0)
            case 4: self = .cancel(pick: argument)
            case 5: self = .resize(minimum: argument % 3, maximum: 1 + (argument / 3) % 6)
            case 6: self = .completeCreate(success: argument % 4 != 0)
            case 7: self = .advance(milliseconds: argument % 1500)
            case 8: self = .kill(1 + argument % 3)
            default: self = .finishCheck(healthy: argument % 3 != 0)
            }
        }

        var description: String {
            switch self {
            case .acquire: "acquire"
            case .release(let pick, let discard): "release(\(pick)\(discard ? ", discard" : ""))"
            case .cancel(let pick): "cancel(\(pick))"
            case .resize(let minimum, let maximum): "resize(\(minimum), \(maximum))"
            case .completeCreate(let success): "create(\(success ? "ok" : "fail"))"
            case .advance(let milliseconds): "advance(\(milliseconds) ms)"
            case .kill(let count): "kill(\(count))"
            case .finishCheck(let healthy): "check(\(healthy ? "ok" : "fail"))"
            }
        }
    }

    struct Model {
        var pool = PoolHarness {
            $0.maximumConnections = 3
            $0.minimumConnections = 1
            $0.acquireTimeout = .seconds(1)
            $0.keepaliveInterval = .milliseconds(700)
            $0.idleTimeout = .seconds(2)
            $0.maxLifetime = .seconds(5)
            $0.leakThreshold = .seconds(2)
            $0.circuitBreakerThreshold = 4
        }
        var issued: [Int] = []
        var cancelled: Set<Int> = []
        var nextWaiter = 0

        /// Waiters holding a lease right now.
        var holders: [Int] { pool.leases.keys.sorted() }
        /// Waiters still queued.
        var queued: [Int] {
            issued.filter {
                pool.leases[$0] == nil && pool.failures[$0] == nil && !cancelled.contains($0) && !released.contains($0)
            }
        }
        var released: Set<Int> = []
        var pendingChecks: [(id: ConnectionID, connection: Int)] = []

        /// Throws when the machine refuses a step it must accept (a valid resize of a running pool).
        mutating func run(_ step: Step) throws {
            switch step {
            case .acquire:
                let waiter = nextWaiter
                nextWaiter += 1
                issued.append(waiter)
                pool.acquire(waiter)
            case .release(let pick, let discard):
                guard !holders.isEmpty else { return }
                let waiter = holders[pick % holders.count]
                pool.release(waiter, discard: discard)
                released.insert(waiter)
            case .cancel(let pick):
                let waiting = queued
                guard !waiting.isEmpty else { return }
                let waiter = waiting[pick % waiting.count]
                // Request IDs are issued in acquire order, one per slow-path acquire; find this waiter's.
                if let requestID = pool.requestID(of: waiter), pool.machine.cancel(requestID: requestID) != nil {
                    cancelled.insert(waiter)
                }
            case .resize(let minimum, let maximum):
                // Always valid (0 ≤ minimum ≤ maximum, maximum ≥ 1) on a running pool: a refusal is a failure.
                pool.apply(try pool.machine.resize(minimum: min(minimum, maximum), maximum: maximum))
            case .completeCreate(let success):
                guard !pool.pendingCreates.isEmpty else { return }
                if success { pool.completeCreates(1) } else { pool.failCreate() }
            case .advance(let milliseconds):
                pool.advance(.milliseconds(milliseconds))
            case .kill(let count):
                pool.apply(pool.machine.kill(count: count))
            case .finishCheck(let healthy):
                guard let check = pool.checks.first else { return }
                pool.checks.removeFirst()
                pool.apply(pool.machine.checkFinished(check.id, healthy: healthy, now: pool.now))
            }
        }

        func checkInvariants(after steps: [Step]) {
            let counts = pool.counts
            let machine = pool.machine
            let context = Comment(rawValue: "after \(steps)")
            #expect(counts.live <= machine.configuration.maximumConnections, context)
            #expect(counts.live >= 0 && counts.retiring >= 0 && counts.idle >= 0, context)
            let occupiedSlots = machine.slots.slots.filter { $0.state != .free }.count
            #expect(occupiedSlots == counts.occupied, context)
            if machine.phase == .running {
                #expect(
                    counts.idle == 0 || machine.waiters.isEmpty,
                    "no waiter left waiting beside an idle connection; \(context)"
                )
            }
            let leasedConnections = machine.slots.indices(in: .leased).compactMap { machine.slots.connection(at: $0) }
            #expect(Set(leasedConnections).count == leasedConnections.count, "no connection leased twice; \(context)")
            let held = pool.leases.values.map(\.connection)
            #expect(Set(held).count == held.count, "no connection held by two callers; \(context)")
            #expect(pool.doubleWakes.isEmpty, "no waiter woken twice; \(context)")
            #expect(machine.waiters.count == queued.count, "no waiter lost; \(context)")
        }
    }

    @Test("random operation sequences keep every invariant, and shutdown resolves every waiter")
    func invariantsHold() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...99_999).array(of: 1...120)) { codes in
            var model = Model()
            let steps = codes.map(Step.init)
            for (index, step) in steps.enumerated() {
                try model.run(step)
                model.checkInvariants(after: Array(steps[...index]))
            }
            model.pool.apply(model.pool.machine.beginShutdown())
            for waiter in model.holders {
                model.pool.release(waiter)
                model.released.insert(waiter)
            }
            while let check = model.pool.checks.first {
                model.pool.checks.removeFirst()
                model.pool.apply(model.pool.machine.checkFinished(check.id, healthy: true, now: model.pool.now))
            }
            #expect(model.pool.shutdownCompleted, "shutdown completes once leases return; after \(steps)")
            let unresolved = model.issued.filter {
                model.pool.leases[$0] == nil && model.pool.failures[$0] == nil && !model.cancelled.contains($0)
                    && !model.released.contains($0)
            }
            #expect(unresolved.isEmpty, "every waiter was served, failed or cancelled; after \(steps)")
        }
    }
}
