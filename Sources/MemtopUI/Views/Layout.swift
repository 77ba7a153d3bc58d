/// A rectangle of the screen.
public struct Rect: Hashable, Sendable {
    public var x, y, width, height: Int
}

/// Where each panel goes for the current size: the full layout at 80×24 and above, the compact one
/// (no boxes, one line per component) below. Used by the views to draw and by the reducer to map clicks.
public struct Layout: Sendable {
    public private(set) var panels: [Panel: Rect] = [:]
    public let compact: Bool
    /// Rows between a panel's top edge and its first row (border and column titles).
    public static let rowOffset = 2

    public init(_ state: AppState) {
        compact = state.isCompact
        let width = state.width
        let height = state.height
        if compact {
            layCompact(state, width: width, height: height)
            return
        }
        let top = 2
        let bottom = height - 1
        let available = bottom - top
        func rows(_ panel: Panel) -> Int { max(state.rows(panel).count, 1) }
        // Pools and caches get what they need, up to a third of the screen each; guards and mappings share a
        // row of boxes; the event log takes the rest (at least 4 rows).
        let side = max(min(max(rows(.guards), rows(.mappings)), 6), 1) + Self.rowOffset + 1
        var budget = available - side - 5
        let poolHeight = min(rows(.pools) + Self.rowOffset + 1, max(budget / 2, 4))
        budget -= poolHeight
        let cacheHeight = min(rows(.caches) + Self.rowOffset + 1, max(budget, 4))
        var y = top
        panels[.pools] = Rect(x: 0, y: y, width: width, height: poolHeight)
        y += poolHeight
        panels[.caches] = Rect(x: 0, y: y, width: width, height: cacheHeight)
        y += cacheHeight
        let half = width / 2
        panels[.guards] = Rect(x: 0, y: y, width: half, height: side)
        panels[.mappings] = Rect(x: half, y: y, width: width - half, height: side)
        y += side
        panels[.events] = Rect(x: 0, y: y, width: width, height: max(bottom - y, 3))
    }

    private mutating func layCompact(_ state: AppState, width: Int, height: Int) {
        // One title line per panel, then its rows; the events get whatever is left.
        var y = 1
        for panel in [Panel.pools, .caches, .guards] {
            let count = min(max(state.rows(panel).count, 1), max((height - 4) / 3, 1))
            panels[panel] = Rect(x: 0, y: y, width: width, height: count + 1)
            y += count + 1
        }
        panels[.events] = Rect(x: 0, y: y, width: width, height: max(height - 1 - y, 0))
    }

    /// The first row index shown in `panel` (the list scrolls to keep the selection visible).
    public static func firstVisible(_ state: AppState, _ panel: Panel, visible: Int) -> Int {
        let selected = state.selection[panel] ?? 0
        return max(0, selected - max(visible, 1) + 1)
    }

    /// How many rows `panel` can show.
    public func visibleRows(_ panel: Panel) -> Int {
        guard let rect = panels[panel] else { return 0 }
        return compact ? rect.height - 1 : max(rect.height - Self.rowOffset - 1, 0)
    }

    /// The panel and (if on one) the row index under (x, y), for a `.click` action.
    public func hit(x: Int, y: Int, state: AppState) -> ClickTarget? {
        for (panel, rect) in panels
        where x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height {
            let offset = compact ? 1 : Self.rowOffset
            let row = y - rect.y - offset
            let first = Self.firstVisible(state, panel, visible: visibleRows(panel))
            return ClickTarget(panel: panel, row: row >= 0 && row < visibleRows(panel) ? first + row : nil)
        }
        return nil
    }
}

/// What a click landed on: a panel, and the row in it when on one.
public struct ClickTarget: Hashable, Sendable {
    public var panel: Panel
    public var row: Int?

    public init(panel: Panel, row: Int?) {
        self.panel = panel
        self.row = row
    }
}
