import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@testable import MemtopUI

@Suite("The fleet view: every engine of a broker, worst first")
struct FleetTests {
    @Test("golden screens at 120×40, 80×24 and compact 70×20")
    func goldenScreens() throws {
        for (width, height, name) in [
            (120, 40, "fleet-120x40"), (80, 24, "fleet-80x24"), (70, 20, "fleet-compact-70x20"),
        ] {
            let canvas = Screen.render(try fleetState(width: width, height: height), glyphs: .unicode)
            let (same, diff) = try matchesGolden(canvas, name)
            #expect(same, "\(diff)")
        }
    }

    @Test("rows: services by their worst engine, each service's engines worst first, aggregates summed")
    func order() throws {
        let state = try fleetState()
        #expect(
            state.fleetEngineNames() == [
                "search-1", "search-2", "billing", "checkout-2", "checkout-1", "checkout-3", "legacy-app",
            ]
        )
        let services = state.fleetServices()
        let checkout = try #require(services.first { $0.name == "checkout" })
        #expect(checkout.leased == 8 + 1 + 1)
        #expect(checkout.maximum == 24)
        #expect(checkout.waiters == 6)
        #expect(checkout.healthy == 2)
        #expect(checkout.worst == .degraded)
        let counts = state.fleetCounts()
        #expect(counts.engines == 7)
        #expect(counts.degraded == 2)  // checkout-2, search-2 (the flaky fixture is degraded)
        #expect(counts.unhealthy == 1)
        #expect(counts.stale == 1)
        #expect(counts.starving == 1)
        let header = Screen.render(state, glyphs: .unicode).text.split(separator: "\n")[0]
        #expect(header.contains("7 engines · 2 degraded · 1 unhealthy · 1 stale · 1 starving"))
    }

    @Test("an engine silent for 5 s turns STALE; after 60 s it leaves the fleet")
    func staleThenGone() throws {
        var state = try fleetState()
        var listings = try fleetListings()
        listings[0].silentFor = FleetTiming.staleAfter + .milliseconds(1)
        listings[1].silentFor = FleetTiming.leaveAfter + .seconds(1)
        _ = state.reduce(.engines(listings))
        let engines = state.fleetServices().flatMap(\.engines)
        #expect(engines.first { $0.name == "checkout-1" }?.health == .stale)
        #expect(!engines.contains { $0.name == "checkout-2" })
        #expect(state.fleetCounts().engines == 6)
    }

    @Test("↑/↓ move by engine, Enter draws it, Esc comes back, and the selection follows the engine, not the row")
    func navigate() throws {
        var state = try fleetState()
        #expect(state.fleetSelection == "search-1")
        _ = state.press(.down, .down)
        #expect(state.fleetSelection == "billing")
        #expect(state.press(.enter) == [.selectEngine("billing")])
        #expect(state.mode == .normal)
        #expect(state.snapshot == nil)
        _ = state.press(.escape)
        #expect(state.mode == .fleet)
        #expect(state.fleetSelection == "billing")
        // Billing recovers and is heard again: it moves down the table, and the selection goes with it.
        var listings = try fleetListings()
        listings[5].silentFor = .milliseconds(100)
        _ = state.reduce(.engines(listings))
        #expect(state.fleetSelection == "billing")
        _ = state.press(.end)
        #expect(state.fleetSelection == "legacy-app")
        _ = state.press(.home, .up)
        #expect(state.fleetSelection == "search-1")
        // The engine drawn already: Enter only changes the view.
        #expect(state.press(.enter) == [.selectEngine("search-1")])
        var drawn = try fixture("flaky-2")
        drawn.engine = "search-1"
        _ = state.reduce(.snapshot(drawn, now: .seconds(96)))
        _ = state.press(.escape)
        #expect(state.press(.enter).isEmpty)
        #expect(state.mode == .normal)
        #expect(state.snapshot?.engine == "search-1")
    }

    @Test("/ filters by engine, service, instance or label; Esc clears; s cycles the order")
    func filterAndSort() throws {
        var state = try fleetState()
        _ = state.press(.character("/"))
        #expect(state.fleet.editingFilter)
        _ = state.press(.character("s"), .character("e"), .character("a"))
        #expect(state.fleetEngineNames() == ["search-1", "search-2"])
        _ = state.press(.enter)
        #expect(!state.fleet.editingFilter)
        #expect(state.fleet.filter == "sea")
        let screen = Screen.render(state, glyphs: .unicode).text
        #expect(screen.contains("Fleet: 2 engines in 1 service matching 'sea'"))
        _ = state.press(.escape)
        #expect(state.fleet.filter.isEmpty)
        #expect(state.fleetEngineNames().count == 7)
        _ = state.press(.character("s"))
        #expect(state.fleet.sort == .name)
        #expect(
            state.fleetEngineNames() == [
                "billing", "checkout-1", "checkout-2", "checkout-3", "legacy-app", "search-1", "search-2",
            ]
        )
        _ = state.press(.character("s"))
        #expect(state.fleet.sort == .silence)
        #expect(state.fleetEngineNames().first == "billing")
        _ = state.press(.character("s"))
        #expect(state.fleet.sort == .worst)
        _ = state.press(.character("/"), .character("z"), .character("z"), .escape)
        #expect(state.fleet.filter.isEmpty && !state.fleet.editingFilter)
    }

    @Test("e opens the picker and ? the help over the fleet; closing them returns to it; q quits")
    func overlays() throws {
        var state = try fleetState()
        _ = state.press(.character("e"))
        #expect(state.isPickingEngine)
        #expect(Screen.render(state, glyphs: .unicode).text.contains("Fleet: 7 engines"))
        _ = state.press(.escape)
        #expect(state.mode == .fleet)
        _ = state.press(.character("?"))
        #expect(state.mode == .help)
        _ = state.press(.character("x"))
        #expect(state.mode == .fleet)
        #expect(state.press(.character("+")).isEmpty)
        #expect(state.message?.level == .error)
        #expect(state.press(.character("q")) == [.quit])
    }

    @Test("Esc on an engine's screen opens the fleet only when the broker carries more than one engine")
    func escapeNeedsAFleet() throws {
        var single = try state("steady")
        _ = single.press(.escape)
        #expect(single.mode == .normal)
        var state = try fleetState()
        _ = state.press(.enter)
        _ = state.reduce(.engines(Array(try fleetListings().prefix(1))))
        _ = state.press(.escape)
        #expect(state.mode == .normal)
    }

    @Test("a summary of absurd numbers draws without a trap")
    func hostileNumbers() throws {
        var state = try fleetState()
        var listings = try fleetListings()
        for index in listings.indices {
            guard var summary = listings[index].summary else { continue }
            for pool in summary.pools.indices {
                summary.pools[pool].leased = .max
                summary.pools[pool].maximum = .max
                summary.pools[pool].waiters = .max
                summary.pools[pool].timeoutsPerSecond = .greatestFiniteMagnitude
            }
            summary.guardFailures = .max
            summary.faults = .max
            listings[index].summary = summary
            listings[index].silentFor = .seconds(Int64.max)
        }
        listings[0].silentFor = .zero
        _ = state.reduce(.engines(listings))
        for (width, height) in [(120, 40), (80, 24), (30, 8), (20, 5)] {
            _ = state.reduce(.resize(width: width, height: height))
            _ = Screen.render(state, glyphs: .unicode)
        }
        #expect(state.fleetServices().allSatisfy { $0.leased == .max || $0.leased >= 0 })
    }
}
