import Foundation

/// What the dashboard's home shows for one batch.
public struct BatchCard: Sendable, Hashable {
    public var batch: String
    public var disabled: Bool
    public var metrics: Int
    /// The time of the latest value of any metric.
    public var latestPoint: Date?
    /// The mean score over the window (nil when nothing was scored).
    public var meanScore: Double?
    /// Alerts (score, threshold and LLM) in the window.
    public var alerts: Int
}

/// How one metric of a batch has behaved over a window: what the batch page sorts by.
public struct MetricStanding: Sendable, Hashable {
    public var metric: String
    public var points: Int
    public var latestPoint: Date?
    public var meanScore: Double?
    public var alerts: Int
    /// Alerts per scored point (0 when nothing was scored).
    public var anomalyRate: Double
}

/// Aggregates for the home page and the batch page. Cards read the stores' hourly read model
/// (a lookup per hour, whatever the number of metrics); a batch's ranking reads the rows once per
/// change of the batch's data and is kept in `memo` meanwhile.
public struct BatchOverview: Sendable {
    public let stores: any MetricStores
    /// Where rankings and counts are kept between requests (nil: computed every time).
    public let memo: OverviewMemo?

    public init(stores: any MetricStores, memo: OverviewMemo? = nil) {
        self.stores = stores
        self.memo = memo
    }

    /// One card per batch over the `span` seconds before `now`, counted by whole UTC hours (the
    /// hour holding `now - span` through the hour holding `now`): most alerts first, then by name.
    public func cards(_ batches: [BatchConfig], now: Date, span: TimeInterval) throws -> [BatchCard] {
        let from = now.addingTimeInterval(-span)
        var cards: [BatchCard] = []
        for batch in batches {
            // A request whose client went away stops here rather than reading every batch.
            try Task.checkCancellation()
            let store = try stores.store(table: batch.tableKey)
            let generation = try store.batchGeneration(batch: batch.name)
            let metrics = try kept(batch, "metrics", generation: generation, now: now, timeless: true) {
                try store.metricNames(batch: batch.name, type: .metric).count
            }
            let latest = try store.extent(MetricQuery(batch: batch.name, types: [.metric], through: now, latest: 1)).last
            let totals = try store.hourlyTotals(
                batch: batch.name, types: [.score, .alert, .tholdalert, .llmalert], from: from, through: now)
            let scores = totals[.score]
            let alerts = [MetricType.alert, .tholdalert, .llmalert].reduce(0) { $0 + (totals[$1]?.count ?? 0) }
            cards.append(
                BatchCard(
                    batch: batch.name, disabled: batch.disabled, metrics: metrics, latestPoint: latest,
                    meanScore: scores.map { $0.valueSum / Double($0.count) }, alerts: alerts))
        }
        return cards.sorted { ($1.alerts, $0.batch) < ($0.alerts, $1.batch) }
    }

    /// `compute()`'s value for `batch`, kept in the memo while the batch's generation holds (and,
    /// `timeless`, for `OverviewMemo.timelessAge` rather than the memo's age: it does not move
    /// with the clock).
    private func kept<Value: Sendable>(
        _ batch: BatchConfig, _ question: String, generation: Int64?, now: Date, timeless: Bool = false,
        compute: () throws -> Value
    ) throws -> Value {
        guard let memo else { return try compute() }
        return try memo.value(
            OverviewMemo.Key(table: batch.tableKey, batch: batch.name, question: question), generation: generation, now: now,
            maxAge: timeless ? OverviewMemo.timelessAge : nil, compute: compute)
    }

    /// Which of `standings` (read over `window`) are stale: their latest point is more than the
    /// batch's `dashboard_stale_metric_max_days_ago` days before `now`. Anomstack's stale
    /// metrics, which its dashboard leaves out. A window of the last n points already holds each
    /// metric's latest point; only a span, which may not reach it, reads the latest points.
    public func staleMetrics(
        _ batch: BatchConfig, among standings: [MetricStanding], window: TimeWindow, now: Date
    ) throws -> Set<String> {
        guard batch.dashboardStaleDays > 0 else { return [] }
        let cutoff = now.addingTimeInterval(-Double(batch.dashboardStaleDays) * 86_400)
        var latest: [String: Date] = [:]
        switch window {
        case .lastPoints:
            for standing in standings { latest[standing.metric] = standing.latestPoint }
        case .span:
            let store = try stores.store(table: batch.tableKey)
            let latestPoints = try kept(batch, "latest points", generation: try store.batchGeneration(batch: batch.name), now: now) {
                try store.extentsByMetric(batch: batch.name, types: [.metric], from: nil, latestValues: 1, through: now)
                    .compactMapValues { $0[.metric]?.last }
            }
            for standing in standings { latest[standing.metric] = latestPoints[standing.metric] }
        }
        return Set(latest.compactMap { metric, last in last < cutoff ? metric : nil })
    }

    /// Every metric of `batch` that `filter` matches, over `window`: highest anomaly rate first,
    /// then highest mean score, then by name. The whole batch's ranking is kept per window, and
    /// every search filters it.
    public func standings(_ batch: BatchConfig, window: TimeWindow, now: Date, filter: MetricFilter) throws -> [MetricStanding] {
        let generation = try stores.store(table: batch.tableKey).batchGeneration(batch: batch.name)
        // A ranking over each metric's latest points does not move with the clock; one over a
        // span that ends now does.
        let timeless: Bool
        if case .lastPoints = window { timeless = true } else { timeless = false }
        let all = try kept(batch, "standings \(window)", generation: generation, now: now, timeless: timeless) {
            try computeStandings(batch, window: window, now: now)
        }
        guard !filter.pattern.isEmpty else { return all }
        let matching = Set(try filter.filter(all.map(\.metric)))
        return all.filter { matching.contains($0.metric) }
    }

    private func computeStandings(_ batch: BatchConfig, window: TimeWindow, now: Date) throws -> [MetricStanding] {
        let store = try stores.store(table: batch.tableKey)
        let extents: [String: [MetricType: MetricExtent]]
        switch window {
        case .lastPoints(let n):
            extents = try store.extentsByMetric(
                batch: batch.name, types: [.metric, .score, .alert, .tholdalert, .llmalert], from: nil,
                latestValues: n, through: now)
        case .span(let seconds):
            extents = try store.extentsByMetric(
                batch: batch.name, types: [.metric, .score, .alert, .tholdalert, .llmalert],
                from: now.addingTimeInterval(-seconds), latestValues: nil, through: now)
        }
        var standings: [MetricStanding] = []
        for metric in try store.metricNames(batch: batch.name, type: .metric) {
            let byType = extents[metric] ?? [:]
            let values = byType[.metric]
            let scores = byType[.score]
            let alerts = [MetricType.alert, .tholdalert, .llmalert].reduce(0) { $0 + (byType[$1]?.count ?? 0) }
            let scored = scores?.count ?? 0
            standings.append(
                MetricStanding(
                    metric: metric, points: values?.count ?? 0, latestPoint: values?.last,
                    meanScore: scored > 0 ? scores!.valueSum / Double(scored) : nil,
                    alerts: alerts, anomalyRate: scored > 0 ? Double(alerts) / Double(scored) : 0))
        }
        return standings.sorted {
            ($1.anomalyRate, $1.meanScore ?? -1, $0.metric) < ($0.anomalyRate, $0.meanScore ?? -1, $1.metric)
        }
    }
}
