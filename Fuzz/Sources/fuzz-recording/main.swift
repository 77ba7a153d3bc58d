// libFuzzer entry for recordings (issue #15): any bytes, fed to a `RecordingReader` in two fragments, must read
// to a recording or an error — never trap, hang or hold unbounded memory. A recording is then replayed: a
// `ReplaySource` on a manual clock takes pause, seek, speed and clock steps taken from the input's last bytes and
// looks up the frame at each position (which must stay within the recording), and the viewer takes in the first
// frames it drew and draws them with the replay's position. Built and run by Fuzz/run.sh.
import FuzzDriver
import FuzzViewer
import MemtopSource
import PatinoxMemory

/// A replay speed for a byte: the keys' speeds, and the ones a command line could ask for.
func speed(_ byte: UInt8) -> Double {
    let speeds: [Double] = [1, 0.25, 16, 0, -1, .infinity, .nan, 1e300, .leastNonzeroMagnitude, 3]
    return speeds[Int(byte) % speeds.count]
}

/// A step of the replay for a byte: a command, or wall time passing (from none to centuries).
func step(_ byte: UInt8, _ source: ReplaySource, _ clock: ManualClock) {
    let amounts: [Duration] = [
        .zero, .milliseconds(1), .milliseconds(250), .seconds(10), .seconds(86_400), .seconds(Int64.max / 4),
        .nanoseconds(Int64.max),
    ]
    switch byte % 8 {
    case 0: _ = source.playback(.togglePause)
    case 1: _ = source.playback(.faster)
    case 2: _ = source.playback(.slower)
    case 3: _ = source.playback(.seek(by: amounts[Int(byte >> 3) % amounts.count]))
    case 4: _ = source.playback(.seek(by: .zero - amounts[Int(byte >> 3) % amounts.count]))
    case 5: _ = source.playback(.seek(by: .seconds(Int64(Int8(bitPattern: byte)) * 1_000_000_007)))
    default: clock.advance(by: amounts[Int(byte >> 3) % amounts.count])
    }
}

runFuzzer { bytes in
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) * bytes.count / 256
    var reader = RecordingReader(path: "fuzz.ndjson")
    reader.feed(bytes[..<cut])
    reader.feed(bytes[cut...])
    guard let recording = try? reader.finish() else { return }
    precondition(!recording.frames.isEmpty, "a recording read without frames")
    precondition(recording.duration >= .zero, "a recording of negative duration \(recording.duration)")
    let clock = ManualClock()
    let source = ReplaySource(recording: recording, name: "fuzz.ndjson", speed: speed(bytes.last ?? 0), clock: clock)
    var seen: [EngineSnapshot] = []
    for byte in bytes.suffix(12) {
        step(byte, source, clock)
        guard let snapshot = source.latest() else { preconditionFailure("a replay with frames drew none") }
        if seen.count < 3 { seen.append(snapshot) }
        let status = source.playbackStatus()
        precondition(
            status.map { $0.position >= .zero && $0.position <= $0.duration } ?? false,
            "a replay position outside the recording: \(String(describing: status))"
        )
    }
    _ = source.status()
    Viewer.exercise(seen, source: source.info, playback: source.playbackStatus(), choice: fingerprint(bytes))
}
