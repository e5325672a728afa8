import Engine
import Foundation

/// What a replay produced, as canonical text files: sorted rows, fixed float formatting, nothing
/// that depends on the machine, the host's time zone or dictionary order.
public struct ReplayOutputs: Sendable {
    /// File name to content, e.g. `timeline.csv`.
    public var files: [String: String]
    /// The alert rows, for expectations.
    public var alerts: [MetricRow]
    /// The score rows, for expectations.
    public var scores: [MetricRow]
    public var runs: [JobRun]

    /// The files compared with goldens (run.json is written beside them and holds their hashes).
    public static let comparedFiles = ["timeline.csv", "alerts.jsonl", "changes.jsonl", "notifications.jsonl"]

    static func collect(scenario: Scenario, batch: BatchConfig, store: MetricStore, notifications: [AlertNotification],
                        runs: [JobRun]) throws -> ReplayOutputs {
        let rows = try store.rows(MetricQuery(batch: batch.name, types: [.metric, .score, .alert, .change]))
        var feedback: [MetricKey: String] = [:]
        for row in try store.rows(MetricQuery(batch: batch.name, types: [.thumbsup, .thumbsdown])) {
            feedback[MetricKey(timestamp: row.timestamp, batch: row.batch, name: row.name, type: .alert)] = row.type == .thumbsup ? "up" : "down"
        }
        var byMetric: [String: [MetricType: [MetricRow]]] = [:]
        for row in rows { byMetric[row.name, default: [:]][row.type, default: []].append(row) }

        var timeline: [(Date, String, String)] = []
        for metric in byMetric.keys.sorted() {
            let kinds = byMetric[metric]!
            let scores = kinds[.score] ?? []
            let smoothed = ScoreSmoothing.smoothed(scores.map(\.value), window: batch.alertSmoothN)
            var scoreAt: [Date: (Double, Double)] = [:]
            for (i, score) in scores.enumerated() { scoreAt[score.timestamp] = (score.value, smoothed[i]) }
            let alerted = Set((kinds[.alert] ?? []).map(\.timestamp))
            let changed = Set((kinds[.change] ?? []).map(\.timestamp))
            let values = Dictionary((kinds[.metric] ?? []).map { ($0.timestamp, $0.value) }, uniquingKeysWith: { a, _ in a })
            let times = Set(values.keys).union(scoreAt.keys).union(alerted).union(changed).sorted()
            for t in times {
                let fields = [MetricTimestamp.format(t), Self.csvField(metric), values[t].map { Fixed.format($0, 4) } ?? "",
                              scoreAt[t].map { Fixed.format($0.0, 3) } ?? "", scoreAt[t].map { Fixed.format($0.1, 4) } ?? "",
                              alerted.contains(t) ? "1" : "0", changed.contains(t) ? "1" : "0"]
                timeline.append((t, metric, fields.joined(separator: ",")))
            }
        }
        timeline.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let csv = (["timestamp,metric,value,score,smoothed_score,alert,change"] + timeline.map(\.2)).joined(separator: "\n") + "\n"

        let alertRows = rows.filter { $0.type == .alert }
        let alerts = alertRows.map { row -> String in
            var fields: [String: CanonicalJSON] = ["metric": .string(row.name), "timestamp": .string(MetricTimestamp.format(row.timestamp))]
            for (key, value) in Self.metadata(row.metadata) { fields[key] = .number(value, decimals: key == "score" ? 3 : 4) }
            if let thumbs = feedback[row.key] { fields["feedback"] = .string(thumbs) }
            return CanonicalJSON.object(fields).text
        }
        let changes = rows.filter { $0.type == .change }.map { row in
            CanonicalJSON.object(["metric": .string(row.name), "timestamp": .string(MetricTimestamp.format(row.timestamp)),
                                  "value": .number(row.value, decimals: 4)]).text
        }
        let sent = notifications.map { n in
            CanonicalJSON.object([
                "alert_type": .string(n.alertType), "batch": .string(n.batch), "metric": .string(n.metric),
                "methods": .array(n.methods.map(CanonicalJSON.string)), "score": .number(n.score, decimals: 3),
                "smoothed_score": .number(n.smoothedScore, decimals: 4), "tags": .object(n.tags.mapValues(CanonicalJSON.string)),
                "threshold": .number(n.threshold, decimals: 4), "timestamp": .string(MetricTimestamp.format(n.timestamp)),
                "value": n.value.map { .number($0, decimals: 4) } ?? .null,
            ]).text
        }
        var files: [String: String] = [
            "timeline.csv": csv,
            "alerts.jsonl": Self.lines(alerts),
            "changes.jsonl": Self.lines(changes),
            "notifications.jsonl": Self.lines(sent),
        ]
        let hashes = Self.hashes(of: files).mapValues(CanonicalJSON.string)
        var statuses: [String: Int] = [:]
        for run in runs { statuses["\(run.job.rawValue)_\(run.status.rawValue)", default: 0] += 1 }
        files["run.json"] = CanonicalJSON.object([
            "engine_version": .string(EngineVersion.current), "scenario": .string(scenario.name),
            "scenario_hash": .string(scenario.hash), "seed": .string(String(scenario.seed)),
            "outputs": .object(hashes), "job_runs": .object(statuses.mapValues(CanonicalJSON.int)),
        ]).text + "\n"
        return ReplayOutputs(files: files, alerts: alertRows, scores: rows.filter { $0.type == .score }, runs: runs)
    }

    /// The hashes of the compared outputs, for the determinism check.
    public var hashes: [String: String] { Self.hashes(of: files) }

    static func hashes(of files: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in comparedFiles {
            var hash = StableHash()
            hash.combine(files[name] ?? "")
            out[name] = hash.hex
        }
        return out
    }

    static func lines(_ items: [String]) -> String { items.isEmpty ? "" : items.joined(separator: "\n") + "\n" }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Numeric fields of an alert's metadata JSON.
    static func metadata(_ text: String?) -> [String: Double] {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var out: [String: Double] = [:]
        for (key, value) in object { if let n = value as? NSNumber { out[key] = n.doubleValue } }
        return out
    }
}
