import Foundation
import MemtopSource
import PatinoxMemory

@testable import MemtopUI

/// The summary of a fixture pair as its publisher would send it (the second snapshot, rates against the
/// first), renamed to `engine` of `service`, instance `instance`.
func fixtureSummary(_ pair: String, engine: String, service: String, instance: String?) throws -> EngineSummary {
    var summarizer = EngineSummarizer(service: service, instance: instance)
    _ = summarizer.summary(try fixture("\(pair)-1"))
    var summary = summarizer.summary(try fixture("\(pair)-2"))
    summary.engine = engine
    return summary
}

/// Seven engines in four services, as a broker would list them: three checkout replicas from the steady
/// fixture (one starving: 6 waiters for 12 s), two search replicas from the flaky one (one unhealthy with its
/// circuit open), a billing engine gone silent (STALE) and a legacy engine heard by its snapshots only.
func fleetListings() throws -> [EngineListing] {
    var starving = try fixtureSummary("steady", engine: "checkout-2", service: "checkout", instance: "2")
    starving.health = .degraded
    starving.pools[0].leased = 8
    starving.pools[0].waiters = 6
    starving.pools[0].waitingSeconds = 12
    starving.pools[0].timeoutsPerSecond = 1.5
    starving.reasons = ["pool/db: 6 caller(s) waiting for a connection"]
    starving.warnings = ["pool db: waiters for 12 s"]
    var unhealthy = try fixtureSummary("flaky", engine: "search-1", service: "search", instance: "1")
    unhealthy.health = .unhealthy
    unhealthy.reasons = ["pool/inventory-db: circuit open after 13 failed connection attempts"]
    unhealthy.faults = 1
    let summaries: [(EngineSummary, Duration)] = [
        (try fixtureSummary("steady", engine: "checkout-1", service: "checkout", instance: "1"), .milliseconds(300)),
        (starving, .milliseconds(200)),
        (try fixtureSummary("steady", engine: "checkout-3", service: "checkout", instance: "3"), .milliseconds(900)),
        (unhealthy, .milliseconds(100)),
        (try fixtureSummary("flaky", engine: "search-2", service: "search", instance: "2"), .milliseconds(400)),
        (try fixtureSummary("steady", engine: "billing", service: "billing", instance: nil), .seconds(14)),
    ]
    return summaries.map { EngineListing(name: $0.0.engine, silentFor: $0.1, rate: 1, bytes: 340, summary: $0.0) }
        + [EngineListing(name: "legacy-app", silentFor: .milliseconds(250), rate: 4, bytes: 2600)]
}

/// A state attached to a broker with the fleet above, on the fleet view.
func fleetState(width: Int = 120, height: Int = 40) throws -> AppState {
    var state = AppState(source: SourceInfo(kind: .remote, detail: "nats://127.0.0.1:4222"))
    _ = state.reduce(.resize(width: width, height: height))
    _ = state.reduce(.tick(now: .seconds(95)))
    _ = state.reduce(.engines(try fleetListings()))
    _ = state.reduce(.openFleet)
    return state
}
