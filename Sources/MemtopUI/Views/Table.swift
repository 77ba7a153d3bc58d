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
        let inner = rect.width - 2
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
        let widths = kept.map { columns[$0].width == 0 ? flexible : columns[$0].width }
        var x = rect.x + 1
        for (offset, index) in kept.enumerated() {
            let title =
                columns[index].alignRight ? Format.right(columns[index].title, widths[offset]) : columns[index].title
            canvas.put(
                title,
                x: x,
                y: rect.y + 1,
                style: CellStyle(.dim),
                maxWidth: min(widths[offset], rect.x + rect.width - 1 - x)
            )
            x += widths[offset] + 1
        }
        for row in visibleRows(panel) {
            guard let cells = content(row.name) else { continue }
            var x = rect.x + 1
            for (offset, index) in kept.enumerated() {
                let width = min(widths[offset], rect.x + rect.width - 1 - x)
                guard width > 0 else { break }
                switch cells[index] {
                case .text(let text, let style):
                    let shown = columns[index].alignRight ? Format.right(text, width) : Format.fit(text, width)
                    canvas.put(shown, x: x, y: row.y, style: style, maxWidth: width)
                case .bar(let segments):
                    canvas.bar(
                        x: x,
                        y: row.y,
                        width: width,
                        segments: segments.map { ($0.0, $0.1, $0.2) },
                        empty: (CellStyle(.empty), glyphs.empty)
                    )
                case .spark(let values, let maximum):
                    canvas.sparkline(
                        x: x,
                        y: row.y,
                        width: width,
                        values: values,
                        maximum: maximum,
                        style: CellStyle(.spark),
                        glyphs: glyphs
                    )
                }
                x += widths[offset] + 1
            }
            if row.selected { markSelection(y: row.y, x: rect.x + 1, width: widths.first ?? 0) }
            warningBadge(panel, row.name, y: row.y, right: rect.x + rect.width - 1)
        }
    }
}
