import Dispatch
import Foundation
import MemtopSource
import NIOConcurrencyHelpers
import PatinoxMemory

/// Runs the UI: one thread owns the terminal, polls the source every refresh interval, reads keys in
/// between, feeds both to the reducer, performs its effects and draws the frame. SIGINT and SIGTERM end
/// the loop like `q` does, so the terminal is always restored.
public final class TerminalApp: Sendable {
    /// Everything the app needs at start.
    public struct Options: Sendable {
        public var refreshSeconds = 0.5
        public var readOnly = false
        public var colour = true
        public var glyphs = Glyphs.unicode
        public var keymap = Keymap.standard
        public var themes = Theme.builtin
        public var themeName = "default"
        public var thresholds = WarningThresholds()
        /// Shown in the footer at start (e.g. a config or theme file that was rejected).
        public var startupMessage: String?
        /// Opens the engine picker at start (attached to a broker without `--engine`).
        public var openEnginePicker = false
        public init() {}
    }

    let source: any TelemetrySource
    let options: Options
    /// Command results that arrived from the source (on any thread): text and whether it is an error.
    private let inbox = NIOLockedValueBox<[(String, Bool)]>([])
    private let stopRequested = NIOLockedValueBox(false)

    public init(source: any TelemetrySource, options: Options) {
        self.source = source
        self.options = options
    }

    /// Runs until the user quits or a signal arrives; returns when the terminal has been restored.
    public func run() async throws {
        let signals = TerminationSignals { [stopRequested] in stopRequested.withLockedValue { $0 = true } }
        defer { signals.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // ncurses blocks in reads and must stay on one thread: a thread of its own, not the cooperative pool.
            Thread.detachNewThread { [self] in
                continuation.resume(with: Result { try loop() })
            }
        }
    }

    /// Asks the loop to stop (as a signal would).
    public func stop() { stopRequested.withLockedValue { $0 = true } }

    private func loop() throws {
        Thread.current.name = "memtop-ui"  // so its CPU can be told apart (/proc/PID/task/*/comm)
        let terminal = try NCursesTerminal(colour: options.colour)
        defer { terminal.close() }
        var state = AppState(
            source: source.info,
            refreshSeconds: options.refreshSeconds,
            readOnly: options.readOnly,
            keymap: options.keymap,
            themes: options.themes,
            thresholds: options.thresholds
        )
        state.themeIndex = state.themes.firstIndex { $0.name == options.themeName } ?? 0
        let size = terminal.size
        _ = state.reduce(.resize(width: size.width, height: size.height))
        if let message = options.startupMessage { state.show(message, .error) }
        if options.openEnginePicker { state.mode = .enginePicker(selected: 0) }
        let start = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - start).inSeconds }
        var nextRefresh = 0.0
        var dirty = true
        while !state.quitting, !stopRequested.withLockedValue({ $0 }) {
            let now = elapsed()
            if now >= nextRefresh {
                // Only a new snapshot counts: a remote source that went quiet must turn STALE.
                if let snapshot = source.latest(), snapshot.takenAt != state.snapshot?.takenAt || state.paused {
                    _ = state.reduce(.snapshot(snapshot, now: now))
                }
                _ = state.reduce(.feedStatus(source.status()))
                _ = state.reduce(.playback(source.playbackStatus()))
                _ = state.reduce(.engines(source.engines()))
                nextRefresh = max(nextRefresh + state.refreshSeconds, now + state.refreshSeconds / 2)
                dirty = true
            }
            _ = state.reduce(.tick(now: now))
            for (text, isError) in inbox.withLockedValue({ results in
                defer { results = [] }; return results
            }) {
                perform(state.reduce(.commandResult(text, isError: isError, now: now)), &state)
                dirty = true
            }
            if dirty {
                terminal.draw(Screen.render(state, glyphs: options.glyphs), theme: themeForDrawing(state))
                dirty = false
            }
            let wait = Int(min(max(nextRefresh - elapsed(), 0), 0.1) * 1000)
            guard let input = terminal.read(timeout: wait) else { continue }
            switch input {
            case .resized:
                let size = terminal.size
                _ = state.reduce(.resize(width: size.width, height: size.height))
            case .key(let key):
                perform(state.reduce(.key(key, now: elapsed())), &state)
            }
            dirty = true
        }
    }

    private func themeForDrawing(_ state: AppState) -> Theme {
        options.colour ? state.theme : state.theme.withoutColour
    }

    private func perform(_ effects: [Effect], _ state: inout AppState) {
        for effect in effects {
            switch effect {
            case .quit: state.quitting = true
            case .playback(let command): _ = state.reduce(.playback(source.playback(command)))
            case .selectEngine(let name): source.select(engine: name)
            case .send(let command):
                source.send(command) { [inbox] result in
                    switch result {
                    case .success(let text): inbox.withLockedValue { $0.append((text, false)) }
                    case .failure(let error): inbox.withLockedValue { $0.append((error.message, true)) }
                    }
                }
            }
        }
    }
}
