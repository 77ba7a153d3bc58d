import Foundation
import Testing

@testable import MemtopSource
@testable import PatinoxMemory

/// Each class of value no engine produces is named by the check, by its field's path.
@Suite("Snapshot limits (the trust boundary)")
struct SnapshotLimitsTests {
    static func snapshot() -> EngineSnapshot {
        var snapshot = EngineSnapshot(engine: "shop", takenAt: 1_000)
        snapshot.pools = [
            PoolStatus(
                name: "db",
                phase: .running,
                total: 2,
                idle: 1,
                leased: 1,
                creating: 0,
                checking: 0,
                waiters: 0,
                minimum: 1,
                maximum: 4,
                circuitOpen: false,
                consecutiveCreateFailures: 0,
                counters: PoolCounters(),
                acquireLatency: LatencySummary(),
                leases: LeaseReport()
            )
        ]
        snapshot.mappings = [
            MappingSnapshot(
                path: "/data/index",
                bytes: 8192,
                writable: false,
                pages: 2,
                residentPages: 1,
                regions: [50]
            )
        ]
        snapshot.events = [
            EngineEvent(at: 900, component: ComponentID(kind: .pool, name: "db"), kind: .phase, message: "a\nb")
        ]
        return snapshot
    }

    @Test("a snapshot an engine produces passes, with its subject's engine")
    func good() {
        #expect(Self.snapshot().limitProblem(expectedEngine: "shop") == nil)
    }

    /// One value no engine produces, and the words the check must find.
    enum Forgery: CaseIterable, Sendable {
        case negativeCounter, hugeMaximum, hugeLatencyCount, residentBeyondPages, regionOver100, hugeEventCount
        case escapeInMessage, controlInName, emptyEngine, tooManyPools, notANumberFraction
        case tooManyLeases, escapeInLeaseTask, negativeLeaseLine, tooManyAgeBuckets, negativeOverThreshold
        case sizingRatioOverOne, tooManySizingPoints, negativeRemovals

        var expected: String {
            switch self {
            case .negativeCounter: "pools[db].counters.timedOut is -9223372036854775808"
            case .hugeMaximum: "pools[db].maximum is 9223372036854775807"
            case .hugeLatencyCount: "pools[db].acquireLatency.count is 18446744073709551615"
            case .residentBeyondPages: "residentPages is 3, more than its 2 pages"
            case .regionOver100: "regions holds 101"
            case .hugeEventCount: "events[0].count is 9223372036854775807"
            case .escapeInMessage: "events[0].message holds the control character U+1b"
            case .controlInName: "pools[db?].name holds the control character U+7"
            case .emptyEngine: "engine is empty"
            case .tooManyPools: "pools has 10001 entries"
            case .notANumberFraction: "caches[users].windowFraction is nan"
            case .tooManyLeases: "pools[db].leases.oldest has 17 entries, more than 16"
            case .escapeInLeaseTask: "pools[db].leases.oldest[0].task holds the control character U+1b"
            case .negativeLeaseLine: "pools[db].leases.oldest[0].line is -1"
            case .tooManyAgeBuckets: "pools[db].leases.ageCounts has 17 entries, more than 16"
            case .negativeOverThreshold: "pools[db].leases.overThresholdSites[0].count is -5"
            case .sizingRatioOverOne: "caches[users].sizing.points[0].hitRatio is 1.5, outside 0…1"
            case .tooManySizingPoints: "caches[users].sizing.points has 17 entries, more than 16"
            case .negativeRemovals: "caches[users].stats.removals is -1"
            }
        }

