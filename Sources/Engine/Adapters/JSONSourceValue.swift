import Foundation

extension SourceValue {
    /// A value of a JSON row as the sources that answer in JSON (DuckDB, ClickHouse) hand it over:
    /// null, text, an integer with every digit kept (a 64-bit count is exact in the JSON text), a
    /// boolean as 0 or 1, anything else numeric as a double.
    init(json value: Any) {
        switch value {
        case is NSNull: self = .null
        case let text as String: self = .text(text)
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" {
                self = .integer(number.boolValue ? 1 : 0)
            } else if let integer = Int64("\(number)") {
                self = .integer(integer)
            } else {
                self = .real(number.doubleValue)
            }
        default: self = .text("\(value)")
        }
    }
}

/// The start of a JSON answer, keys sorted, for errors that must show what a service sent.
enum JSONExcerpt {
    static func of(_ object: [String: Any], limit: Int = 300) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data.prefix(limit), as: UTF8.self)
    }
}
