import Engine
import Foundation

/// What a list of alerts was asked for (`/anomalies` and `/api/v1/alerts`): a batch, a metric,
/// a kind, a severity, a verdict, a span and a page, each checked, so a bad value is a 400
/// that names it; and the same query written back for links, so paging keeps the filter.
struct AlertListQuery: Sendable, Hashable {
    var batch: String?
    var filter = AlertFilter()
    var spanText: String
    var span: TimeInterval
    var page: Int

    static let severities = ["info", "warning", "critical"]

    init(_ fields: [String: String], defaultSpan: String = "30d") throws {
        func field(_ key: String) -> String? { fields[key].flatMap { $0.isEmpty ? nil : $0 } }
        batch = field("batch")
        filter.metric = field("metric")
        if let kind = field("kind") {
            guard let type = MetricType(rawValue: kind), AlertFilter.kinds.contains(type) else {
                throw RequestError.invalid("bad kind '\(kind)': expected \(AlertFilter.kinds.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kind = type
        }
        if let severity = field("severity") {
            guard Self.severities.contains(severity) else {
                throw RequestError.invalid("bad severity '\(severity)': expected \(Self.severities.joined(separator: ", "))")
            }
            filter.severity = severity
        }
        if let verdict = field("verdict") {
            guard let value = AlertFilter.Verdict(rawValue: verdict) else {
                throw RequestError.invalid("bad verdict '\(verdict)': expected up, down or none")
            }
            filter.verdict = value
        }
        (spanText, span) = try RequestInput.span(field("span"), default: defaultSpan)
        page = try RequestInput.page(field("page"))
    }

    /// The query string for `page` with the same filter (keys in a fixed order, values escaped).
    func queryString(page: Int) -> String {
        let pairs: [(String, String?)] = [
            ("batch", batch), ("metric", filter.metric), ("kind", filter.kind?.rawValue), ("severity", filter.severity),
            ("verdict", filter.verdict?.rawValue), ("span", spanText), ("page", String(page)),
        ]
        return pairs.compactMap { key, value in value.map { "\(key)=\(Presentation.segment($0))" } }.joined(separator: "&")
    }

    /// Whether anything narrows the list (the page says so, and offers to clear it).
    var isFiltered: Bool { batch != nil || filter != AlertFilter() }
}
