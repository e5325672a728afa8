import Foundation

extension PlotData {
    /// The chart's data as JSON with sorted keys, values to 4 decimals, scores to 3 and times as
    /// `YYYY-MM-DD HH:MM:SS`, one point per line so a diff shows which points changed. It is
    /// written beside each chart: what a dashboard or a script can draw from, and what a replay
    /// compares, so a change of style leaves the data golden alone.
    public var json: String {
        func points(_ points: [Point], decimals: Int) -> String {
            Self.lines(points.map { CanonicalJSON.array([.string(MetricTimestamp.format($0.time)), .number($0.value, decimals: decimals)]).text })
        }
        func times(_ times: [Date]) -> String { CanonicalJSON.array(times.map { .string(MetricTimestamp.format($0)) }).text }
        let fields: [(String, String)] = [
            ("alerts", times(alerts)),
            ("band", bandJSON),
            ("batch", CanonicalJSON.string(batch).text),
            ("changes", times(changes)),
            ("metric", CanonicalJSON.string(metric).text),
            ("scores", points(scores, decimals: 3)),
            ("threshold", CanonicalJSON.number(threshold, decimals: 4).text),
            ("threshold_alerts", times(thresholdAlerts)),
            ("values", points(values, decimals: 4)),
            ("windows", CanonicalJSON.array(windows.map { .array([.string(MetricTimestamp.format($0.lowerBound)), .string(MetricTimestamp.format($0.upperBound))]) }).text),
        ]
        return "{\n" + fields.map { "  \(CanonicalJSON.quote($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// `[time, low, high]` per banded value, to 4 decimals like the values.
    private var bandJSON: String {
        Self.lines(
            band.map {
                CanonicalJSON.array([.string(MetricTimestamp.format($0.time)), .number($0.low, decimals: 4), .number($0.high, decimals: 4)]).text
            })
    }

    /// A JSON array written one element per line.
    private static func lines(_ elements: [String]) -> String {
        elements.isEmpty ? "[]" : "[\n    " + elements.joined(separator: ",\n    ") + "\n  ]"
    }
}
