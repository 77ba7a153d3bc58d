/// The characters that draw bars, sparklines and boxes: Unicode blocks by default, plain ASCII with
/// `--ascii` or when the locale is not UTF-8.
public struct Glyphs: Hashable, Sendable {
    /// A full cell of a bar (leased connections, the hit share).
    public var full: Character
    /// The idle part of a pool bar.
    public var idle: Character
    /// The unused rest of a bar.
    public var empty: Character
    /// Sparkline levels, lowest first.
    public var levels: [Character]
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Marks the selected row.
    public var selected: Character

    public static let unicode = Glyphs(
        full: "█",
        idle: "▒",
        empty: "·",
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        horizontal: "─",
        vertical: "│",
        topLeft: "┌",
        topRight: "┐",
        bottomLeft: "└",
        bottomRight: "┘",
        selected: "▶"
    )

    public static let ascii = Glyphs(
        full: "#",
        idle: "=",
        empty: ".",
        levels: ["_", ".", ":", "-", "=", "+", "*", "#"],
        horizontal: "-",
        vertical: "|",
        topLeft: "+",
        topRight: "+",
        bottomLeft: "+",
        bottomRight: "+",
        selected: ">"
    )

    /// Whether the environment's locale can show Unicode glyphs (LC_ALL, LC_CTYPE, LANG in that order).
    public static func forEnvironment(_ environment: [String: String]) -> Glyphs {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let upper = locale.uppercased()
        return upper.contains("UTF-8") || upper.contains("UTF8") ? .unicode : .ascii
    }
}

extension Canvas {
    /// A horizontal bar of `width` cells: segments (share of the whole, style, character) drawn in order,
    /// the rest in `empty`. Shares are clamped so the bar never overflows.
    public mutating func bar(
        x: Int,
        y: Int,
        width: Int,
        segments: [(share: Double, style: CellStyle, character: Character)],
        empty: (style: CellStyle, character: Character)
    ) {
        var column = 0
        var cumulative = 0.0
        for segment in segments {
            cumulative = min(1, cumulative + max(0, segment.share))
            let end = Int((cumulative * Double(width)).rounded())
            while column < end {
                self[x + column, y] = Cell(character: segment.character, style: segment.style)
                column += 1
            }
        }
        while column < width {
            self[x + column, y] = Cell(character: empty.character, style: empty.style)
            column += 1
        }
    }

    /// A sparkline of the last `width` values, scaled to `maximum` (or to the largest value).
    public mutating func sparkline(
        x: Int,
        y: Int,
        width: Int,
        values: [Double],
        maximum: Double? = nil,
        style: CellStyle,
        glyphs: Glyphs
    ) {
        let shown = values.suffix(width)
        let top = maximum ?? max(shown.max() ?? 0, 1e-9)
        var column = x + width - shown.count
        for value in shown {
            let level = top > 0 ? Int((max(0, min(value / top, 1))) * Double(glyphs.levels.count - 1)) : 0
            if column >= x { self[column, y] = Cell(character: glyphs.levels[level], style: style) }
            column += 1
        }
    }

    /// A box outline with a title in its top edge.
    public mutating func box(
        x: Int,
        y: Int,
        width: Int,
        height: Int,
        title: String,
        style: CellStyle,
        titleStyle: CellStyle,
        glyphs: Glyphs
    ) {
        guard width >= 2, height >= 2 else { return }
        for column in (x + 1)..<(x + width - 1) {
            put(String(glyphs.horizontal), x: column, y: y, style: style)
            put(String(glyphs.horizontal), x: column, y: y + height - 1, style: style)
        }
        for row in (y + 1)..<(y + height - 1) {
            put(String(glyphs.vertical), x: x, y: row, style: style)
            put(String(glyphs.vertical), x: x + width - 1, y: row, style: style)
        }
        put(String(glyphs.topLeft), x: x, y: y, style: style)
        put(String(glyphs.topRight), x: x + width - 1, y: y, style: style)
        put(String(glyphs.bottomLeft), x: x, y: y + height - 1, style: style)
        put(String(glyphs.bottomRight), x: x + width - 1, y: y + height - 1, style: style)
        put(" \(title) ", x: x + 2, y: y, style: titleStyle, maxWidth: width - 4)
    }
}
