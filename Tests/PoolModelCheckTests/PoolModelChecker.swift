@testable import PatinoxMemory

/// A bounded, exhaustive model checker for `PoolStateMachine`: from the configured start it applies every
/// enabled event in every reachable state, depth first to the scenario's depth, and checks every action and
/// invariant after each step. Each abstract state (``PoolModel/stateKey()``) is expanded once, and again only
/// when a shorter path reaches it (it then has more depth left to explore); each new state is also probed to
/// its end (``PoolModel/probe(remaining:)``). The first violation stops the search and carries its event
/// trace.
struct PoolModelChecker {
    /// What an exploration covered, and what it found.
    struct Outcome {
        /// Distinct abstract states reached.
        var states = 0
        /// Events applied (edges explored, including those into states seen before).
        var transitions = 0
        /// The longest path explored.
        var deepest = 0
        /// The first broken invariant, with the trace that reaches it.
        var violation: ModelViolation?
        var elapsed: Duration = .zero
    }

    let scenario: ModelScenario
    /// The shortest depth each state was reached at.
    var visited: [ModelStateKey: UInt8] = [:]
    var outcome = Outcome()
    var path: [ModelEvent] = []

    /// Explores `scenario` exhaustively to its depth.
    static func run(_ scenario: ModelScenario) -> Outcome {
        var checker = PoolModelChecker(scenario: scenario)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let model = try PoolModel(scenario)
            checker.visited[model.stateKey()] = 0
            try model.probe(remaining: scenario.depth)
            try checker.explore(model, depth: 0)
        } catch {
            var violation = error
            violation.trace = checker.path + error.trace
            checker.outcome.violation = violation
        }
        checker.outcome.states = checker.visited.count
        checker.outcome.elapsed = clock.now - start
        return checker.outcome
    }

    mutating func explore(_ model: PoolModel, depth: Int) throws(ModelViolation) {
        guard depth < scenario.depth else { return }
        for event in model.enabledEvents() {
            var next = model
            path.append(event)
            outcome.transitions += 1
            outcome.deepest = max(outcome.deepest, path.count)
            try next.step(event)
            let key = next.stateKey()
            let seen = visited[key]
            if seen.map({ Int($0) <= depth + 1 }) ?? false {
                path.removeLast()
                continue
            }
            visited[key] = UInt8(depth + 1)
            if seen == nil { try next.probe(remaining: scenario.depth - depth - 1) }
            try explore(next, depth: depth + 1)
            path.removeLast()
        }
    }

    /// A violation as a reproducible report: the scenario, what broke, and each event of the trace with the
    /// actions it produced, replayed from the start.
    static func report(
        _ violation: ModelViolation,
        in scenario: ModelScenario,
        ending: String = "✗ after the last event (a state or probe check)"
    ) -> String {
        var lines = ["\(scenario.name): \(violation.message)", "trace (\(violation.trace.count) events):"]
        var model: PoolModel
        do {
            model = try PoolModel(scenario, logging: true)
        } catch {
            return (lines + ["the start itself fails: \(error.message)"]).joined(separator: "\n")
        }
        lines.append("  0. " + (model.log?.first ?? "start"))
        for (index, event) in violation.trace.enumerated() {
            model.log = []
            do {
                try model.step(event)
                lines.append("  \(index + 1). " + (model.log ?? []).joined(separator: "; "))
            } catch {
                lines.append("  \(index + 1). " + (model.log ?? []).joined(separator: "; "))
                lines.append("     ✗ \(error.message)")
                return lines.joined(separator: "\n")
            }
        }
        lines.append("  " + ending)
        return lines.joined(separator: "\n")
    }
}
