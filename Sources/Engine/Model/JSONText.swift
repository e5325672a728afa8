import Foundation

/// Small pieces for writing JSON text by hand where `JSONEncoder` is too slow (models) or
/// where the exact bytes matter (canonical outputs).
public enum JSONText {
    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A finite double in its shortest round-trip form.
    static func number(_ value: Double) throws -> String {
        guard value.isFinite else { throw JobError("cannot write the non-finite number \(value) as JSON") }
        return "\(value)"
    }

    static func numbers(_ values: [Double]) throws -> String {
        "[" + (try values.map(number)).joined(separator: ",") + "]"
    }
}
