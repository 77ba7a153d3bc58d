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
        /// How often the source is polled.
        public var refreshInterval = Duration.milliseconds(500)
        public var readOnly = false
        public var colour = true
        public var glyphs = Glyphs.unicode
        public var keymap = Keymap.standard
        public var themes = Theme.builtin
        public var themeName = "default"
        public var thresholds = WarningThresholds()
        /// Shown in the footer at start (e.g. a config or theme file that was rejected).
        public var startupMessage: String?
        /// Opens the engine picker at start (attached to a broker without `--engine`, no engine heard yet).
        public var openEnginePicker = false
        /// Opens the fleet view at start (attached to a broker carrying several engines).
        public var openFleet = false
        public init() {}
    }

    let source: any TelemetrySource
    let options: Options
    /// What refresh intervals, message lifetimes and the uptime are measured on.
    let clock: any MonotonicClock
    /// Command results that arrived from the source (on any thread): text and whether it is an error.
    private let inbox = NIOLockedValueBox<[(String, Bool)]>([])
    private let stopRequested = NIOLockedValueBox(false)

    public init(source: any TelemetrySource, options: Options, clock: any MonotonicClock = SystemClock()) {
        self.source = source
        self.options = options
        self.clock = clock
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
        // The state changes only in `reduce`; this loop turns what happens into actions, runs every effect
        // they return, and draws.
        var state = AppState(
            source: source.info,
            refreshInterval: options.refreshInterval,
            readOnly: options.readOnly,
            keymap: options.keymap,
            themes: options.themes,
            themeName: options.themeName,
            thresholds: options.thresholds
        )
        let size = terminal.size
        dispatch(.resize(width: size.width, height: size.height), &state)
        if let message = options.startupMessage { dispatch(.notice(message, isError: true, now: .zero), &state) }
        if options.openEnginePicker { dispatch(.openEnginePicker, &state) }
        if options.openFleet { dispatch(.openFleet, &state) }
        let start = clock.now()
        func elapsed() -> Duration { clock.now() - start }
        var nextRefresh = Duration.zero
        var nextEngineListing = Duration.zero
        var dirty = true
        var drawn = Layout(state)  // what the screen shows, for turning clicks into targets
        while !state.quitting, !stopRequested.withLockedValue({ $0 }) {
            let now = elapsed()
            if now >= nextRefresh {
                // Only a new snapshot counts: a remote source that went quiet must turn STALE.
                if let snapshot = source.latest(), snapshot.takenAt != state.snapshot?.takenAt || state.paused {
                    dispatch(.snapshot(snapshot, now: now), &state)
                }
                dispatch(.feedStatus(source.status()), &state)
                dispatch(.server(source.server()), &state)
                dispatch(.playback(source.playbackStatus()), &state)
                // A crowded broker's list holds 10,000 names, and only the picker and the fleet draw it: listed at
                // every refresh while the picker is up; while the fleet is, every second (the summaries' rate) and
                // at the next refresh after an engine's health changed; otherwise every few seconds (Esc to the
                // fleet opens on that list).
                if state.isPickingEngine || now >= nextEngineListing
                    || (state.showsFleet && source.fleetHealthChanged())
                {
                    dispatch(.engines(source.engines()), &state)
                    nextEngineListing =
                        now + (state.showsFleet ? Self.fleetListingInterval : Self.engineListingInterval)
                }
                nextRefresh = max(nextRefresh + state.refreshInterval, now + state.refreshInterval / 2)
                dirty = true
            }
            dispatch(.tick(now: now), &state)
            for (text, isError) in inbox.withLockedValue({ results in
                defer { results = [] }; return results
            }) {
                dispatch(.notice(text, isError: isError, now: now), &state)
                dirty = true
            }
            if dirty {
                drawn = Layout(state)
                terminal.draw(Screen.render(state, glyphs: options.glyphs), theme: themeForDrawing(state))
                dirty = false
            }
            // Keys are read for at most 100 ms at a time, so a stop request or a command result is handled soon.
            let wait = min(max(nextRefresh - elapsed(), .zero), .milliseconds(100))
            guard let input = terminal.read(timeout: wait.wholeMilliseconds) else { continue }
            switch input {
            case .resized:
                let size = terminal.size
                dispatch(.resize(width: size.width, height: size.height), &state)
            case .key(.click(let x, let y)):
                dispatch(.click(drawn.hit(x: x, y: y, state: state), now: elapsed()), &state)
            case .key(let key):
                let listed = state.isPickingEngine || state.showsFleet
                dispatch(.key(key, now: elapsed()), &state)
                if !listed && (state.isPickingEngine || state.showsFleet) {
                    dispatch(.engines(source.engines()), &state)
                }
            }
            dirty = true
        }
    }

    /// How often the engine list is taken from the source while the picker and the fleet are closed.
    static let engineListingInterval = Duration.seconds(2)
    /// How often while the fleet view is up: engines summarise themselves once a second.
    static let fleetListingInterval = Duration.seconds(1)

    /// Reduces `action` and runs the effects it returns (and those of the actions they lead to).
    private func dispatch(_ action: Action, _ state: inout AppState) {
        for effect in state.reduce(action) {
            switch effect {
            case .quit: break  // the reducer has set `quitting`; the loop ends on it
            case .playback(let command): dispatch(.playback(source.playback(command)), &state)
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

    private func themeForDrawing(_ state: AppState) -> Theme {
        options.colour ? state.theme : state.theme.withoutColour
    }
}
