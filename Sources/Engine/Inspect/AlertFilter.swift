import Foundation

/// Which alerts a list shows: one metric, some kinds, one severity, one verdict. Empty fields
/// admit everything, so the default filter shows every alert.
public struct AlertFilter: Sendable, Hashable {
    /// What people said of an alert.
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        case up, down, none
    }

    /// The kinds of rows a list of alerts shows: score, threshold and language-model alerts,
    /// and the change job's changes, which are notified as alerts are.
    public static let kinds: [MetricType] = [.alert, .tholdalert, .llmalert, .change]

    public var metric: String?
    public var kind: MetricType?
    public var severity: String?
    public var verdict: Verdict?

    public init(metric: String? = nil, kind: MetricType? = nil, severity: String? = nil, verdict: Verdict? = nil) {
        self.metric = metric
        self.kind = kind
        self.severity = severity
        self.verdict = verdict
    }

    /// Whether `entry` passes every field that is set.
    public func admits(_ entry: AlertEntry) -> Bool {
        if let metric, entry.metric != metric { return false }
        if let kind, entry.kind != kind { return false }
        if let severity, entry.severity != severity { return false }
        switch verdict {
        case .up?: return entry.feedback == true
        case .down?: return entry.feedback == false
        case .none?: return entry.feedback == nil
        case nil: return true
        }
    }
}
