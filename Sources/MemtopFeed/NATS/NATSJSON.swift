import Foundation

/// JSON for the few protocol lines that carry it (INFO from the server, CONNECT to it).
enum NATSJSON {
    static func decodeInfo(_ bytes: [UInt8]) -> NATSServerInfo? {
        try? JSONDecoder().decode(NATSServerInfo.self, from: Data(bytes))
    }

    /// A JSON string literal (quotes and escapes) for CONNECT fields.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
