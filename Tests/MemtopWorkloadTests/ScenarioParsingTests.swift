import Foundation
import PatinoxMemory
import Testing

@testable import MemtopWorkload

/// The repository's demo/ folder, found from this file's path.
let demoFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("demo")

@Suite("Scenario files")
struct ScenarioParsingTests {
    static let shipped = ["steady", "flash-sale", "flaky-backend", "cache-thrash"]

    @Test("every shipped scenario parses, with the settings its story needs", arguments: shipped)
    func shippedScenarioParses(name: String) throws {
        let scenario = try Scenario.load(path: demoFolder.appendingPathComponent("\(name).toml").path)
        #expect(scenario.name == name)
        #expect(!scenario.phases.isEmpty && !scenario.summary.isEmpty)
        switch name {
        case "flash-sale":
            let sale = try #require(scenario.phases.first { $0.name == "sale" })
            #expect(sale.concurrency > scenario.pool.maximum * 4, "the spike must outnumber the connections")
            #expect(scenario.pool.acquireTimeout <= .milliseconds(500))
        case "flaky-backend":
            #expect(scenario.phases.contains { $0.connectFailureRate == 1.0 }, "an outage opens the breaker")
            #expect(scenario.phases.contains { ($0.failureRate ?? 0) > 0 && ($0.failureRate ?? 0) < 1 })
        case "cache-thrash":
            let reports = try #require(scenario.phases.first { $0.scanEvery != nil })
            #expect(reports.scanLength >= scenario.cache.maximumCount)
        default:
            #expect(scenario.mappedFile != nil)
        }
    }

    @Test("the compiled-in default is demo/steady.toml, word for word")
    func builtinMatchesFile() throws {
        let file = try String(contentsOf: demoFolder.appendingPathComponent("steady.toml"), encoding: .utf8)
        #expect(Scenario.builtinText + "\n" == file || Scenario.builtinText == file)
        #expect(Scenario.builtin.name == "steady")
        #expect(Scenario.builtin.phases.map(\.name) == ["morning", "noon", "evening"])
    }

    @Test("phase overrides win over the scenario's settings, the rest is inherited")
    func phaseSettings() throws {
        let scenario = try Scenario.parse(
            """
            name = "t"
            [pool]
            minimum = 1
            maximum = 4
            [backend]
            latency_median_ms = 2
            latency_p99_ms = 9
            [cache]
            zipf_alpha = 0.5
            [[phase]]
            duration_seconds = 1
            rate = 10
            concurrency = 1
            [[phase]]
            name = "spike"
            duration_seconds = 2.5
            rate = 100
            concurrency = 4
            pool_maximum = 6
            failure_rate = 0.25
            zipf_alpha = 1.2
            """,
            file: "t.toml"
        )
        let first = scenario.settings(forPhase: 0)
        #expect(first.poolMaximum == 4 && first.backend.failureRate == 0 && first.zipfAlpha == 0.5)
        #expect(first.phase.name == "phase[0]")
        let spike = scenario.settings(forPhase: 1)
        #expect(spike.poolMinimum == 1 && spike.poolMaximum == 6)
        #expect(spike.backend.failureRate == 0.25 && spike.backend.latencyP99 == .milliseconds(9))
        #expect(spike.zipfAlpha == 1.2 && spike.phase.duration == .milliseconds(2_500))
        #expect(scenario.cycleDuration == .milliseconds(3_500))
    }

    /// Each malformed file, the line the error must name, and words its message must contain.
    static let malformed: [(String, Int?, [String])] = [
        (
            "name = \"x\"\n[[phase]]\nduration_seconds = 5\nrate = \"fast\"\nconcurrency = 2", 4,
            ["phase[0].rate", "expected a number", "string"]
        ),
        (
            "name = \"x\"\n[pool]\nminimum = 9\nmaximum = 3\n"
                + "[[phase]]\nduration_seconds = 1\nrate = 1\nconcurrency = 1",
            3, ["pool.minimum", "above maximum"]
        ),
        ("name = \"x\"\n\n[cache]\npolicy = \"fifo\"\n", 4, ["cache.policy", "'fifo'", "lru"]),
        ("name = \"x\"\n[[phase]]\nduration_seconds = 1\nrate = 1\nconcurency = 2", 5, ["unknown key", "concurency"]),
        ("name = \"x\"\n[[phase]]\nduration_seconds = 1\nrate = 1", 2, ["phase[0].concurrency", "missing"]),
        ("name = \"x\"", nil, ["at least one [[phase]]"]),
        (
            "name = \"x\"\n[[phase]]\nduration_seconds = 1\nrate = 1\nconcurrency = 1\nfailure_rate = 1.5", 6,
            ["failure_rate", "outside 0.0...1.0"]
        ),
        ("name = \"x\"\n[backend]\nlatency_median_ms = 10\nlatency_p99_ms = 5", 4, ["p99", "below the median"]),
        (
            "name = \"x\"\n[[phase]]\nduration_seconds = 1\nrate = 1\nconcurrency = 1\nscan_length = 5", 6,
            ["scan_every_seconds"]
        ),
        ("name = \"x\"\npool = 3", 2, ["field 'pool'", "expected a table"]),
        ("name = \"x\"\n[pool\nmaximum = 3", 2, ["not valid TOML"]),
        ("description = \"no name\"\n[[phase]]\nduration_seconds = 1\nrate = 1\nconcurrency = 1", nil, ["name"]),
    ]

    @Test("a malformed scenario names the file, the line and the field", arguments: malformed.indices)
    func malformedScenario(index: Int) {
        let (text, line, words) = Self.malformed[index]
        do {
            _ = try Scenario.parse(text, file: "demo/bad.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.context.location?.file == (line == nil ? nil : "demo/bad.toml"))
            #expect(error.context.location?.line == line, "\(error)")
            for word in words { #expect(error.description.contains(word), "\(error.description) lacks \(word)") }
        }
    }

    @Test("a missing file is an error naming the path, not a crash")
    func missingFile() {
        #expect(throws: PatinoxError.self) { try Scenario.load(path: "/nonexistent/x.toml") }
        do {
            _ = try Scenario.load(path: "/nonexistent/x.toml")
        } catch {
            #expect(error.description.contains("/nonexistent/x.toml"))
        }
    }
}
