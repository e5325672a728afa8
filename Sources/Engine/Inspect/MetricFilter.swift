import Foundation

/// The dashboard's metric search: a case-insensitive regular expression matched anywhere in the
/// metric name; an empty pattern matches every metric.
public struct MetricFilter: Sendable {
    public let pattern: String
    private let expression: NSRegularExpression?

    /// The longest pattern accepted (a guard against pathological input).
    public static let maxLength = 200

    public init(_ pattern: String) throws {
        self.pattern = pattern
        guard !pattern.isEmpty else { expression = nil; return }
        guard pattern.count <= Self.maxLength else {
            throw MetricFilterError(pattern: String(pattern.prefix(40)) + "…", reason: "longer than \(Self.maxLength) characters")
        }
        do {
            expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            throw MetricFilterError(pattern: pattern, reason: "not a valid regular expression")
        }
    }

    public func matches(_ name: String) -> Bool {
        guard let expression else { return true }
        return expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}

/// A metric search that could not be compiled.
public struct MetricFilterError: Error, Sendable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public var description: String { "bad metric search '\(pattern)': \(reason)" }
}
