import Foundation
import Logging

/// A metric's chart as the notifications and the LLM alert prompt carry it: the last
/// `alert_max_n` points within `plot_metric_timestamp_max_days_ago`, drawn as PNG.
enum MetricChart {
    /// The chart, or nil (logged) when it cannot be drawn: a chart is never worth an alert.
    static func png(of metric: String, batch: BatchConfig, store: any MetricStore, context: JobContext) async -> Data? {
        do {
            let data = try await PlotData.load(
                store: store, batch: batch, metric: metric, through: context.clock.now,
                maxN: batch.alertMaxN, maxDaysAgo: batch.plotMaxDaysAgo
            ).withBand(batch: batch, store: store, context: context)
            return PNGEncoder.encode(Rasterizer.render(PlotScene(data: data)))
        } catch {
            context.logger.error("\(batch.name): could not draw the chart of \(metric): \(error)")
            return nil
        }
    }
}
