import Foundation
import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("Pool: the lease inspector (who holds each connection, since when, from where)", .timeLimit(.minutes(1)))
struct LeaseInspectorTests {
    static func site(_ file: StaticString, _ line: UInt32, task: String? = nil) -> LeaseSite {
        LeaseSite(file: file, line: line, task: TaskName(task))
    }

    @Test("the report lists leases oldest first with their sites, tasks, ages and age buckets")
    func oldestFirst() {
        var pool = PoolHarness { $0.minimumConnections = 3 }
        pool.openAll()
        pool.acquire(1, site: Self.site("Shop/Orders.swift", 88, task: "checkout"))
        pool.advance(.milliseconds(500))
        pool.acquire(2, site: Self.site("Shop/Search.swift", 12))
        pool.advance(.milliseconds(495))
        pool.acquire(3, site: Self.site("Shop/Orders.swift", 90))
        pool.now = pool.now + .milliseconds(5)
        let report = pool.machine.leaseReport(now: pool.now)
        #expect(report.oldest.map(\.site) == ["Orders.swift:88", "Search.swift:12", "Orders.swift:90"])
        #expect(report.oldest.map(\.age) == [.seconds(1), .milliseconds(500), .milliseconds(5)])
        #expect(report.oldest.map(\.task) == ["checkout", nil, nil])
        #expect(report.oldest.first?.file == "Shop/Orders.swift")
        #expect(report.oldest.allSatisfy { !$0.overThreshold && !$0.retiring })
        // Buckets: <1s, <10s, <1m, <10m, the rest.
        #expect(report.ageCounts == [2, 1, 0, 0, 0])
        #expect(report.leakThreshold == nil && report.overThreshold == 0 && report.overThresholdSites.isEmpty)
        // A released lease leaves the report.
        pool.release(1)
        #expect(pool.machine.leaseReport(now: pool.now).oldest.map(\.line) == [12, 90])
    }

    @Test("a connection handed to a waiter carries the waiter's site, not the releaser's")
    func handOffCarriesTheWaitersSite() {
        var pool = PoolHarness {
            $0.minimumConnections = 1
            $0.maximumConnections = 1
        }
        pool.openAll()
        pool.acquire(1, site: Self.site("A.swift", 1))
        pool.acquire(2, site: Self.site("B.swift", 2, task: "waiter"))
        #expect(pool.leases[2] == nil)
        pool.advance(.seconds(2))
        pool.release(1)
        let report = pool.machine.leaseReport(now: pool.now)
        #expect(report.oldest.count == 1)
        #expect(report.oldest.first?.site == "B.swift:2" && report.oldest.first?.task == "waiter")
        #expect(report.oldest.first?.age == .zero)
    }

    @Test("a connection opened for a waiter carries the waiter's site")
    func createdForAWaiter() {
        var pool = PoolHarness { $0.minimumConnections = 0 }
        pool.acquire(1, site: Self.site("C.swift", 3))
        pool.openAll()
        #expect(pool.machine.leaseReport(now: pool.now).oldest.map(\.site) == ["C.swift:3"])
    }

    @Test("leases over the leak threshold are counted, flagged and grouped by site, the most common first")
    func overThreshold() {
        var pool = PoolHarness {
            $0.minimumConnections = 4
            $0.leakThreshold = .seconds(30)
        }
        pool.openAll()
        pool.acquire(1, site: Self.site("Shop/Orders.swift", 88))
        pool.acquire(2, site: Self.site("Shop/Report.swift", 7))
        pool.acquire(3, site: Self.site("Shop/Orders.swift", 88))
        pool.advance(.seconds(31))
        pool.acquire(4, site: Self.site("Shop/Orders.swift", 88))
        let report = pool.machine.leaseReport(now: pool.now)
        #expect(report.leakThreshold == .seconds(30))
        #expect(report.overThreshold == 3)
        #expect(report.oldest.map(\.overThreshold) == [true, true, true, false])
        #expect(report.overThresholdSites.map(\.site) == ["Orders.swift:88", "Report.swift:7"])
        #expect(report.overThresholdSites.map(\.count) == [2, 1])
        // The leak events still fire once per lease.
        #expect(pool.machine.counters.leaks == 3)
    }

