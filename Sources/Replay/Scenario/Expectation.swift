import Engine
import Foundation

/// What a scenario says must (or must not) come out of the replay.
public enum Expectation: Sendable, Hashable {
    /// An alert on `metric` exactly at a time, or anywhere in a range; optional minimum score.
    case alert(metric: String, window: ClosedRange<Date>, exact: Bool, minScore: Double?, label: String)
    /// No alert (on `metric`, or on any metric when nil) inside a range.
    case noAlert(metric: String?, window: ClosedRange<Date>?, label: String)
    /// Every score of `metric` in a range lies within bounds.
    case scores(metric: String, window: ClosedRange<Date>?, min: Double?, max: Double?, label: String)
    /// The number of alerts (on `metric`, or all) lies within bounds, optionally per day.
    case alertCount(metric: String?, min: Int?, max: Int?, perDay: Bool, label: String)
    /// At least `minimum` of the labelled windows hold an alert on `metric`.
    case windowsHit(metric: String, windows: [ClosedRange<Date>], minimum: Int, label: String)
    /// At most `max` alerts on `metric` fall outside every labelled window.
    case alertsOutside(metric: String, windows: [ClosedRange<Date>], max: Int, label: String)
    /// A `change` or `tholdalert` row on `metric` in a range (`present`), or none (on any metric when nil).
    case mark(type: MetricType, metric: String?, window: ClosedRange<Date>?, present: Bool, label: String)
    /// The number of deliveries matching the given fields lies within bounds.
    case notifications(filter: [String: String], min: Int?, max: Int?, label: String)

    var label: String {
        switch self {
        case .alert(_, _, _, _, let l), .noAlert(_, _, let l), .scores(_, _, _, _, let l), .alertCount(_, _, _, _, let l),
            .windowsHit(_, _, _, let l), .alertsOutside(_, _, _, let l), .mark(_, _, _, _, let l),
            .notifications(_, _, _, let l):
            return l
        }
    }
}

/// Per-field tolerances for golden comparison; exact at the written precision by default.
public struct Tolerance: Sendable, Hashable {
    public var scoreAbsolute: Double = 0
    public var scoreRelative: Double = 0
    public var valueAbsolute: Double = 0
    public var valueRelative: Double = 0

    public init() {}

    func allows(_ expected: Double, _ got: Double, field: String) -> Bool {
        let (absolute, relative) = field == "value" ? (valueAbsolute, valueRelative) : (scoreAbsolute, scoreRelative)
        return abs(expected - got) <= max(absolute, relative * abs(expected)) + 1e-12
    }
}
