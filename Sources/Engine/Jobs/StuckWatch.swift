import Foundation

/// `stuck_factor`: a metric whose latest run of identical values is far longer than any run it
/// made before (at least `stuck_factor` times the longest one among its last `alert_max_n`
/// values, and at least `minimumRun` points) has probably stopped measuring: a frozen gauge, an
/// exporter repeating its last reading. It is announced once per run, stamped with the run's
/// first point, so reruns and later runs of the alert job queue nothing new.
public struct StuckWatch: Sendable {
    public let factor: Double
    /// The shortest run that counts, however regular the metric was before: a few equal values
    /// in a row are ordinary for counters that idle.
    public static let minimumRun = 12

    public init(factor: Double) {
        self.factor = factor
    }

    /// The watch `batch` asks for, or nil when `stuck_factor` is 0.
    public init?(batch: BatchConfig) {
        let factor = batch[.stuckFactor]
        guard factor > 0 else { return nil }
        self.factor = factor
    }

    /// Where the latest run of identical values starts in `values`, when that run is stuck.
    public func stuckRunStart(_ values: [Double]) -> Int? {
        guard let last = values.last else { return nil }
        var start = values.count - 1
        while start > 0, values[start - 1] == last { start -= 1 }
        let run = values.count - start
        var longest = values.isEmpty ? 0 : 1
        var current = 1
        for i in 1..<max(start, 1) where i < start {
            current = values[i] == values[i - 1] ? current + 1 : 1
            longest = max(longest, current)
        }
        // Only a run that follows some history can be "longer than before".
        guard start > 0, Double(run) >= max(Double(Self.minimumRun), factor * Double(longest)) else { return nil }
        return start
    }

    /// What to announce for every metric of `batch` (less `excluded`) at the context's time.
    func notifications(for batch: BatchConfig, store: any MetricStore, excluded: Set<String>, now: Date) throws -> [AlertNotification] {
        var out: [AlertNotification] = []
        for metric in try store.metricNames(batch: batch.name, type: .metric) where !excluded.contains(metric) {
            let rows = try store.rows(
                MetricQuery(batch: batch.name, names: [metric], types: [.metric], through: now, latest: batch.alertMaxN))
            guard let start = stuckRunStart(rows.map(\.value)) else { continue }
            out.append(
                AlertNotification(
                    kind: .stuck, batch: batch.name, metric: metric, timestamp: rows[start].timestamp, value: rows[start].value,
                    score: Double(rows.count - start), smoothedScore: Double(rows.count - start), threshold: factor, severity: .warning,
                    details: ["run": String(rows.count - start), "since": MetricTimestamp.format(rows[start].timestamp)],
                    methods: batch.alertMethods, tags: batch.tags(for: metric)))
        }
        return out
    }
}
