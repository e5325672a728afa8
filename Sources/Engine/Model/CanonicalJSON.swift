import Foundation

/// A JSON value written canonically: keys sorted, numbers at a fixed precision, no whitespace.
/// Replay outputs are compared as text and hashed, and webhook bodies are signed, so their bytes
/// must not depend on anything else.
public enum CanonicalJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double, decimals: Int)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The number a `.number` or `.int` holds.
    public var doubleValue: Double? {
        switch self {
        case .number(let d, _): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d, let decimals): return d.isFinite ? Fixed.format(d, decimals) : "null"
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { Self.quote($0) + ":" + fields[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    public static func quote(_ s: String) -> String { JSONText.quote(s) }
}
