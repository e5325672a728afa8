import Foundation

/// Where a metric stands against its alert rule at its latest scored point, as Prometheus and
/// Grafana show a rule: `firing` (the smoothed score is at or above the threshold and the metric
/// alerted on one of the last `alert_for_n` points), `pending` (at or above the threshold but
/// not alerted yet: counting towards `alert_for_n`, or waiting for the alert job's next run or
/// its snooze), or `ok`.
public enum AlertState: Sendable, Hashable {
    case ok
    /// `reached` of the last `alert_for_n` points are at or above the threshold, `required` must be;
    /// `since` is the first of the run of such points that ends with the latest.
    case pending(since: Date, reached: Int, required: Int)
    case firing(since: Date)

    /// The state of a metric with `scores` (in time order) and alerts at `alerts`, under `batch`'s rule.
    public init(scores: [(time: Date, score: Double)], alerts: Set<Date>, batch: BatchConfig) {
        guard let last = scores.indices.last else {
            self = .ok
            return
        }
        let values = scores.map(\.score)
        let smoothN = batch.alertSmoothN
        let reaches = { (i: Int) in ScoreSmoothing.smoothed(values, at: i, window: smoothN) >= batch.alertThreshold }
        guard reaches(last) else {
            self = .ok
            return
        }
        let recent = max(0, last - batch.alertForN + 1)...last
        if let alerted = recent.first(where: { alerts.contains(scores[$0].time) }) {
            self = .firing(since: scores[alerted].time)
            return
        }
        var start = last
        while start > 0 && reaches(start - 1) { start -= 1 }
        self = .pending(since: scores[start].time, reached: recent.filter(reaches).count, required: batch.alertForM)
    }

    /// `ok`, `pending` or `firing`.
    public var name: String {
        switch self {
        case .ok: return "ok"
        case .pending: return "pending"
        case .firing: return "firing"
        }
    }
}
