import Foundation

/// One alert as the anomalies page and the API list it.
public struct AlertEntry: Sendable, Hashable {
    public var batch: String
    public var metric: String
    public var timestamp: Date
    /// `alert` (score), `tholdalert` (threshold), `llmalert` (the language model) or `change`.
    public var kind: MetricType
    public var severity: String
    /// The smoothed score for a score alert; the value for a threshold alert; the signed
    /// change score for a change.
    public var score: Double?
    /// true for 👍, false for 👎, nil when nobody said.
    public var feedback: Bool?

    /// The id of the notification the alert job sends for this alert, whose deliveries say
    /// whether anyone was told.
    public var notificationID: String? {
        NotificationKind(rawValue: kind.rawValue).map {
            AlertNotification.id(kind: $0, batch: batch, metric: metric, timestamp: timestamp)
        }
    }
}

/// A page of alerts, newest first.
public struct AlertPage: Sendable {
    public var entries: [AlertEntry]
    public var total: Int
    public var page: Int
    public var pageSize: Int
    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
}

/// Reads alerts and their feedback across batches, and records feedback.
public struct AlertFeed: Sendable {
    public let stores: any MetricStores

    public init(stores: any MetricStores) {
        self.stores = stores
    }

    /// The alerts of `batches` in the `span` seconds before `now` that `filter` admits, newest
    /// first (then batch and metric), page `page` (from 1) of `pageSize`.
    public func page(
        _ batches: [BatchConfig], now: Date, span: TimeInterval, page: Int, pageSize: Int, filter: AlertFilter = AlertFilter()
    ) throws -> AlertPage {
        var all: [AlertEntry] = []
        for batch in batches {
            let store = try stores.store(table: batch.tableKey)
            let rows = try store.rows(
                MetricQuery(
                    batch: batch.name, names: filter.metric.map { [$0] }, types: AlertFilter.kinds + [.thumbsup, .thumbsdown],
                    from: now.addingTimeInterval(-span), through: now))
            var feedback: [String: Bool] = [:]
            for row in rows where row.type == .thumbsup || row.type == .thumbsdown {
                feedback["\(row.name)\u{0}\(MetricTimestamp.format(row.timestamp))"] = row.type == .thumbsup
            }
            for row in rows where AlertFilter.kinds.contains(row.type) {
                let metadata = (try? JSONSerialization.jsonObject(with: Data((row.metadata ?? "{}").utf8))) as? [String: Any] ?? [:]
                let score = ((metadata["smoothed_score"] ?? metadata["value"] ?? metadata["score"]) as? NSNumber)?.doubleValue
                let entry = AlertEntry(
                    batch: batch.name, metric: row.name, timestamp: row.timestamp, kind: row.type,
                    severity: metadata["severity"] as? String ?? (row.type == .tholdalert ? "critical" : "warning"),
                    score: score, feedback: feedback["\(row.name)\u{0}\(MetricTimestamp.format(row.timestamp))"])
                if filter.admits(entry) { all.append(entry) }
            }
        }
        all.sort { ($1.timestamp, $0.batch, $0.metric) < ($0.timestamp, $1.batch, $1.metric) }
        let size = max(pageSize, 1)
        let current = max(page, 1)
        let slice = all.dropFirst((current - 1) * size).prefix(size)
        return AlertPage(entries: Array(slice), total: all.count, page: current, pageSize: size)
    }

    /// Records 👍 (`positive`) or 👎 on the alert of `metric` at `timestamp`, replacing any earlier
    /// verdict. Throws when there is no such alert, so feedback cannot invent alerts.
    public func recordFeedback(batch: BatchConfig, metric: String, timestamp: Date, positive: Bool) throws {
        let store = try stores.store(table: batch.tableKey)
        let alert = try store.rows(
            MetricQuery(
                batch: batch.name, names: [metric], types: AlertFilter.kinds, from: timestamp, through: timestamp))
        guard !alert.isEmpty else {
            throw JobError("no alert of \(batch.name)/\(metric) at \(MetricTimestamp.format(timestamp))")
        }
        try store.delete(
            MetricQuery(
                batch: batch.name, names: [metric], types: [positive ? .thumbsdown : .thumbsup],
                from: timestamp, through: timestamp))
        try store.insert([
            MetricRow(
                timestamp: timestamp, batch: batch.name, name: metric, type: positive ? .thumbsup : .thumbsdown,
                value: 1, metadata: nil)
        ])
    }

    /// Feedback precision of a batch: 👍 / (👍 + 👎) over the span, with the counts.
    public func precision(batch: BatchConfig, now: Date, span: TimeInterval) throws -> (up: Int, down: Int, precision: Double?) {
        let store = try stores.store(table: batch.tableKey)
        let from = now.addingTimeInterval(-span)
        let up = try store.extent(MetricQuery(batch: batch.name, types: [.thumbsup], from: from, through: now)).count
        let down = try store.extent(MetricQuery(batch: batch.name, types: [.thumbsdown], from: from, through: now)).count
        return (up, down, up + down > 0 ? Double(up) / Double(up + down) : nil)
    }
}
