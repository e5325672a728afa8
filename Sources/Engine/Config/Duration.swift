import Foundation

/// A resampling frequency in pandas' offset-alias style: `30s`, `15min`/`15T`, `1h`/`H`, `1D`, `1W`.
public struct ResampleFrequency: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Int
    public let description: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix(while: { $0.isNumber })
        let unit = trimmed.dropFirst(digits.count)
        let count = digits.isEmpty ? 1 : Int(digits) ?? 0
        let unitSeconds: Int
        switch unit {
        case "s", "S", "sec": unitSeconds = 1
        case "min", "T", "m": unitSeconds = 60
        case "h", "H": unitSeconds = 3600
        case "D", "d": unitSeconds = 86_400
        case "W", "w": unitSeconds = 604_800
        default: return nil
        }
        guard count > 0 else { return nil }
        seconds = count * unitSeconds
        description = trimmed
    }
}
