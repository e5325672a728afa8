/// The kind of a row in the long-format metrics table, as Anomstack names them.
public enum MetricType: String, Sendable, CaseIterable, Codable, Comparable {
    case metric, score, alert, change, llmalert, tholdalert, thumbsup, thumbsdown

    public static func < (lhs: MetricType, rhs: MetricType) -> Bool { lhs.rawValue < rhs.rawValue }
}
