/// Polls `condition` every `interval` until it holds or `seconds` pass; whether it came true. The one
/// polling helper of every test target: a test waits for what it checks instead of sleeping a guess.
public func eventually(
    _ seconds: Double = 5,
    every interval: Duration = .milliseconds(5),
    _ condition: () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while await !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: interval)
    }
    return true
}
