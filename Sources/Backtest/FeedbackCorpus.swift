import Engine
import Foundation

/// Labels from users' feedback, so a backtest can tune on a batch's own history: every metric of
/// the batch with at least one 👍 or 👎 becomes a series, and each 👍 (a confirmed alert) is an
/// anomaly whose window is built as NAB builds its own — `0.10 × rows / anomalies` rows centred on
/// the point, dropped if it reaches into the probationary rows, merged where windows overlap. A 👎
/// adds no window, so alerting there again counts as a false alert.
public enum FeedbackCorpus {
    public static func load(store: any MetricStore, batch: String) throws -> [NABSeries] {
        let feedback = try store.rows(MetricQuery(batch: batch, types: [.thumbsup, .thumbsdown]))
        let metrics = Set(feedback.map(\.name)).sorted()
        return try metrics.compactMap { metric in
            let rows = try store.rows(MetricQuery(batch: batch, names: [metric], types: [.metric]))
            guard !rows.isEmpty else { return nil }
            let times = rows.map(\.timestamp)
            let confirmed = feedback.filter { $0.name == metric && $0.type == .thumbsup }.map(\.timestamp)
            return NABSeries(
                path: "\(PlotJob.fileStem(batch))/\(PlotJob.fileStem(metric)).csv", timestamps: times,
                values: rows.map(\.value), windows: windows(times: times, anomalies: confirmed), metric: metric)
        }
    }

    /// NAB's windows around `anomalies` over `times` (ascending).
    static func windows(times: [Date], anomalies: [Date]) -> [ClosedRange<Date>] {
        guard !anomalies.isEmpty, !times.isEmpty else { return [] }
        let length = Int(0.10 * Double(times.count) / Double(anomalies.count))
        let probation = NABSeries.probation(rows: times.count)
        var ranges: [ClosedRange<Int>] = []
        for anomaly in anomalies.sorted() {
            guard let centre = times.firstIndex(where: { $0 >= anomaly }) else { continue }
            let start = max(centre - length / 2, 0)
            let end = min(centre + length / 2, times.count - 1)
            guard start >= probation else { continue }
            if let last = ranges.last, start <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, end)
            } else {
                ranges.append(start...end)
            }
        }
        return ranges.map { times[$0.lowerBound]...times[$0.upperBound] }
    }
}
