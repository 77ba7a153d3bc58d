import MemtopSource

/// Returns after `seconds` when a limit was given (`--seconds`), else at SIGINT or SIGTERM: how the headless
/// commands (`publish`, `record`) decide when to stop.
func waitUntilStopped(seconds: Double?) async {
    if let seconds {
        try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    } else {
        await TerminationSignals.wait()
    }
}
