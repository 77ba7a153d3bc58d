/// The colour roles views draw with; a theme gives each a foreground, a background and attributes.
public enum ColorRole: String, CaseIterable, Sendable, Hashable {
    case text, dim, title, border, header, selected, good, warn, bad, leased, idle, empty, accent, spark, footer, key
}

/// A colour as a theme file writes it: the terminal's default, one of the 16 named colours, a 256-colour
/// index, or 24-bit RGB (mapped to the nearest colour the terminal has).
public enum ThemeColor: Hashable, Sendable {
    case terminalDefault
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", "bright-black", "bright-red",
        "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses `default`, a name (`cyan`, `bright-red`, `grey` = bright-black), `0`…`255`, or `#rrggbb`.
    init?(parsing word: String) {
        let word = word.lowercased()
        if word == "default" {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: word == "grey" || word == "gray" ? "bright-black" : word) {
            self = .indexed(index)
        } else if let index = Int(word), (0...255).contains(index) {
            self = .indexed(index)
        } else if word.hasPrefix("#"), word.count == 7, let value = UInt32(word.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        } else {
            return nil
        }
    }

    /// The colour number to give a terminal with `colors` colours (8, 16, 256): exact where it can,
    /// else the nearest; `-1` is the terminal's default.
    public func terminalIndex(colors: Int) -> Int {
        switch self {
        case .terminalDefault: return -1
        case .indexed(let index):
            if index < colors { return index }
            return Self.nearest(Self.rgb(ofIndex: index), among: min(colors, 16))
        case .rgb(let red, let green, let blue):
            return Self.nearest((Int(red), Int(green), Int(blue)), among: colors >= 256 ? 256 : min(colors, 16))
        }
    }

    /// The RGB of an xterm colour index.
    static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        let basic = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if index < 16 { return basic[index] }
        if index < 232 {
            let cube = [0, 95, 135, 175, 215, 255]
            let value = index - 16
            return (cube[value / 36], cube[(value / 6) % 6], cube[value % 6])
        }
        let grey = 8 + (index - 232) * 10
        return (grey, grey, grey)
    }

    static func nearest(_ colour: (Int, Int, Int), among count: Int) -> Int {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<max(count, 1) {
            let candidate = rgb(ofIndex: index)
            let distance = [colour.0 - candidate.0, colour.1 - candidate.1, colour.2 - candidate.2]
                .reduce(0) { $0 + $1 * $1 }
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }
}

/// How one role is drawn.
public struct RoleStyle: Hashable, Sendable {
    public var foreground: ThemeColor = .terminalDefault
    public var background: ThemeColor = .terminalDefault
    public var bold = false
    public var reverse = false
    public var underline = false

    public init(
        _ foreground: ThemeColor = .terminalDefault,
        on background: ThemeColor = .terminalDefault,
        bold: Bool = false,
        reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
    }
}

/// A named set of role styles. Built-in themes are compiled in; themes/*.toml override them by name.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var roles: [ColorRole: RoleStyle]

    public init(name: String, roles: [ColorRole: RoleStyle]) {
        self.name = name
        self.roles = roles
    }

    public func style(_ role: ColorRole) -> RoleStyle { roles[role] ?? RoleStyle() }

    /// The same theme without colours (NO_COLOR): attributes only, so selection and titles still show.
    public var withoutColour: Theme {
        Theme(name: name, roles: roles.mapValues { RoleStyle(bold: $0.bold, reverse: $0.reverse) })
    }
}
