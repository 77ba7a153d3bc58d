extension Theme {
    /// default, light, mono and nord: always available, whatever files are around.
    public static let builtin: [Theme] = [.standard, .light, .mono, .nord]

    public static let standard = Theme(
        name: "default",
        roles: [
            .text: RoleStyle(), .dim: RoleStyle(.indexed(8)), .title: RoleStyle(.indexed(6), bold: true),
            .border: RoleStyle(.indexed(8)), .header: RoleStyle(.indexed(15), on: .indexed(4), bold: true),
            .selected: RoleStyle(.indexed(0), on: .indexed(6)), .good: RoleStyle(.indexed(2)),
            .warn: RoleStyle(.indexed(3), bold: true), .bad: RoleStyle(.indexed(1), bold: true),
            .leased: RoleStyle(.indexed(2)), .idle: RoleStyle(.indexed(6)), .empty: RoleStyle(.indexed(8)),
            .accent: RoleStyle(.indexed(5)), .spark: RoleStyle(.indexed(4)),
            .footer: RoleStyle(.indexed(0), on: .indexed(6)),
            .key: RoleStyle(.indexed(15), on: .indexed(0), bold: true),
        ]
    )

    public static let light = Theme(
        name: "light",
        roles: [
            .text: RoleStyle(.indexed(0)), .dim: RoleStyle(.indexed(8)), .title: RoleStyle(.indexed(4), bold: true),
            .border: RoleStyle(.indexed(7)), .header: RoleStyle(.indexed(0), on: .indexed(7), bold: true),
            .selected: RoleStyle(.indexed(15), on: .indexed(4)), .good: RoleStyle(.rgb(0, 128, 0)),
            .warn: RoleStyle(.rgb(175, 95, 0), bold: true), .bad: RoleStyle(.indexed(1), bold: true),
            .leased: RoleStyle(.rgb(0, 128, 0)), .idle: RoleStyle(.indexed(4)), .empty: RoleStyle(.indexed(7)),
            .accent: RoleStyle(.indexed(5)), .spark: RoleStyle(.indexed(4)),
            .footer: RoleStyle(.indexed(0), on: .indexed(7)),
            .key: RoleStyle(.indexed(15), on: .indexed(4), bold: true),
        ]
    )

    /// No colours at all: attributes only (every role listed, so a file can inherit nothing by accident).
    public static let mono = Theme(
        name: "mono",
        roles: Dictionary(uniqueKeysWithValues: ColorRole.allCases.map { ($0, RoleStyle()) }).merging([
            .title: RoleStyle(bold: true), .header: RoleStyle(bold: true, reverse: true),
            .selected: RoleStyle(reverse: true), .warn: RoleStyle(bold: true), .bad: RoleStyle(bold: true),
            .footer: RoleStyle(reverse: true), .key: RoleStyle(bold: true),
        ]) { $1 }
    )

    public static let nord = Theme(
        name: "nord",
        roles: [
            .text: RoleStyle(.rgb(0xD8, 0xDE, 0xE9)), .dim: RoleStyle(.rgb(0x4C, 0x56, 0x6A)),
            .title: RoleStyle(.rgb(0x88, 0xC0, 0xD0), bold: true), .border: RoleStyle(.rgb(0x43, 0x4C, 0x5E)),
            .header: RoleStyle(.rgb(0xEC, 0xEF, 0xF4), on: .rgb(0x3B, 0x42, 0x52), bold: true),
            .selected: RoleStyle(.rgb(0x2E, 0x34, 0x40), on: .rgb(0x88, 0xC0, 0xD0)),
            .good: RoleStyle(.rgb(0xA3, 0xBE, 0x8C)), .warn: RoleStyle(.rgb(0xEB, 0xCB, 0x8B), bold: true),
            .bad: RoleStyle(.rgb(0xBF, 0x61, 0x6A), bold: true), .leased: RoleStyle(.rgb(0xA3, 0xBE, 0x8C)),
            .idle: RoleStyle(.rgb(0x81, 0xA1, 0xC1)), .empty: RoleStyle(.rgb(0x4C, 0x56, 0x6A)),
            .accent: RoleStyle(.rgb(0xB4, 0x8E, 0xAD)), .spark: RoleStyle(.rgb(0x5E, 0x81, 0xAC)),
            .footer: RoleStyle(.rgb(0x2E, 0x34, 0x40), on: .rgb(0x81, 0xA1, 0xC1)),
            .key: RoleStyle(.rgb(0xEC, 0xEF, 0xF4), on: .rgb(0x3B, 0x42, 0x52), bold: true),
        ]
    )
}
