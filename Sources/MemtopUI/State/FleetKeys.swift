import MemtopSource
import PatinoxMemory

extension AppState {
    /// A key in the fleet view: ↑/↓ (and the wheel, PgUp/PgDn, Home/End) move between engines, Enter draws the
    /// highlighted one, `/` filters, `s` changes the order, `e` opens the engine picker, Esc clears the filter.
    mutating func fleetKey(_ key: Key) -> [Effect] {
        if fleet.editingFilter {
            editFleetFilter(key)
            return []
        }
        switch key {
        case .pageUp: moveFleet(by: -10)
        case .pageDown: moveFleet(by: 10)
        case .home: fleet.selected = fleetEngineNames().first
        case .end: fleet.selected = fleetEngineNames().last
        case .wheel(let up): moveFleet(by: up ? -1 : 1)
        case .click: break
        default:
            guard let command = keymap.command(for: key) else { return [] }
            return runInFleet(command)
        }
        return []
    }

    private mutating func runInFleet(_ command: UICommand) -> [Effect] {
        switch command {
        case .quit:
            quitting = true
            return [.quit]
        case .up: moveFleet(by: -1)
        case .down: moveFleet(by: 1)
        case .details: return drawFleetSelection()
        case .filter: fleet.editingFilter = true
        case .cycleSort:
            fleet.sort = FleetSort.allCases.after(fleet.sort, by: 1)
            show("fleet sorted by \(fleet.sort.rawValue)")
        case .back:
            if fleet.filter.isEmpty, snapshot != nil {
                mode = .normal  // back to the engine drawn before
            } else {
                fleet.filter = ""
            }
        case .help:
            fleet.returnsToFleet = true
            mode = .help
        case .engines:
            fleet.returnsToFleet = true
            return run(.engines)
        case .cycleTheme, .pause, .seekBack, .seekForward, .slower, .faster: return run(command)
        default:
            show("in the fleet view: Enter opens an engine, / filters, s sorts, e picks by name", .error)
        }
        return []
    }

    /// Opens the highlighted engine's full panels (the main screen).
    private mutating func drawFleetSelection() -> [Effect] {
        guard let name = fleetSelection else {
            show("no engine in the fleet\(fleet.filter.isEmpty ? " yet" : " matches '\(fleet.filter)'")", .error)
            return []
        }
        fleet.selected = name
        mode = .normal
        guard name != snapshot?.engine else { return [] }
        forgetHistory()
        snapshot = nil
        lastSnapshotAt = nil
        selection = [:]
        show("drawing engine '\(name)' · Esc returns to the fleet")
        return [.selectEngine(name)]
    }

    private mutating func moveFleet(by delta: Int) {
        let names = fleetEngineNames()
        guard !names.isEmpty else { return }
        let current = fleetSelection.flatMap { names.firstIndex(of: $0) } ?? 0
        fleet.selected = names[max(0, min(names.count - 1, current + delta))]
    }

    private mutating func editFleetFilter(_ key: Key) {
        switch key {
        case .enter: fleet.editingFilter = false
        case .escape:
            fleet.filter = ""
            fleet.editingFilter = false
        case .backspace: if !fleet.filter.isEmpty { fleet.filter.removeLast() }
        case .character(let character) where fleet.filter.count < 64: fleet.filter.append(character)
        default: break
        }
    }
}