    @Test("a lease marked to close on return says so; the list is bounded")
    func retiringAndBounded() throws {
        var pool = PoolHarness {
            $0.minimumConnections = 20
            $0.maximumConnections = 20
        }
        pool.openAll()
        for waiter in 1...20 {
            pool.acquire(waiter, site: Self.site("Loop.swift", UInt32(waiter)))
            pool.advance(.milliseconds(1))
        }
        // Shrinking to 4 marks 16 of the 20 leased connections to close on return.
        pool.apply(try pool.machine.resize(minimum: 1, maximum: 4))
        let report = pool.machine.leaseReport(now: pool.now)
        #expect(report.oldest.count == LeaseReport.maximumListed)
        #expect(report.oldest.map(\.line) == Array(1...16))
        #expect(report.oldest.filter(\.retiring).count >= 12)
        #expect(report.ageCounts.reduce(0, +) == 20)
    }

    @Test("the real pool records the caller's #fileID, #line and task name, through withConnection too")
    func realPoolRecordsTheCaller() async throws {
        let pool = try makeTestPool(factory: TestFactory()) { $0.maximumConnections = 3 }
        let line = #line + 1
        let first = try await pool.acquire()
        let named = try await Task(name: "inspector-test") { try await pool.acquire() }.value
        let (held, release) = AsyncStream<Void>.makeStream()
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection { _ in
                enter.yield()
                for await _ in held { break }
            }
        }
        for await _ in entered { break }
        let report = try #require(pool.status().leases)
        #expect(report.oldest.count == 3)
        // Leases taken within one housekeeping tick share a time stamp, so their order is the slots' order.
        let sites = report.oldest.map(\.site)
        #expect(sites.contains("LeaseInspectorTests.swift:\(line)"))
        #expect(report.oldest.allSatisfy { $0.file == "PatinoxMemoryTests/LeaseInspectorTests.swift" })
        #expect(report.oldest.contains { $0.task == "inspector-test" })
        #expect(sites.filter { $0.hasPrefix("LeaseInspectorTests.swift:") }.count == 3)
        release.yield()
        try await holder.value
        pool.release(first)
        pool.release(named)
        #expect(pool.status().leases?.oldest.isEmpty == true)
        await pool.shutdown(deadline: .milliseconds(50))
    }

    @Test("the hold-leases fault holds connections at its own site, is flagged past the threshold, and clears")
    func holdLeasesFault() async throws {
        let pool = try makeTestPool(factory: TestFactory()) {
            $0.maximumConnections = 3
            $0.leakThreshold = .milliseconds(40)
            $0.housekeepingInterval = .milliseconds(10)
        }
        let engine = Engine(name: "inspector")
        engine.register(pool)
        try engine.apply(.injectFault(target: "t", kind: .holdLeases, amount: 2, durationSeconds: 60), sender: "t")
        #expect(await eventually { pool.status().leases?.overThreshold == 2 })
        let report = try #require(engine.snapshot().pools.first?.leases)
        #expect(report.oldest.count == 2)
        #expect(report.oldest.allSatisfy { $0.task == "fault: hold-leases" && $0.overThreshold })
        #expect(report.overThresholdSites.count == 1)
        #expect(report.overThresholdSites.first?.file == "PatinoxMemory/Pool+HeldLeases.swift")
        #expect(report.overThresholdSites.first?.count == 2)
        #expect(engine.snapshot().faults.map(\.kind) == [.holdLeases])
        // A third caller still gets the last connection.
        try await pool.withConnection { _ in }
        try engine.apply(.clearFaults(target: "t"), sender: "t")
        #expect(await eventually { pool.status().leased == 0 })
        #expect(throws: PatinoxError.self) {
            try engine.apply(.injectFault(target: "t", kind: .holdLeases, amount: 0, durationSeconds: 5), sender: "t")
        }
        await pool.shutdown(deadline: .milliseconds(50))
    }

    @Test("the report survives a JSON round trip; a status without one (an older engine) decodes to nil")
    func codable() throws {
        var report = LeaseReport()
        report.oldest = [
            LeaseInfo(connection: "#0.3", age: .milliseconds(1_500), file: "M/F.swift", line: 9, task: "t")
        ]
        report.ageCounts = [0, 1, 0, 0, 0]
        report.leakThreshold = .seconds(1)
        report.overThreshold = 1
        report.overThresholdSites = [LeaseSiteCount(file: "M/F.swift", line: 9, count: 1)]
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(LeaseReport.self, from: data) == report)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains("\"age\":1500000000") && text.contains("\"leakThreshold\":1000000000"))
        var status = PoolHarness().machine.status()
        status.leases = nil
        let old = try JSONEncoder().encode(status)
        #expect(!(String(data: old, encoding: .utf8) ?? "").contains("\"leases\""))
        #expect(try JSONDecoder().decode(PoolStatus.self, from: old).leases == nil)
    }
}
