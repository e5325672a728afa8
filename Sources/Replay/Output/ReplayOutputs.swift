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
    /// The change and threshold-alert rows, for expectations.
    public var marks: [MetricRow] = []
    /// The delivery log, for expectations.
    public var deliveries: [Delivery] = []

    /// The files every replay compares with goldens (run.json is written beside them and holds
    /// their hashes); the plot job's SVGs (`plots/<metric>.svg`) come on top when it runs.
    public static let baseFiles = ["timeline.csv", "alerts.jsonl", "changes.jsonl", "tholdalerts.jsonl", "notifications.jsonl"]

    /// The files of this replay compared with goldens.
    public var comparedFiles: [String] {
        Self.baseFiles + files.keys.filter { $0.hasPrefix("plots/") }.sorted()
    }

    static func collect(
        scenario: Scenario, batch: BatchConfig, store: any MetricStore, deliveries: [Delivery], plots: [String: Data],
        runs: [JobRun]
    ) throws -> ReplayOutputs {
        let rows = try store.rows(MetricQuery(batch: batch.name, types: [.metric, .score, .alert, .change, .tholdalert]))
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
            let breached = Set((kinds[.tholdalert] ?? []).map(\.timestamp))
            let values = Dictionary((kinds[.metric] ?? []).map { ($0.timestamp, $0.value) }, uniquingKeysWith: { a, _ in a })
            let times = Set(values.keys).union(scoreAt.keys).union(alerted).union(changed).union(breached).sorted()
            for t in times {
                let fields = [
                    MetricTimestamp.format(t), Self.csvField(metric), values[t].map { Fixed.format($0, 4) } ?? "",
                    scoreAt[t].map { Fixed.format($0.0, 3) } ?? "", scoreAt[t].map { Fixed.format($0.1, 4) } ?? "",
                    alerted.contains(t) ? "1" : "0", changed.contains(t) ? "1" : "0", breached.contains(t) ? "1" : "0",
                ]
                timeline.append((t, metric, fields.joined(separator: ",")))
            }
        }
        timeline.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let csv = (["timestamp,metric,value,score,smoothed_score,alert,change,tholdalert"] + timeline.map(\.2)).joined(separator: "\n") + "\n"

        let alertRows = rows.filter { $0.type == .alert }
        let alerts = alertRows.map { row -> String in
            var fields = Self.metadata(row.metadata)
            fields["metric"] = .string(row.name)
            fields["timestamp"] = .string(MetricTimestamp.format(row.timestamp))
            if let thumbs = feedback[row.key] { fields["feedback"] = .string(thumbs) }
            return CanonicalJSON.object(fields).text
        }
        func markRows(_ type: MetricType) -> [String] {
            rows.filter { $0.type == type }.map { row in
                var fields = Self.metadata(row.metadata)
                fields["metric"] = .string(row.name)
                fields["timestamp"] = .string(MetricTimestamp.format(row.timestamp))
                return CanonicalJSON.object(fields).text
            }
        }
        let sent = deliveries.sorted { $0.id < $1.id }.map { d in
            let n = d.notification
            var fields: [String: CanonicalJSON] = [
                "alert_type": .string(n.kind.rawValue), "batch": .string(n.batch), "metric": .string(n.metric),
                "method": .string(d.method), "status": .string(d.status.rawValue), "severity": .string(n.severity.rawValue),
                "title": .string(d.message.title), "chart": .bool(d.attachment != nil),
                "score": .number(n.score, decimals: 3), "smoothed_score": .number(n.smoothedScore, decimals: 4),
                "tags": .object(n.tags.mapValues(CanonicalJSON.string)), "details": .object(n.details.mapValues(CanonicalJSON.string)),
                "threshold": .number(n.threshold, decimals: 4), "timestamp": .string(MetricTimestamp.format(n.timestamp)),
                "value": n.value.map { .number($0, decimals: 4) } ?? .null,
            ]
            if let held = d.mutedBy { fields["muted_by"] = .string(held) }
            return CanonicalJSON.object(fields).text
        }
        var files: [String: String] = [
            "timeline.csv": csv,
            "alerts.jsonl": Self.lines(alerts),
            "changes.jsonl": Self.lines(markRows(.change)),
            "tholdalerts.jsonl": Self.lines(markRows(.tholdalert)),
            "notifications.jsonl": Self.lines(sent),
        ]
        for (path, data) in plots where path.hasSuffix(".svg") || path.hasSuffix(".json") {
            files["plots/" + (path.split(separator: "/").last.map(String.init) ?? path)] = String(decoding: data, as: UTF8.self)
        }
        let hashes = Self.hashes(of: files).mapValues(CanonicalJSON.string)
        var statuses: [String: Int] = [:]
        for run in runs { statuses["\(run.job.rawValue)_\(run.status.rawValue)", default: 0] += 1 }
        files["run.json"] =
            CanonicalJSON.object([
                "engine_version": .string(EngineVersion.current), "scenario": .string(scenario.name),
                "scenario_hash": .string(scenario.hash), "seed": .string(String(scenario.seed)),
                "outputs": .object(hashes), "job_runs": .object(statuses.mapValues(CanonicalJSON.int)),
            ]).text + "\n"
        return ReplayOutputs(
            files: files, alerts: alertRows, scores: rows.filter { $0.type == .score }, runs: runs,
            marks: rows.filter { $0.type == .change || $0.type == .tholdalert }, deliveries: deliveries)
    }

    /// The hashes of the compared outputs, for the determinism check.
    public var hashes: [String: String] { Self.hashes(of: files) }

    static func hashes(of files: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in baseFiles + files.keys.filter({ $0.hasPrefix("plots/") }).sorted() {
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

    /// The fields of a row's metadata JSON: numbers at four decimals (scores at three, as the
    /// score rows have), strings as they are.
    static func metadata(_ text: String?) -> [String: CanonicalJSON] {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var out: [String: CanonicalJSON] = [:]
        for (key, value) in object {
            if let s = value as? String {
                out[key] = .string(s)
            } else if let n = value as? NSNumber {
                out[key] = .number(n.doubleValue, decimals: key == "score" ? 3 : 4)
            }
        }
        return out
    }
}
