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

    /// What of this expectation a run stopped at `until` (`--until`) can judge: what must not
    /// happen still must not, and upper bounds still hold; what must happen is judged only where
    /// its range ended before the cut. Nil when nothing can be judged.
    func through(_ until: Date) -> Expectation? {
        switch self {
        case .alert(_, let window, _, _, _):
            return window.upperBound < until ? self : nil
        case .noAlert, .alertsOutside:
            return self
        case .scores(_, let window, _, _, _):
            return window.map { $0.lowerBound < until } ?? true ? self : nil
        case .alertCount(let metric, _, let max, let perDay, let label):
            return max != nil && !perDay ? .alertCount(metric: metric, min: nil, max: max, perDay: false, label: label) : nil
        case .windowsHit:
            return nil
        case .mark(_, _, let window, let present, _):
            return !present || (window.map { $0.upperBound < until } ?? false) ? self : nil
        case .notifications(let filter, _, let max, let label):
            return max.map { .notifications(filter: filter, min: nil, max: $0, label: label) }
        }
    }

    /// The metric the expectation is about, when it names one.
    var metric: String? {
        switch self {
        case .alert(let m, _, _, _, _), .scores(let m, _, _, _, _), .windowsHit(let m, _, _, _), .alertsOutside(let m, _, _, _):
            return m
        case .noAlert(let m, _, _), .alertCount(let m, _, _, _, _), .mark(_, let m, _, _, _):
            return m
        case .notifications(let filter, _, _, _):
            return filter["metric"]
        }
    }

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
