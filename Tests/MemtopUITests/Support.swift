import Foundation
import MemtopSource
import PatinoxMemory

@testable import MemtopUI

let testFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

/// A snapshot recorded from a demo scenario (`memtop snapshot --json`), in Fixtures/.
func fixture(_ name: String) throws -> EngineSnapshot {
    let data = try Data(contentsOf: testFolder.appendingPathComponent("Fixtures/\(name).json"))
    return try JSONDecoder().decode(EngineSnapshot.self, from: data)
}

/// A state that has received the two snapshots of a fixture pair, one second apart.
func state(_ fixturePair: String, width: Int = 120, height: Int = 40, readOnly: Bool = false) throws -> AppState {
    var state = AppState(source: SourceInfo(kind: .local, detail: "demo '\(fixturePair)'"), readOnly: readOnly)
    _ = state.reduce(.resize(width: width, height: height))
    _ = state.reduce(.snapshot(try fixture("\(fixturePair)-1"), now: .seconds(82)))
    _ = state.reduce(.snapshot(try fixture("\(fixturePair)-2"), now: .seconds(83)))
    return state
}

/// Compares a screen with Golden/NAME.txt; `UPDATE_GOLDEN=1 swift test` rewrites the files.
func matchesGolden(_ canvas: Canvas, _ name: String) throws -> (Bool, String) {
    let url = testFolder.appendingPathComponent("Golden/\(name).txt")
    let text = canvas.text + "\n"
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let golden = (try? String(contentsOf: url, encoding: .utf8)) ?? "(no golden file \(name).txt)"
    return (golden == text, "screen differs from Golden/\(name).txt:\n\(text)")
}

extension AppState {
    /// Presses keys in order at time `now`, returning every effect.
    /// Reduces each key as the runner does: a click becomes a `.click` action with the target under it on
    /// the layout of the moment.
    mutating func press(_ keys: Key..., now: Duration = .seconds(84)) -> [Effect] {
        keys.flatMap { key in
            if case .click(let x, let y) = key {
                return reduce(.click(Layout(self).hit(x: x, y: y, state: self), now: now))
            }
            return reduce(.key(key, now: now))
        }
    }
}
