/// What a cell looks like: a colour role of the theme plus attributes.
public struct CellStyle: Hashable, Sendable {
    public var role: ColorRole
    public var bold = false
    public var reverse = false

    public init(_ role: ColorRole, bold: Bool = false, reverse: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
    }

    public static let text = CellStyle(.text)
}

/// One terminal cell: a single-width character and its style.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: CellStyle

    public static let blank = Cell(character: " ", style: .text)
}

/// A grid of styled cells that views draw into. Screens are tested as its text (`lines`), and the terminal
/// backend copies it to the screen; nothing here knows about ncurses.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to the canvas and to `maxWidth`; returns the x after it.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .text, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in text {
            guard column < limit else { break }
            if column >= 0 { self[column, y] = Cell(character: character, style: style) }
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one character.
    public mutating func fill(
        x: Int,
        y: Int,
        width: Int,
        height: Int,
        character: Character = " ",
        style: CellStyle = .text
    ) {
        let rows = Self.clip(y, height, to: self.height)
        let columns = Self.clip(x, width, to: self.width)
        for row in rows {
            for column in columns { self[column, row] = Cell(character: character, style: style) }
        }
    }

    /// The part of `start ..< start + length` inside `0 ..< limit`: empty when none is (a negative length, a
    /// start past the edge), and no overflow for any values.
    static func clip(_ start: Int, _ length: Int, to limit: Int) -> Range<Int> {
        let (end, overflow) = start.addingReportingOverflow(max(length, 0))
        let lower = min(max(start, 0), limit)
        return lower..<max(lower, min(overflow ? limit : end, limit))
    }

    /// Changes the style of a run of cells, keeping their characters (a selection highlight).
    public mutating func restyle(x: Int, y: Int, width: Int, style: CellStyle) {
        guard y >= 0, y < height else { return }
        for column in Self.clip(x, width, to: self.width) { self[column, y].style = style }
    }

    /// The text of each row, trailing spaces removed: what golden-screen tests compare.
    public var lines: [String] {
        (0..<height).map { row in
            var line = String(cells[(row * width)..<(row * width + width)].map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
