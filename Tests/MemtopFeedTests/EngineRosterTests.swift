import Foundation
import Testing

@testable import MemtopFeed

/// The picker's roster is bounded whatever the broker carries.
@Suite("Engine roster: bounded, pruned, O(1) per message")
struct EngineRosterTests {
    @Test("300,000 made-up names: the roster keeps the 10,000 heard last and counts the rest, in well under 2 s")
    func flood() {
        var roster = EngineRoster()
        let started = ContinuousClock.now
        for index in 0..<300_000 {
            roster.hear("e\(index)", bytes: 1, at: .milliseconds(index / 100))
            if index.isMultiple(of: 1_000) { roster.hear("shop", bytes: 900, at: .milliseconds(index / 100)) }
        }
        let took = ContinuousClock.now - started
        #expect(roster.count == EngineRoster.capacity)
        #expect(roster.dropped == 300_000 + 1 - EngineRoster.capacity, "every name beyond the cap is counted")
        let listing = roster.listing(at: .seconds(3))
        #expect(listing.count == EngineRoster.capacity)
        #expect(listing.contains { $0.name == "shop" }, "an engine that keeps speaking is never the one dropped")
        #expect(listing.contains { $0.name == "e299999" } && !listing.contains { $0.name == "e0" })
        #expect(took < .seconds(2), "O(1) per message: \(took)")
    }

    @Test("a name silent for forgetAfter is forgotten; rate and silence come from the arrivals kept")
    func pruneAndRate() throws {
        var roster = EngineRoster()
        roster.hear("gone", bytes: 1, at: .zero)
        for tick in 0..<40 { roster.hear("shop", bytes: 100, at: .milliseconds(250 * tick)) }  // 4 per second
        let shop = try #require(roster.listing(at: .seconds(10)).first { $0.name == "shop" })
        #expect(abs(shop.rate - 4) < 0.01 && shop.silentFor == .milliseconds(250) && shop.bytes == 100)
        roster.hear("shop", bytes: 100, at: EngineRoster.forgetAfter + .seconds(1))
        #expect(roster.listing(at: EngineRoster.forgetAfter + .seconds(1)).map(\.name) == ["shop"])
        #expect(roster.dropped == 0, "forgetting is not dropping")
    }
}
