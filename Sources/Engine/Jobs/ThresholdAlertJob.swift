import Foundation
import Logging

/// Threshold alerts, as Anomstack's: for each metric of `tholdalert_thresholds`, each of its
/// `tholdalert_recent_n` most recent stored values (not only this run's rows) that lies above
/// `upper` or below `lower` raises a `tholdalert` row (value 1; the bound, limit and value in
/// the metadata) and a notification, unless the metric breached within the previous
/// `tholdalert_snooze_n` points. Runs right after ingest.
public struct ThresholdAlertJob: BatchJob {
    public let kind = JobKind.tholdalert

    public init() {}

    /// Which bound a value breaches, if any.
    public static func breach(_ value: Double, lower: Double?, upper: Double?) -> (bound: String, limit: Double)? {
        if let upper, value > upper { return ("upper", upper) }
        if let lower, value < lower { return ("lower", lower) }
        return nil
    }

    /// The bounds the job checks `metric` against: nil when `tholdalert_thresholds` has none for
    /// it or `tholdalert_exclude_metrics` names it.
    public static func bounds(for metric: String, in batch: BatchConfig) -> (lower: Double?, upper: Double?)? {
        batch.excluded(for: .tholdalert).contains(metric) ? nil : batch.tholdalertThresholds[metric]
    }

    /// Which of the latest `recentN` of `values` (oldest first, as one run reads them) raise a
    /// threshold alert, given the indices `breached` that already did: each that breaches a bound
    /// and is not within `snoozeN` points after an earlier breach (one already recorded, or one
    /// raised earlier in this run). The backtest applies it as the job does.
    public static func decide(
        _ values: [Double], breached: Set<Int>, lower: Double?, upper: Double?,
        recentN: Int, snoozeN: Int
    ) -> [(index: Int, bound: String, limit: Double)] {
        var breached = breached
        var raised: [(index: Int, bound: String, limit: Double)] = []
        for i in max(0, values.count - max(recentN, 1))..<values.count where !breached.contains(i) {
            guard let (bound, limit) = breach(values[i], lower: lower, upper: upper) else { continue }
            if snoozeN > 0 && breached.contains(where: { $0 < i && $0 >= i - snoozeN }) { continue }
            breached.insert(i)
            raised.append((i, bound, limit))
        }
        return raised
    }

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        let recentN = max(batch.tholdalertRecentN, 1)
        let snoozeN = max(batch.tholdalertSnoozeN, 0)
        var rows: [MetricRow] = []
        var notifications: [AlertNotification] = []
        for metric in batch.tholdalertThresholds.keys.sorted() {
            guard let bounds = Self.bounds(for: metric, in: batch) else { continue }
            try Task.checkCancellation()
            let values = try store.rows(
                MetricQuery(
                    batch: batch.name, names: [metric], types: [.metric], through: now,
                    latest: recentN + snoozeN))
            guard let first = values.first else { continue }
            let breachedTimes = Set(
                try store.rows(
                    MetricQuery(
                        batch: batch.name, names: [metric], types: [.tholdalert],
                        from: first.timestamp, through: now)
                ).map(\.timestamp))
            let breached = Set(values.indices.filter { breachedTimes.contains(values[$0].timestamp) })
            for (i, bound, limit) in Self.decide(
                values.map(\.value), breached: breached, lower: bounds.lower, upper: bounds.upper,
                recentN: recentN, snoozeN: snoozeN)
            {
                let point = values[i]
                rows.append(
                    MetricRow(
                        timestamp: point.timestamp, batch: batch.name, name: metric, type: .tholdalert, value: 1,
                        metadata: "{\"bound\":\"\(bound)\",\"limit\":\(Fixed.format(limit, 4)),\"value\":\(Fixed.format(point.value, 4))}"))
                notifications.append(
                    AlertNotification(
                        kind: .tholdalert, batch: batch.name, metric: metric, timestamp: point.timestamp, value: point.value,
                        score: point.value, smoothedScore: point.value, threshold: limit, severity: .critical,
                        details: ["bound": bound], methods: batch.tholdalertMethods, tags: batch.tags(for: metric)))
            }
        }
        try await NotificationOutbox(context: context).post(notifications, batch: batch)
        let written = try store.insert(rows)
        await DeliveryDispatcher(context: context).dispatch(batch: batch)
        context.logger.info("tholdalert \(batch.name): \(written) threshold alerts")
        return JobOutcome(rowsWritten: written)
    }
}
