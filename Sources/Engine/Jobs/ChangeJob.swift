import Foundation
import Logging

/// Change detection (Anomstack's change job, which has not fired since late 2024 because its flag
/// is overwritten by a coalesced zero; this one works). For each metric (those of
/// `change_include_metrics` when set, less `change_exclude_metrics`) it reads up to
/// `change_max_n` recent values within `change_metric_timestamp_max_days_ago`, runs
/// `ChangeDetection` over them, and writes a `change` row (value 1, the test's figures in the
/// metadata) for each new change, once, with a notification of kind `change`.
public struct ChangeJob: BatchJob {
    public let kind = JobKind.change

    public init() {}

    /// Whether the job looks at `metric`: one of `change_include_metrics` when that is set, and
    /// not one of `change_exclude_metrics`.
    public static func watches(_ metric: String, in batch: BatchConfig) -> Bool {
        let included = batch.changeIncluded
        return (included.isEmpty || included.contains(metric)) && !batch.excluded(for: .change).contains(metric)
    }

    /// The earliest time a run at `now` reads values from (`change_metric_timestamp_max_days_ago`);
    /// of those, it reads the latest `change_max_n`.
    public static func earliest(at now: Date, batch: BatchConfig) -> Date {
        now.addingTimeInterval(-Double(batch.changeMaxDaysAgo) * 86_400)
    }

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        let from = Self.earliest(at: now, batch: batch)
        let detection = ChangeDetection(batch: batch)
        var rows: [MetricRow] = []
        var notifications: [AlertNotification] = []
        var skipped: [String] = []
        var failures: [MetricFailure] = []
        for metric in try store.metricNames(batch: batch.name, type: .metric) where Self.watches(metric, in: batch) {
            try Task.checkCancellation()
            var metricRows: [MetricRow] = []
            var metricNotifications: [AlertNotification] = []
            let failure = try await attemptMetric(metric, job: kind, context: context) {
                let values = try store.rows(
                    MetricQuery(
                        batch: batch.name, names: [metric], types: [.metric], from: from,
                        through: now, latest: batch.changeMaxN))
                guard let first = values.first else { return }
                if values.count < detection.minimumReference + 1 {
                    skipped.append("\(metric): \(values.count) points, change detection needs \(detection.minimumReference + 1)")
                    return
                }
                let flaggedTimes = Set(
                    try store.rows(
                        MetricQuery(
                            batch: batch.name, names: [metric], types: [.change],
                            from: first.timestamp, through: now)
                    ).map(\.timestamp))
                let flagged = Set(values.indices.filter { flaggedTimes.contains(values[$0].timestamp) })
                for change in detection.detect(values.map(\.value), flagged: flagged) {
                    let point = values[change.index]
                    let z = change.z.isFinite ? change.z : (change.z > 0 ? 1e9 : -1e9)
                    let metadata =
                        "{\"method\":\"\(change.method.rawValue)\",\"score\":\(Fixed.format(z, 4)),"
                        + "\"reference_median\":\(Fixed.format(change.referenceMedian, 4)),\"mad\":\(Fixed.format(change.mad, 4)),"
                        + "\"threshold\":\(Fixed.format(detection.threshold(of: change.method), 4))}"
                    metricRows.append(
                        MetricRow(
                            timestamp: point.timestamp, batch: batch.name, name: metric, type: .change, value: 1,
                            metadata: metadata))
                    metricNotifications.append(
                        AlertNotification(
                            kind: .change, batch: batch.name, metric: metric, timestamp: point.timestamp, value: point.value, score: z,
                            smoothedScore: z,
                            threshold: detection.threshold(of: change.method),
                            severity: .warning,
                            details: Self.details(of: change, values: values),
                            methods: batch.changeMethods, tags: batch.tags(for: metric)))
                }
            }
            if let failure {
                failures.append(failure)
            } else {
                rows += metricRows
                notifications += metricNotifications
            }
        }
        try await NotificationOutbox(context: context).post(notifications, batch: batch)
        let written = try store.insert(rows)
        await DeliveryDispatcher(context: context).dispatch(batch: batch)
        context.logger.info("change \(batch.name): \(written) changes")
        return JobOutcome(rowsWritten: written, skipped: skipped, failures: failures)
    }
}

extension ChangeJob {
    /// A change notification's details; a trend's also say since when (where its line leaves the reference's).
    static func details(of change: ChangeDetection.Change, values: [MetricRow]) -> [String: String] {
        var details = ["method": change.method.rawValue, "reference_median": Fixed.format(change.referenceMedian, 4)]
        if let start = change.start, values.indices.contains(start) {
            details["since"] = MetricTimestamp.format(values[start].timestamp)
        }
        return details
    }
}

extension ChangeDetection {
    /// The threshold the test that flagged a change judges by.
    public func threshold(of method: Method) -> Double {
        switch method {
        case .point: return threshold
        case .shift: return shiftThreshold
        case .trend: return trendThreshold
        }
    }

    /// The change job's tests as `batch` sets them.
    public init(batch: BatchConfig) {
        self.init(
            threshold: batch.changeThreshold, detectLastN: batch.changeDetectLastN, snoozeN: batch.changeSnoozeN,
            shiftWindowN: batch.changeShiftWindowN, shiftThreshold: batch.changeShiftThreshold, beyondRange: batch.changeBeyondRange)
        smoothN = batch[.changeSmoothN]
        trendWindowN = batch[.changeTrendWindowN]
        trendThreshold = batch[.changeTrendThreshold]
    }
}
