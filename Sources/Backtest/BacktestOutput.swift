import Engine
import Foundation

/// Writes a backtest's files: per series `<category>/<file>.csv` in NAB's results layout
/// (`timestamp,value,anomaly_score,label,alert,change,tholdalert`, one row per input row, same order),
/// `summary.json`, and for sweeps `leaderboard.csv` and `report.html`.
public struct BacktestOutput {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public func write(_ text: String, to relative: String) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// A value as NAB's files write it: integers without a decimal point, others in shortest form.
    static func value(_ v: Double) -> String {
        v.rounded() == v && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    /// One series' results file, `<prefix><category>/<file>.csv`. Scores are written with the 4
    /// decimals the backtester rounds them to, so the file holds exactly what was scored.
    public func writeSeries(_ outcome: Backtester.SeriesOutcome, under prefix: String = "") throws {
        let s = outcome.series
        let labels = s.labels
        var lines = ["timestamp,value,anomaly_score,label,alert,change,tholdalert"]
        lines.reserveCapacity(s.timestamps.count + 1)
        for i in s.timestamps.indices {
            lines.append("\(MetricTimestamp.format(s.timestamps[i])),\(Self.value(s.values[i])),\(Fixed.format(outcome.scores[i], 4)),\(labels[i]),\(outcome.alerts[i] ? 1 : 0),\(outcome.changes[i] ? 1 : 0),\(outcome.thresholdAlerts[i] ? 1 : 0)")
        }
        try write(lines.joined(separator: "\n") + "\n", to: prefix + s.path)
    }

    /// One run's summary: settings, NAB scores per profile, event-level metrics overall and per series.
    public static func summary(_ r: BacktestRun.Result) -> CanonicalJSON {
        .object([
            "label": .string(r.label),
            "settings": .array(r.overrides.map(CanonicalJSON.string)),
            "nab": NABReport.json(r.nab),
            "overall": r.total.json,
            "series": .object(Dictionary(uniqueKeysWithValues: zip(r.outcomes, r.metrics).map { outcome, metrics in
                (outcome.series.path, metrics.json)
            })),
            "seconds": .number(r.seconds, decimals: 1),
        ])
    }

    public static let leaderboardColumns = ["rank", "settings", "nab_standard", "nab_reward_low_FP_rate", "nab_reward_low_FN_rate",
                                            "f1", "precision", "recall", "windows_detected", "windows", "false_alerts",
                                            "false_alerts_per_day", "mean_delay_minutes", "median_delay_minutes", "change_windows_detected",
                                            "false_changes", "false_changes_per_day", "threshold_windows_detected",
                                            "false_threshold_alerts", "false_threshold_alerts_per_day", "false_notifications_per_day",
                                            "seconds"]

    /// The leaderboard columns a run can be ranked by (`--rank-by`), each with its better end.
    public static let rankable = ["nab_standard", "nab_reward_low_FP_rate", "nab_reward_low_FN_rate", "f1", "precision", "recall",
                                  "windows_detected", "false_alerts", "false_alerts_per_day", "mean_delay_minutes", "median_delay_minutes",
                                  "change_windows_detected", "false_changes", "false_changes_per_day", "threshold_windows_detected",
                                  "false_threshold_alerts", "false_threshold_alerts_per_day", "false_notifications_per_day"]

    /// The results, best first by `metric` (one of `rankable`), ties in grid order.
    public static func ranked(_ results: [BacktestRun.Result], by metric: String) -> [BacktestRun.Result] {
        // Larger is better: counts of misses, false alarms and delays are negated.
        func value(_ r: BacktestRun.Result) -> Double {
            let t = r.total
            switch metric {
            case "nab_reward_low_FP_rate": return r.nabScore("reward_low_FP_rate")
            case "nab_reward_low_FN_rate": return r.nabScore("reward_low_FN_rate")
            case "f1": return t.f1
            case "precision": return t.precision
            case "recall": return t.recall
            case "windows_detected": return Double(t.windowsDetected)
            case "false_alerts": return -Double(t.falseAlerts)
            case "false_alerts_per_day": return -t.falseAlertsPerDay
            case "mean_delay_minutes": return -(t.meanDelay ?? .infinity)
            case "median_delay_minutes": return -(t.medianDelay ?? .infinity)
            case "change_windows_detected": return Double(t.changeWindowsDetected)
            case "false_changes": return -Double(t.falseChanges)
            case "false_changes_per_day": return -t.falseChangesPerDay
            case "threshold_windows_detected": return Double(t.thresholdWindowsDetected)
            case "false_threshold_alerts": return -Double(t.falseThresholdAlerts)
            case "false_threshold_alerts_per_day": return -t.falseThresholdAlertsPerDay
            case "false_notifications_per_day": return -t.falseNotificationsPerDay
            default: return r.nabScore("standard")
            }
        }
        return results.enumerated().sorted { (value($0.element), $1.offset) > (value($1.element), $0.offset) }.map(\.element)
    }

    /// The leaderboard rows of ranked results.
    public static func leaderboard(_ ranked: [BacktestRun.Result]) -> [[String]] {
        ranked.enumerated().map { rank, r in
            let t = r.total
            return [String(rank + 1), r.overrides.isEmpty ? "(defaults)" : r.overrides.joined(separator: " "),
                    Fixed.format(r.nabScore("standard"), 2), Fixed.format(r.nabScore("reward_low_FP_rate"), 2),
                    Fixed.format(r.nabScore("reward_low_FN_rate"), 2), Fixed.format(t.f1, 4), Fixed.format(t.precision, 4),
                    Fixed.format(t.recall, 4), String(t.windowsDetected), String(t.windows), String(t.falseAlerts),
                    Fixed.format(t.falseAlertsPerDay, 4), t.meanDelay.map { Fixed.format($0 / 60, 1) } ?? "",
                    t.medianDelay.map { Fixed.format($0 / 60, 1) } ?? "", String(t.changeWindowsDetected), String(t.falseChanges),
                    Fixed.format(t.falseChangesPerDay, 4), String(t.thresholdWindowsDetected), String(t.falseThresholdAlerts),
                    Fixed.format(t.falseThresholdAlertsPerDay, 4), Fixed.format(t.falseNotificationsPerDay, 4), Fixed.format(r.seconds, 1)]
        }
    }

    public func writeLeaderboard(_ rows: [[String]]) throws {
        func field(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let text = ([Self.leaderboardColumns] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
        try write(text, to: "leaderboard.csv")
    }

    /// An HTML page: the leaderboard, then one chart per series of `best` (value, score,
    /// labelled windows shaded, alerts marked).
    public func writeReport(leaderboard: [[String]], best: BacktestRun.Result, threshold: Double) throws {
        var html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Backtest report</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}
            th{background:#f4f4f4}section{margin:2em 0}</style></head><body><h1>Backtest report</h1>
            <h2>Leaderboard</h2><table><tr>
            """
        html += Self.leaderboardColumns.map { "<th>\(NotificationComposer.escapeHTML($0))</th>" }.joined() + "</tr>"
        for row in leaderboard { html += "<tr>" + row.map { "<td>\(NotificationComposer.escapeHTML($0))</td>" }.joined() + "</tr>" }
        html += "</table><h2>Series of the best setting: \(NotificationComposer.escapeHTML(best.overrides.joined(separator: " ")))</h2>"
        for (outcome, metrics) in zip(best.outcomes, best.metrics) {
            let s = outcome.series
            func times(_ marks: [Bool]) -> [Date] { s.timestamps.indices.filter { marks[$0] }.map { s.timestamps[$0] } }
            let data = PlotData(batch: "backtest", metric: s.path, values: zip(s.timestamps, s.values).map { PlotData.Point($0, $1) },
                                scores: zip(s.timestamps, outcome.scores).map { PlotData.Point($0, $1) }, alerts: times(outcome.alerts),
                                changes: times(outcome.changes), thresholdAlerts: times(outcome.thresholdAlerts), threshold: threshold,
                                windows: s.windows)
            html += "<section><h3>\(NotificationComposer.escapeHTML(s.path))</h3><p>windows detected \(metrics.windowsDetected) of \(metrics.windows), false alerts \(metrics.falseAlerts); level changes \(metrics.changes), \(metrics.falseChanges) of them outside the windows; threshold alerts \(metrics.thresholdAlerts), \(metrics.falseThresholdAlerts) of them outside</p>"
            html += SVGRenderer.render(PlotScene(data: data)) + "</section>"
        }
        try write(html + "</body></html>\n", to: "report.html")
    }
}
