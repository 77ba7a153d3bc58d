// Applying control commands: validation, routing, self-clearing faults, and an event per command.
extension Engine {
    /// Validates and applies `command`; returns what it did. Every applied command becomes an event that
    /// names `sender`. Faults with a duration clear themselves when it ends.
    @discardableResult
    public func apply(_ command: ControlCommand, sender: String) throws(PatinoxError) -> String {
        endDueFaults()
        let (target, result) = try route(command)
        record(component: target, kind: .command, message: "\(sender): \(result)")
        return result
    }

    private func route(_ command: ControlCommand) throws(PatinoxError) -> (ComponentID, String) {
        switch command {
        case .resizePool(let pool, let minimum, let maximum):
            let member = try member(pool, kind: .pool)
            guard maximum <= commandPoolCeiling else {
                throw .invalidConfiguration(
                    component: .engine,
                    name: pool,
                    operation: "resizePool",
                    problem: "maximum \(maximum) is above the \(commandPoolCeiling) connections a command may ask for",
                    hint: "resize from the application itself, or create the engine with a higher commandPoolCeiling."
                )
            }
            return (member.id, try member.control(.resize(minimum: minimum, maximum: maximum)))
        case .injectFault(let target, let kind, let amount, let seconds):
            try Self.validate(kind, amount: amount, seconds: seconds)
            let member = try member(target, kind: kind.component)
            let duration = Duration.milliseconds(Int64(seconds * 1000))
            let result = try member.control(.inject(kind, amount: amount, duration: duration))
            if Self.lasts(kind) {
                let until = (clock.now() + duration).nanoseconds
                let timed = TimedFault(
                    fault: ActiveFault(target: target, kind: kind, until: until),
                    member: member,
                    duration: duration
                )
                activeFaults.withLockedValue { faults in
                    // The new injection replaces an earlier one of the same kind on the same target: the
                    // earlier one's end must not clear it, and a target holds at most one fault per kind.
                    faults.removeAll { $0.fault.target == target && $0.fault.kind == kind }
                    faults.append(timed)
                }
                faultsChanged.wake()
            }
            return (member.id, "fault \(kind.rawValue) for \(duration.humanReadable): \(result)")
        case .clearFaults(let target):
            let member = try member(target, kind: nil)
            activeFaults.withLockedValue { $0.removeAll { $0.fault.target == target } }
            return (member.id, try member.control(.clear(nil)))
        case .flushCache(let cache):
            let member = try member(cache, kind: .cache)
            return (member.id, try member.control(.inject(.flush, amount: nil, duration: .zero)))
        case .resizeCache(let cache, let maximumCount):
            let member = try member(cache, kind: .cache)
            guard maximumCount <= Self.commandCacheCeiling else {
                throw .invalidConfiguration(
                    component: .engine,
                    name: cache,
                    operation: "resizeCache",
                    problem: "maximumCount \(maximumCount) is above the \(Self.commandCacheCeiling) entries a command "
                        + "may ask for",
                    hint: "resize from the application itself."
                )
            }
            return (member.id, try member.control(.resizeCache(maximumCount: maximumCount)))
        case .resetStats(let target):
            if let target {
                let member = try member(target, kind: nil)
                return (member.id, try member.control(.resetStatistics))
            }
            let all = members.withLockedValue { $0.filter { $0.isAlive() } }
            for member in all { _ = try? member.control(.resetStatistics) }
            return (ComponentID(kind: .engine, name: name), "statistics reset on \(all.count) component(s)")
        }
    }

    /// The largest count bound a `resizeCache` command may set: 2³⁰ entries.
    public static let commandCacheCeiling = 1 << 30

    /// Faults that stay until something clears them (the others act once, or clear themselves).
    private static func lasts(_ kind: FaultKind) -> Bool {
        switch kind {
        case .failHealthChecks, .failCreates, .acquireLatency, .createLatency, .holdLeases, .cleanupFailures,
            .missStorm, .squeeze:
            true
        case .killConnections, .flush, .dropResidentPages: false
        }
    }

    private static func validate(_ kind: FaultKind, amount: Double?, seconds: Double) throws(PatinoxError) {
        func reject(_ problem: String, _ hint: String) -> PatinoxError {
            .invalidConfiguration(
                component: .engine,
                name: kind.rawValue,
                operation: "injectFault",
                problem: problem,
                hint: hint
            )
        }
        guard seconds > 0, seconds <= 3600 else {
            throw reject("durationSeconds \(seconds) is outside (0, 3600]", "give a duration of up to an hour.")
        }
        guard let amount else { return }
        switch kind {
        case .squeeze where !(amount > 0 && amount <= 1):
            throw reject("amount \(amount) is outside (0, 1]", "squeeze to a fraction such as 0.5.")
        case .acquireLatency where !(0...60_000).contains(amount), .createLatency where !(0...60_000).contains(amount):
            throw reject("amount \(amount) ms is outside 0…60000", "give a latency in milliseconds up to a minute.")
        case .killConnections where !(1...100_000).contains(amount):
            throw reject("amount \(amount) is outside 1…100000", "kill at least one connection.")
        case .holdLeases where !(1...1_000).contains(amount):
            throw reject("amount \(amount) is outside 1…1000", "hold between one and a thousand connections.")
        default: return
        }
    }
}
