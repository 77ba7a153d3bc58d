/// One cell of a table row.
enum ColumnContent {
    case text(String, CellStyle)
    /// Bar segments (share, style, character).
    case bar([(Double, CellStyle, Character)])
    /// Sparkline values and their full-scale value (nil: the largest value).
    case spark([Double], maximum: Double?)

    static func plain(_ text: String) -> ColumnContent { .text(text, .text) }
}

/// A table column: its title, its width (0 for "the rest", at least `minimum`), and how dispensable it
/// is — narrow terminals drop the highest `priority` numbers first.
struct ColumnSpec {
    var title: String
    var width: Int
    var priority: Int
    var alignRight = false
    var minimum = 8
}

extension Painter {
    /// Draws a panel as a table: titles on the line under the top edge, one row per visible name.
    mutating func drawTable(
        _ panel: Panel,
        in rect: Rect,
        columns: [ColumnSpec],
        row content: (String) -> [ColumnContent]?
    ) {
        let layout = ColumnLayout(columns, inner: rect.width - 2)
        let right = rect.x + rect.width - 1
        drawColumnTitles(columns, layout, x: rect.x + 1, y: rect.y + 1, right: right)
        for row in visibleRows(panel) {
            guard let cells = content(row.name) else { continue }
            drawCells(cells, columns, layout, x: rect.x + 1, y: row.y, right: right)
            if row.selected { markSelection(y: row.y, x: rect.x + 1, width: layout.widths.first ?? 0) }
            warningBadge(panel, row.name, y: row.y, right: right)
        }
    }

    /// The kept columns' titles on line `y`, from `x` to at most `right`.
    mutating func drawColumnTitles(_ columns: [ColumnSpec], _ layout: ColumnLayout, x: Int, y: Int, right: Int) {
        var x = x
        for (index, width) in zip(layout.kept, layout.widths) {
            let column = columns[index]
            canvas.put(
                column.alignRight ? Format.right(column.title, width) : column.title,
                x: x,
                y: y,
                style: CellStyle(.dim),
                maxWidth: min(width, right - x)
            )
            x += width + 1
        }
    }

    /// One row's cells in the kept columns on line `y`, from `x` to at most `right`.
    mutating func drawCells(
        _ cells: [ColumnContent],
        _ columns: [ColumnSpec],
        _ layout: ColumnLayout,
        x: Int,
        y: Int,
        right: Int
    ) {
        var x = x
        for (index, columnWidth) in zip(layout.kept, layout.widths) where index < cells.count {
            let width = min(columnWidth, right - x)
            guard width > 0 else { break }
            draw(cells[index], alignRight: columns[index].alignRight, x: x, y: y, width: width)
            x += columnWidth + 1
        }
    }

    /// One cell, `width` wide at (x, y).
    private mutating func draw(_ cell: ColumnContent, alignRight: Bool, x: Int, y: Int, width: Int) {
        switch cell {
        case .text(let text, let style):
            let shown = alignRight ? Format.right(text, width) : Format.fit(text, width)
            canvas.put(shown, x: x, y: y, style: style, maxWidth: width)
        case .bar(let segments):
            canvas.bar(
                x: x,
                y: y,
                width: width,
                segments: segments.map { ($0.0, $0.1, $0.2) },
                empty: (CellStyle(.empty), glyphs.empty)
            )
        case .spark(let values, let maximum):
            canvas.sparkline(
                x: x,
                y: y,
                width: width,
                values: values,
                maximum: maximum,
                style: CellStyle(.spark),
                glyphs: glyphs
            )
        }
    }
}

/// Which columns fit in `inner` cells and how wide each is: the highest `priority` numbers go first until
/// the rest fit (priority 0 always stays); the flexible column (width 0) takes what is left.
struct ColumnLayout {
    /// Indices of the columns kept, in order.
    let kept: [Int]
    /// Their widths.
    let widths: [Int]

    init(_ columns: [ColumnSpec], inner: Int) {
        var kept = Array(columns.indices)
        func needed(_ indices: [Int]) -> Int {
            indices.reduce(0) { $0 + (columns[$1].width == 0 ? columns[$1].minimum : columns[$1].width) + 1 }
        }
        while needed(kept) > inner, let drop = kept.max(by: { columns[$0].priority < columns[$1].priority }),
            columns[drop].priority > 0
        {
            kept.removeAll { $0 == drop }
        }
        let fixed = kept.reduce(0) { $0 + (columns[$1].width == 0 ? 0 : columns[$1].width + 1) }
        let flexible = max(inner - fixed - 1, 0)
        self.kept = kept
        widths = kept.map { columns[$0].width == 0 ? flexible : columns[$0].width }
    }
}
