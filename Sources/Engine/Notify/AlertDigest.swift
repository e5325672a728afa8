import Foundation

/// Prioritisation of the alerts one run raises, and their digest. The order is deterministic:
/// severity, then the metric's `priority` tag (`high`, `normal`, `low`; normal when absent), then
/// how often people confirmed the metric's earlier alerts (feedback precision; 0.5 when nobody
/// said), then the smoothed score, then the name. With `alert_digest_min_n: n` (n ≥ 2), a run
/// that raises at least n score alerts sends one digest in that order instead of a message each.
public enum AlertDigest {
    static let tagRank = ["high": 2, "normal": 1, "low": 0]

    /// `alerts` most urgent first; `precision` maps a metric to its feedback precision.
    public static func prioritise(_ alerts: [AlertNotification], precision: [String: Double]) -> [AlertNotification] {
        alerts.sorted { a, b in
            let keyA = (a.severity, tagRank[a.tags["priority"] ?? "normal"] ?? 1, precision[a.metric] ?? 0.5, a.smoothedScore)
            let keyB = (b.severity, tagRank[b.tags["priority"] ?? "normal"] ?? 1, precision[b.metric] ?? 0.5, b.smoothedScore)
            if keyA != keyB { return keyA > keyB }
            return a.metric < b.metric
        }
    }

    /// One notification listing `alerts` (already in priority order), raised at `time`.
    public static func digest(_ alerts: [AlertNotification], batch: BatchConfig, time: Date) -> AlertNotification {
        var details: [String: String] = [:]
        for (index, alert) in alerts.enumerated() {
            let value = alert.value.map { Fixed.format($0, 4) } ?? "-"
            details[String(format: "item:%03d", index + 1)] =
                "\(alert.metric): smoothed score \(Fixed.format(alert.smoothedScore, 3)), "
                + "\(alert.severity.rawValue), value \(value) at \(MetricTimestamp.format(alert.timestamp))"
        }
        let severity = alerts.map(\.severity).max() ?? .warning
        return AlertNotification(
            kind: .digest, batch: batch.name, metric: "digest", timestamp: time, value: nil,
            score: Double(alerts.count), smoothedScore: alerts.map(\.smoothedScore).max() ?? 0,
            threshold: batch.alertThreshold, severity: severity, details: details,
            methods: batch.alertMethods, tags: [:])
    }
}
