import Engine
import Foundation

/// Writes a backtest's files: per series `<category>/<file>.csv` in NAB's results layout
/// (`timestamp,value,anomaly_score,label,alert,change,tholdalert`, one row per input row, same order),
/// `summary.json`, and for sweeps `leaderboard.csv` and `report.html`.
public struct BacktestOutput: Sendable {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public func write(_ text: String, to relative: String) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(Data(text.utf8), to: url)
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
        var lines = ["timestamp,value,anomaly_score,label,alert,change,tholdalert,trend,nodata,stuck"]
        lines.reserveCapacity(s.timestamps.count + 1)
        for i in s.timestamps.indices {
            lines.append(
                "\(MetricTimestamp.format(s.timestamps[i])),\(Self.value(s.values[i])),\(Fixed.format(outcome.scores[i], 4)),\(labels[i]),\(outcome.alerts[i] ? 1 : 0),\(outcome.changes[i] ? 1 : 0),\(outcome.thresholdAlerts[i] ? 1 : 0),"
                    + "\(outcome.trends[i] ? 1 : 0),\(outcome.silences[i] ? 1 : 0),\(outcome.stuck[i] ? 1 : 0)"
            )
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
            "ranking": .object([
                "auc_pr": .number(r.ranking.aucPR, decimals: 4), "point_adjusted_f1": .number(r.ranking.pointAdjustedF1, decimals: 4),
                "vus_pr": .number(r.ranking.vusPR, decimals: 4),
            ]),
            "series": .object(
                Dictionary(
                    uniqueKeysWithValues: zip(r.outcomes, r.metrics).map { outcome, metrics in
                        (outcome.series.path, metrics.json)
                    })),
            "seconds": .number(r.seconds, decimals: 1),
        ])
    }

    /// One leaderboard column: its text for a run and, when a run can be ranked by it, the value
    /// whose larger end is better (counts of misses, false alarms and delays are negated).
    struct Column: Sendable {
        let name: String
        let text: @Sendable (BacktestRun.Result) -> String
        let rank: (@Sendable (BacktestRun.Result) -> Double)?

        init(
            _ name: String, _ text: @escaping @Sendable (BacktestRun.Result) -> String,
            rank: (@Sendable (BacktestRun.Result) -> Double)? = nil
        ) {
            self.name = name
            self.text = text
            self.rank = rank
        }

        /// A count or rate of the run's totals, written with `decimals` (none: as an integer).
        static func total(
            _ name: String, decimals: Int? = nil, larger better: Bool? = true,
            _ value: @escaping @Sendable (BacktestMetrics) -> Double
        ) -> Column {
            let text: @Sendable (BacktestRun.Result) -> String = { r in
                let v = value(r.total)
                guard let decimals else { return String(Int(v)) }
                return Fixed.format(v, decimals)
            }
            guard let better else { return Column(name, text) }
            let sign = better ? 1.0 : -1.0
            return Column(name, text, rank: { r in sign * value(r.total) })
        }

        static func nab(_ profile: String) -> Column {
            Column(
                profile == "standard" ? "nab_standard" : "nab_\(profile)", { Fixed.format($0.nabScore(profile), 2) },
                rank: { $0.nabScore(profile) })
        }

        static func outOfFold(_ profile: String) -> Column {
            Column(
                profile == "standard" ? "oof_nab_standard" : "oof_nab_\(profile)", { $0.outOfFold[profile].map { Fixed.format($0, 2) } ?? "" },
                rank: { $0.outOfFold[profile] ?? -.infinity })
        }

        static func delay(_ name: String, _ value: @escaping @Sendable (BacktestMetrics) -> Double?) -> Column {
            Column(name, { r in value(r.total).map { Fixed.format($0 / 60, 1) } ?? "" }, rank: { r in -(value(r.total) ?? .infinity) })
        }
    }

    /// Every column after `rank`, in the leaderboard's order.
    static let columns: [Column] = [
        Column("settings", { $0.overrides.isEmpty ? "(defaults)" : $0.overrides.joined(separator: " ") }),
        .nab("standard"), .nab("reward_low_FP_rate"), .nab("reward_low_FN_rate"),
        .outOfFold("standard"), .outOfFold("reward_low_FP_rate"), .outOfFold("reward_low_FN_rate"),
        Column("lead_survives", { $0.leadSurvives.map { $0 ? "yes" : "no" } ?? "" }),
        Column("auc_pr", { Fixed.format($0.ranking.aucPR, 4) }, rank: { $0.ranking.aucPR }),
        Column("pa_f1", { Fixed.format($0.ranking.pointAdjustedF1, 4) }, rank: { $0.ranking.pointAdjustedF1 }),
        Column("vus_pr", { Fixed.format($0.ranking.vusPR, 4) }, rank: { $0.ranking.vusPR }),
        .total("f1", decimals: 4) { $0.f1 }, .total("precision", decimals: 4) { $0.precision }, .total("recall", decimals: 4) { $0.recall },
        .total("windows_detected") { Double($0.windowsDetected) }, .total("windows", larger: nil) { Double($0.windows) },
        .total("false_alerts", larger: false) { Double($0.falseAlerts) },
        .total("false_alerts_per_day", decimals: 4, larger: false) { $0.falseAlertsPerDay },
        .delay("mean_delay_minutes") { $0.meanDelay }, .delay("median_delay_minutes") { $0.medianDelay },
        .total("change_windows_detected") { Double($0.changeWindowsDetected) },
        .total("false_changes", larger: false) { Double($0.falseChanges) },
        .total("false_changes_per_day", decimals: 4, larger: false) { $0.falseChangesPerDay },
        .total("threshold_windows_detected") { Double($0.thresholdWindowsDetected) },
        .total("false_threshold_alerts", larger: false) { Double($0.falseThresholdAlerts) },
        .total("false_threshold_alerts_per_day", decimals: 4, larger: false) { $0.falseThresholdAlertsPerDay },
        .total("trend_windows_detected") { Double($0.trendWindowsDetected) },
        .total("false_trends", larger: false) { Double($0.falseTrends) },
        .total("false_no_data", larger: false) { Double($0.falseSilences) },
        .total("false_stuck", larger: false) { Double($0.falseStuckRuns) },
        .total("false_notifications_per_day", decimals: 4, larger: false) { $0.falseNotificationsPerDay },
    ]

    public static let leaderboardColumns = ["rank"] + columns.map(\.name)

    /// The leaderboard columns a run can be ranked by (`--rank-by`), each with its better end.
    public static let rankable = columns.filter { $0.rank != nil }.map(\.name)

    /// The in-sample column an out-of-fold one mirrors (`oof_nab_standard` → `nab_standard`); nil for others.
    public static func inSample(of column: String) -> String? {
        column.hasPrefix("oof_") ? String(column.dropFirst(4)) : nil
    }

    /// The value `metric` ranks a run by, larger better (`nab_standard` for an unknown name).
    static func rankValue(_ metric: String) -> @Sendable (BacktestRun.Result) -> Double {
        if let rank = columns.first(where: { $0.name == metric })?.rank { return rank }
        return { $0.nabScore("standard") }
    }

    /// The results, best first by `metric` (one of `rankable`; `nab_standard` otherwise), ties in grid order.
    public static func ranked(_ results: [BacktestRun.Result], by metric: String) -> [BacktestRun.Result] {
        let value = rankValue(metric)
        return results.enumerated().sorted { (value($0.element), $1.offset) > (value($1.element), $0.offset) }.map(\.element)
    }

    /// The leaderboard rows of results ranked by `metric`. Runs that tie on it share a rank (1, 2,
    /// 2, 4), so a tie is not mistaken for a lead; wall-clock seconds stay out (they are in
    /// `summary.json`), so the file is the same on every run of the same backtest.
    public static func leaderboard(_ ranked: [BacktestRun.Result], by metric: String = "nab_standard") -> [[String]] {
        let value = rankValue(metric)
        var rank = 0
        return ranked.enumerated().map { position, r in
            if position == 0 || value(r) != value(ranked[position - 1]) { rank = position + 1 }
            return [String(rank)] + columns.map { $0.text(r) }
        }
    }

    /// A CSV field, quoted when it holds a comma or a quote.
    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public func writeLeaderboard(_ rows: [[String]]) throws {
        let text = ([Self.leaderboardColumns] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
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
            let data = PlotData(
                batch: "backtest", metric: s.path, values: zip(s.timestamps, s.values).map { PlotData.Point($0, $1) },
                scores: zip(s.timestamps, outcome.scores).map { PlotData.Point($0, $1) }, alerts: times(outcome.alerts),
                changes: times(outcome.changes), thresholdAlerts: times(outcome.thresholdAlerts), threshold: threshold,
                windows: s.windows)
            html +=
                "<section><h3>\(NotificationComposer.escapeHTML(s.path))</h3><p>windows detected \(metrics.windowsDetected) of \(metrics.windows), false alerts \(metrics.falseAlerts); level changes \(metrics.changes), \(metrics.falseChanges) of them outside the windows; threshold alerts \(metrics.thresholdAlerts), \(metrics.falseThresholdAlerts) of them outside</p>"
            html += SVGRenderer.render(PlotScene(data: data)) + "</section>"
        }
        try write(html + "</body></html>\n", to: "report.html")
    }
}
