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
    /// Where each batch's alerts over a span are kept while its data is unchanged (nil: read
    /// every time), so paging and filtering a busy feed does not read and decode it again.
    public let memo: OverviewMemo?

    public init(stores: any MetricStores, memo: OverviewMemo? = nil) {
        self.stores = stores
        self.memo = memo
    }

    /// The alerts of `batches` in the `span` seconds before `now` that `filter` admits, newest
    /// first (then batch and metric), page `page` (from 1) of `pageSize`.
    public func page(
        _ batches: [BatchConfig], now: Date, span: TimeInterval, page: Int, pageSize: Int, filter: AlertFilter = AlertFilter()
    ) throws -> AlertPage {
        var all: [AlertEntry] = []
        for batch in batches {
            try Task.checkCancellation()
            all += try entries(batch, now: now, span: span).filter(filter.admits)
        }
        all.sort { ($1.timestamp, $0.batch, $0.metric) < ($0.timestamp, $1.batch, $1.metric) }
        let size = max(pageSize, 1)
        let current = max(page, 1)
        let slice = all.dropFirst((current - 1) * size).prefix(size)
        return AlertPage(entries: Array(slice), total: all.count, page: current, pageSize: size)
    }

    /// Every alert of `batch` in the `span` seconds before `now`, with its verdict.
    func entries(_ batch: BatchConfig, now: Date, span: TimeInterval) throws -> [AlertEntry] {
        let store = try stores.store(table: batch.tableKey)
        guard let memo else { return try Self.read(batch, store: store, now: now, span: span) }
        return try memo.value(
            OverviewMemo.Key(table: batch.tableKey, batch: batch.name, question: "alerts \(span)"),
            generation: try store.batchGeneration(batch: batch.name), now: now
        ) { try Self.read(batch, store: store, now: now, span: span) }
    }

    private static func read(_ batch: BatchConfig, store: any MetricStore, now: Date, span: TimeInterval) throws -> [AlertEntry] {
        let rows = try store.rows(
            MetricQuery(
                batch: batch.name, types: AlertFilter.kinds + [.thumbsup, .thumbsdown], from: now.addingTimeInterval(-span), through: now))
        var feedback: [String: Bool] = [:]
        for row in rows where row.type == .thumbsup || row.type == .thumbsdown {
            feedback["\(row.name)\u{0}\(MetricTimestamp.format(row.timestamp))"] = row.type == .thumbsup
        }
        return rows.filter { AlertFilter.kinds.contains($0.type) }.map { row in
            entry(row, metadata: metadata(of: row), feedback: feedback["\(row.name)\u{0}\(MetricTimestamp.format(row.timestamp))"])
        }
    }

    /// An alert row's metadata object (empty when it has none or it does not parse).
    static func metadata(of row: MetricRow) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data((row.metadata ?? "{}").utf8))) as? [String: Any] ?? [:]
    }

    /// An alert row as the feed lists it: its severity (a threshold alert is critical unless it
    /// says otherwise, any other kind a warning) and its score from the metadata.
    static func entry(_ row: MetricRow, metadata: [String: Any], feedback: Bool?) -> AlertEntry {
        let score = ((metadata["smoothed_score"] ?? metadata["value"] ?? metadata["score"]) as? NSNumber)?.doubleValue
        return AlertEntry(
            batch: row.batch, metric: row.name, timestamp: row.timestamp, kind: row.type,
            severity: metadata["severity"] as? String ?? (row.type == .tholdalert ? "critical" : "warning"),
            score: score, feedback: feedback)
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

    /// Feedback precision of a batch: 👍 / (👍 + 👎) over the span, counted by whole UTC hours
    /// from the store's hourly read model, with the counts.
    public func precision(batch: BatchConfig, now: Date, span: TimeInterval) throws -> (up: Int, down: Int, precision: Double?) {
        let totals = try stores.store(table: batch.tableKey).hourlyTotals(
            batch: batch.name, types: [.thumbsup, .thumbsdown], from: now.addingTimeInterval(-span), through: now)
        let up = totals[.thumbsup]?.count ?? 0
        let down = totals[.thumbsdown]?.count ?? 0
        return (up, down, up + down > 0 ? Double(up) / Double(up + down) : nil)
    }
}

/// One alert with everything stored about it: what the alert page shows.
public struct AlertDetail: Sendable {
    public var entry: AlertEntry
    /// The alert row's metadata (scores, bounds, the language model's explanation), by key.
    public var metadata: [String: String]

    /// The language model's explanation, when one was stored with the alert.
    public var explanation: String? { metadata["explanation"] ?? metadata["llm_explanation"] }
}

extension AlertFeed {
    /// The `kind` alert of `metric` at `timestamp`, or nil when there is none.
    public func detail(_ batch: BatchConfig, metric: String, timestamp: Date, kind: MetricType) throws -> AlertDetail? {
        let store = try stores.store(table: batch.tableKey)
        let rows = try store.rows(
            MetricQuery(batch: batch.name, names: [metric], types: [kind, .thumbsup, .thumbsdown], from: timestamp, through: timestamp))
        guard AlertFilter.kinds.contains(kind), let row = rows.first(where: { $0.type == kind }) else { return nil }
        let object = Self.metadata(of: row)
        var metadata: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let number as NSNumber where !(value is Bool): metadata[key] = CanonicalJSON.number(number.doubleValue, decimals: 4).text
            case let text as String: metadata[key] = text
            default:
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
                metadata[key] = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        let verdict = rows.first { $0.type == .thumbsup || $0.type == .thumbsdown }.map { $0.type == .thumbsup }
        return AlertDetail(entry: Self.entry(row, metadata: object, feedback: verdict), metadata: metadata)
    }
}
