import Foundation

/// The expected band a chart shades and the series API returns: for each plotted value, the range
/// of values with which it would have scored under the batch's alert threshold, in the metric's
/// own units — what Datadog and Grafana draw around an anomaly-detection series.
///
/// It is drawn from the metric's current model over the rows before each point, so older points
/// are measured against what the model knows now (their stored scores came from the models of
/// their day). It exists where the values are what the detector reads and one detector decides the
/// score: see `unavailable(for:)`; `docs/detectors.md` lists the detectors that draw one.
public enum ExpectedBand {
    /// Why `batch`'s charts carry no band, or nil when they can.
    public static func unavailable(for batch: BatchConfig) -> String? {
        if batch.models.count != 1 { return "it combines \(batch.models.count) detectors" }
        if batch.preprocessFunction != nil { return "its preprocess_fn transforms the values" }
        let p = batch.preprocess
        if p.freq != nil || p.season != nil || p.diffN > 0 || p.smoothN > 1 {
            return "its preprocess_params (freq, season, diff_n or smooth_n) transform the values"
        }
        return nil
    }

    /// The band at each of `values` (a metric's rows, ascending) that has one; empty when the
    /// batch or its detector draws none or the metric has no readable model yet. A model that
    /// cannot be read leaves the chart without a band rather than without a chart.
    public static func load(
        for values: [PlotData.Point], batch: BatchConfig, metric: String, store: any MetricStore, context: JobContext
    ) async throws -> [PlotData.Band] {
        guard unavailable(for: batch) == nil, let config = batch.models.first, let first = values.first?.time else { return [] }
        let key = TrainedModel.storeKey(batch: batch.name, metric: metric, tag: config.tag)
        guard let model = try? await ScoreJob.load(key, context: context) else { return [] }
        // The rows before the first plotted one that a point's score reads.
        let before =
            model.contextRows == 0
            ? []
            : try store.rows(
                MetricQuery(batch: batch.name, names: [metric], types: [.metric], through: first, latest: model.contextRows + 1)
            ).filter { $0.timestamp < first }
        let times = before.map(\.timestamp) + values.map(\.time)
        let x = Preprocessor(params: batch.preprocess).features(timestamps: times, values: before.map(\.value) + values.map(\.value))
        // The values are the rows only while preprocessing drops none (a value out of range would).
        guard x.rows == times.count else { return [] }
        let rows = Array(before.count..<x.rows)
        guard let bands = model.expectedBand(x, rows: rows, alertThreshold: batch.alertThreshold) else { return [] }
        return zip(rows, bands).compactMap { row, band in
            band.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? PlotData.Band(x.timestamps[row], $0) : nil }
        }
    }
}
