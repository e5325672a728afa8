import Engine
import Foundation

/// Evaluates a scenario's expectations against a replay's outputs; returns the failures.
public enum ExpectationCheck {
    public static func failures(_ expectations: [Expectation], outputs: ReplayOutputs) -> [String] {
        var failures: [String] = []
        let alerts = outputs.alerts
        for expectation in expectations {
            switch expectation {
            case .alert(let metric, let window, _, let minScore, let label):
                let matching = alerts.filter { $0.name == metric && window.contains($0.timestamp) }
                if matching.isEmpty {
                    let nearest = alerts.filter { $0.name == metric }.map { MetricTimestamp.format($0.timestamp) }
                    failures.append("\(label): none (alerts on \(metric): \(nearest.isEmpty ? "none" : nearest.prefix(5).joined(separator: ", ")))")
                } else if let minScore {
                    let best = matching.compactMap { ReplayOutputs.metadata($0.metadata)["smoothed_score"]?.doubleValue }.max() ?? 0
                    if best < minScore { failures.append("\(label): smoothed score \(Fixed.format(best, 4)) < \(Fixed.format(minScore, 4))") }
                }
            case .noAlert(let metric, let window, let label):
                let matching = alerts.filter { (metric == nil || $0.name == metric) && (window?.contains($0.timestamp) ?? true) }
                if !matching.isEmpty {
                    failures.append(
                        "\(label): \(matching.count) found, first \(matching[0].name) at \(MetricTimestamp.format(matching[0].timestamp))")
                }
            case .scores(let metric, let window, let low, let high, let label):
                let scores = outputs.scores.filter { $0.name == metric && (window?.contains($0.timestamp) ?? true) }
                if scores.isEmpty {
                    failures.append("\(label): no scores in range")
                    continue
                }
                if let low, let bad = scores.first(where: { $0.value < low }) {
                    failures.append("\(label): \(Fixed.format(bad.value, 3)) at \(MetricTimestamp.format(bad.timestamp))")
                } else if let high, let bad = scores.first(where: { $0.value > high }) {
                    failures.append("\(label): \(Fixed.format(bad.value, 3)) at \(MetricTimestamp.format(bad.timestamp))")
                }
            case .alertCount(let metric, let low, let high, let perDay, let label):
                let matching = alerts.filter { metric == nil || $0.name == metric }
                let counts: [Int]
                if perDay {
                    var byDay: [String: Int] = [:]
                    for alert in matching { byDay[String(MetricTimestamp.format(alert.timestamp).prefix(10)), default: 0] += 1 }
                    counts = byDay.isEmpty ? [0] : byDay.keys.sorted().map { byDay[$0]! }
                } else {
                    counts = [matching.count]
                }
                if let low, let c = counts.min(), c < low { failures.append("\(label): \(c)") }
                if let high, let c = counts.max(), c > high { failures.append("\(label): \(c)") }
            case .windowsHit(let metric, let windows, let minimum, let label):
                let hit = windows.filter { w in alerts.contains { $0.name == metric && w.contains($0.timestamp) } }.count
                if hit < minimum { failures.append("\(label): \(hit) hit") }
            case .mark(let type, let metric, let window, let present, let label):
                let rows = outputs.marks.filter {
                    $0.type == type && (metric == nil || $0.name == metric) && (window?.contains($0.timestamp) ?? true)
                }
                if present && rows.isEmpty {
                    let all = outputs.marks.filter { $0.type == type }.map { "\($0.name) \(MetricTimestamp.format($0.timestamp))" }
                    failures.append("\(label): none (\(type.rawValue) rows: \(all.isEmpty ? "none" : all.prefix(5).joined(separator: ", ")))")
                } else if !present && !rows.isEmpty {
                    failures.append("\(label): \(rows.count) found, first \(rows[0].name) at \(MetricTimestamp.format(rows[0].timestamp))")
                }
            case .notifications(let filter, let low, let high, let label):
                let count = outputs.deliveries.filter { d in
                    let fields = [
                        "alert_type": d.notification.kind.rawValue, "metric": d.notification.metric, "status": d.status.rawValue,
                        "method": d.method, "severity": d.notification.severity.rawValue,
                    ]
                    return filter.allSatisfy { fields[$0.key] == $0.value }
                }.count
                if let low, count < low { failures.append("\(label): \(count)") }
                if let high, count > high { failures.append("\(label): \(count)") }
            case .alertsOutside(let metric, let windows, let max, let label):
                let outside = alerts.filter { a in a.name == metric && !windows.contains { $0.contains(a.timestamp) } }
                if outside.count > max {
                    failures.append("\(label): \(outside.count) (first at \(MetricTimestamp.format(outside[0].timestamp)))")
                }
            }
        }
        return failures
    }
}