        func apply(to snapshot: inout EngineSnapshot) {
            switch self {
            case .negativeCounter: snapshot.pools[0].counters.timedOut = Int.min
            case .hugeMaximum: snapshot.pools[0].maximum = Int.max
            case .hugeLatencyCount: snapshot.pools[0].acquireLatency.count = .max
            case .residentBeyondPages: snapshot.mappings[0].residentPages = 3
            case .regionOver100: snapshot.mappings[0].regions = [101]
            case .hugeEventCount: snapshot.events[0].count = Int.max
            case .escapeInMessage: snapshot.events[0].message = "\u{1B}[2J"
            case .controlInName: snapshot.pools[0].name = "db\u{7}"
            case .emptyEngine: snapshot.engine = ""
            case .tooManyPools: snapshot.pools = Array(repeating: snapshot.pools[0], count: 10_001)
            case .tooManyLeases:
                snapshot.pools[0].leases?.oldest = Array(repeating: SnapshotLimitsTests.lease, count: 17)
            case .escapeInLeaseTask:
                snapshot.pools[0].leases?.oldest = [SnapshotLimitsTests.lease]
                snapshot.pools[0].leases?.oldest[0].task = "\u{1B}]0;owned\u{7}"
            case .negativeLeaseLine:
                snapshot.pools[0].leases?.oldest = [SnapshotLimitsTests.lease]
                snapshot.pools[0].leases?.oldest[0].line = -1
            case .tooManyAgeBuckets: snapshot.pools[0].leases?.ageCounts = Array(repeating: 1, count: 17)
            case .negativeOverThreshold:
                snapshot.pools[0].leases?.overThresholdSites = [LeaseSiteCount(file: "A.swift", line: 1, count: -5)]
            case .sizingRatioOverOne:
                snapshot.caches = [SnapshotLimitsTests.cache(sizing: [SizingPoint(capacity: 10, hitRatio: 1.5)])]
            case .tooManySizingPoints:
                snapshot.caches = [
                    SnapshotLimitsTests.cache(
                        sizing: Array(repeating: SizingPoint(capacity: 1, hitRatio: 0), count: 17)
                    )
                ]
            case .negativeRemovals:
                snapshot.caches = [SnapshotLimitsTests.cache(sizing: [])]
                snapshot.caches[0].stats.removals = -1
            case .notANumberFraction:
                snapshot.caches = [
                    CacheStatus(
                        name: "users",
                        policy: .wTinyLFU,
                        count: 0,
                        weight: 0,
                        maximumCount: 10,
                        maximumWeight: nil,
                        shards: 1,
                        stats: CacheStats(),
                        windowFraction: .nan,
                        squeezed: false,
                        forcingMisses: false
                    )
                ]
            }
        }
    }

    static func cache(sizing points: [SizingPoint]) -> CacheStatus {
        CacheStatus(
            name: "users",
            policy: .lru,
            count: 0,
            weight: 0,
            maximumCount: 10,
            maximumWeight: nil,
            shards: 1,
            stats: CacheStats(),
            windowFraction: nil,
            squeezed: false,
            forcingMisses: false,
            sizing: SizingCurve(points: points, policies: [], sampledReads: 0, sampleRate: 1)
        )
    }

    static let lease = LeaseInfo(connection: "#0.1", age: .seconds(1), file: "M/F.swift", line: 3, task: "t")

    @Test("each forged value is rejected with its path", arguments: Forgery.allCases)
    func forged(_ forgery: Forgery) {
        var snapshot = Self.snapshot()
        forgery.apply(to: &snapshot)
        let problem = snapshot.limitProblem()
        #expect(problem?.contains(forgery.expected) == true, "\(problem ?? "accepted")")
    }

    @Test("a snapshot on another engine's subject is refused")
    func otherEngine() {
        #expect(
            Self.snapshot().limitProblem(expectedEngine: "books") == "engine is 'shop', but its subject names 'books'"
        )
    }

    @Test("a pool can hold the limit itself, and 4,096 of its counters sum without overflow")
    func limitIsSafe() {
        var snapshot = Self.snapshot()
        snapshot.pools[0].counters.acquired = SnapshotLimits.maximumCount
        #expect(snapshot.limitProblem() == nil)
        let (_, overflow) = SnapshotLimits.maximumCount.multipliedReportingOverflow(by: 4_096)
        #expect(!overflow)
    }
}
