import CNCurses
import Foundation

/// What the terminal reports: a key (or mouse event), or a new size.
public enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resized
}

/// The ncurses (wide-character) backend: copies a ``Canvas`` to the screen and reads keys. ncurses is not
/// thread-safe, so one instance is used from one thread only (``TerminalApp`` runs it on its own thread).
public final class NCursesTerminal {
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: Canvas?
    private var pairs: [ColorRole: Int16] = [:]
    private var appliedTheme: Theme?
    private let colours: Bool
    public private(set) var colourCount = 0

    /// Takes over the terminal: UTF-8 locale, no echo, keys as they are typed, keypad and mouse decoding,
    /// hidden cursor, colours when the terminal has them and `colour` is true (NO_COLOR turns it off).
    public init(colour: Bool) throws {
        setlocale(LC_ALL, "")
        guard let screen = initscr() else {
            throw TerminalError("ncurses could not initialise the terminal (is TERM set?)")
        }
        window = screen
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        mousemask(memtop_mouse_mask(), nil)
        mouseinterval(0)
        colours = colour && has_colors()
        if colours {
            start_color()
            use_default_colors()
            colourCount = Int(memtop_colors())
        }
    }

    /// Gives the terminal back (also after SIGINT/SIGTERM, which the app turns into a normal quit).
    public func close() {
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(getmaxx(window)), Int(getmaxy(window))) }

    /// Waits up to `milliseconds` for input.
    public func read(timeout milliseconds: Int) -> TerminalInput? {
        wtimeout(window, Int32(max(milliseconds, 0)))
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES { return special(Int32(character)) }
        switch character {
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private func special(_ code: Int32) -> TerminalInput? {
        switch code {
        case memtop_key_resize(): return .resized
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_BTAB: return .key(.backTab)
        case memtop_key_mouse():
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            if memtop_wheel_up(event.bstate) != 0 { return .key(.wheel(up: true)) }
            if memtop_wheel_down(event.bstate) != 0 { return .key(.wheel(up: false)) }
            if memtop_button1(event.bstate) != 0 { return .key(.click(x: Int(event.x), y: Int(event.y))) }
            return nil
        default:
            for number in 1...12 where code == memtop_key_f(Int32(number)) { return .key(.function(number)) }
            return nil
        }
    }

    /// Draws `canvas`, rewriting only the rows that changed since the last frame.
    public func draw(_ canvas: Canvas, theme: Theme) {
        if appliedTheme != theme {
            applyColours(theme)
            previous = nil
        }
        if previous?.width != canvas.width || previous?.height != canvas.height {
            werase(window)
            previous = nil
        }
        for row in 0..<canvas.height where previous == nil || !rowsEqual(previous!, canvas, row) {
            drawRow(canvas, row, theme: theme)
        }
        previous = canvas
        wrefresh(window)
    }

    private func rowsEqual(_ a: Canvas, _ b: Canvas, _ row: Int) -> Bool {
        let start = row * a.width
        return a.cells[start..<(start + a.width)] == b.cells[start..<(start + b.width)]
    }

    private func drawRow(_ canvas: Canvas, _ row: Int, theme: Theme) {
        var column = 0
        // The bottom-right cell is left alone: writing it would scroll some terminals.
        let lastColumn = row == canvas.height - 1 ? canvas.width - 1 : canvas.width
        while column < lastColumn {
            let style = canvas[column, row].style
            var text = ""
            let start = column
            while column < lastColumn, canvas[column, row].style == style {
                text.append(canvas[column, row].character)
                column += 1
            }
            wattr_set(window, attributes(style, theme), pairs[style.role] ?? 0, nil)
            _ = mvwaddstr(window, Int32(row), Int32(start), text)
        }
    }

    private func attributes(_ style: CellStyle, _ theme: Theme) -> attr_t {
        let role = theme.style(style.role)
        var attributes: attr_t = 0
        if style.bold || role.bold { attributes |= memtop_attr_bold() }
        if style.reverse != role.reverse { attributes |= memtop_attr_reverse() }
        if role.underline { attributes |= memtop_attr_underline() }
        return attributes
    }

    /// One colour pair per role, mapped to what the terminal has (8, 16 or 256 colours).
    private func applyColours(_ theme: Theme) {
        appliedTheme = theme
        pairs = [:]
        guard colours else { return }
        for (index, role) in ColorRole.allCases.enumerated() {
            let style = theme.style(role)
            let pair = Int16(index + 1)
            init_pair(
                pair,
                Int16(style.foreground.terminalIndex(colors: colourCount)),
                Int16(style.background.terminalIndex(colors: colourCount))
            )
            pairs[role] = pair
        }
    }
}

/// The terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
