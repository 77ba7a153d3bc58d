import Foundation
import Testing

@testable import PatinoxMemory

@Suite("Typed identities: components and event kinds on the wire")
struct IdentityTests {
    @Test("a component's path reads back as the same component; an unknown kind keeps its whole text")
    func componentPaths() {
        let mapping = ComponentID(kind: .mappedFile, name: "/var/lib/app/data.bin")
        #expect(mapping.path == "mapping//var/lib/app/data.bin")
        #expect(ComponentID(path: mapping.path) == mapping)
        for kind in ComponentKind.allCases where kind != .other {
            #expect(ComponentID(path: "\(kind.rawValue)/x") == ComponentID(kind: kind, name: "x"))
        }
        let newer = ComponentID(path: "gpu/0")
        #expect(newer.kind == .other && newer.name == "gpu/0" && newer.path == "gpu/0")
        #expect(ComponentID(path: "no-slash").path == "no-slash")
        #expect(ComponentID(path: "other/x").kind == .other, "'other' is never read as a kind of its own")
    }

    @Test("every known event kind survives its wire name; a newer peer's kind is kept, not rejected")
    func eventKinds() throws {
        for kind in EngineEventKind.known { #expect(EngineEventKind(wireName: kind.wireName) == kind) }
        #expect(Set(EngineEventKind.known.map(\.wireName)).count == EngineEventKind.known.count)
        #expect(EngineEventKind(wireName: "quantum-leap") == .unknown("quantum-leap"))
        let json = #"{"at":7,"component":"gpu/0","kind":"quantum-leap","message":"m"}"#
        let event = try JSONDecoder().decode(EngineEvent.self, from: Data(json.utf8))
        #expect(event.component.path == "gpu/0" && event.kind.wireName == "quantum-leap")
        let again = try JSONDecoder().decode(EngineEvent.self, from: try JSONEncoder().encode(event))
        #expect(again == event)
        let written = String(decoding: try StreamingJSONEncoder().encode(event), as: UTF8.self)
        #expect(written.contains(#""component":"gpu/0""#) && written.contains(#""kind":"quantum-leap""#))
    }

    @Test("health is read by component, written under its path")
    func healthByComponent() throws {
        var report = HealthReport()
        report.add(ComponentID(kind: .pool, name: "db"), .degraded("2 caller(s) waiting for a connection"))
        #expect(report[ComponentID(kind: .pool, name: "db")]?.health == .degraded)
        #expect(report[ComponentID(kind: .cache, name: "db")] == nil, "a cache named like the pool is another")
        #expect(report.components.keys.sorted() == ["pool/db"] && report.overall == .degraded)
    }
}
