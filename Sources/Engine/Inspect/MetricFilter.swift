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
        guard !pattern.isEmpty else {
            expression = nil
            return
        }
        guard pattern.count <= Self.maxLength else {
            throw MetricFilterError(pattern: String(pattern.prefix(40)) + "…", reason: "longer than \(Self.maxLength) characters")
        }
        do {
            expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            throw MetricFilterError(pattern: pattern, reason: "not a valid regular expression")
        }
    }

    /// How much backtracking one search may do, counted in the regular-expression engine's
    /// progress reports. ICU reports once per start position it gives up on (a cost linear in the
    /// name, not counted) and once per fixed number of matching steps (about 0.3 ms here: those
    /// are counted). ICU backtracks, so a pattern such as `^(b+)+$` doubles its cost with every
    /// character of a name; counting steps rather than reading a clock keeps the bound the same
    /// on every machine and run. 300 reports is about a tenth of a second for a whole search.
    public static let stepBudget = 300

    /// The names that match, in their order. Throws when the search exceeds `stepBudget` across
    /// all the names: the pattern is then refused, naming it, rather than holding the server.
    public func filter(_ names: [String]) throws -> [String] {
        guard let expression else { return names }
        var spent = 0
        var matched: [String] = []
        for name in names {
            var found = false
            var exhausted = false
            var reports = 0
            let positions = name.utf16.count
            expression.enumerateMatches(in: name, options: [.reportProgress], range: NSRange(name.startIndex..., in: name)) { result, _, stop in
                if result != nil {
                    found = true
                    stop.pointee = true
                    return
                }
                reports += 1
                if spent + max(reports - positions, 0) > Self.stepBudget {
                    exhausted = true
                    stop.pointee = true
                }
            }
            spent += max(reports - positions, 0)
            if exhausted {
                throw MetricFilterError(pattern: pattern, reason: "too costly to match (it backtracks without bound); simplify it")
            }
            if found { matched.append(name) }
        }
        return matched
    }

    /// Whether one name matches (under the same budget as a whole search).
    public func matches(_ name: String) throws -> Bool {
        try !filter([name]).isEmpty
    }
}

/// A metric search that could not be compiled.
public struct MetricFilterError: Error, Sendable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public var description: String { "bad metric search '\(pattern)': \(reason)" }
}
