import Foundation
import Logging

/// Draws every metric of a batch (its last `plot_max_n` points within
/// `plot_metric_timestamp_max_days_ago`) as `<metric>.svg` and `<metric>.png` through the plot sink,
/// with the data drawn as `<metric>.json`.
public struct PlotJob: BatchJob {
    public let kind = JobKind.plot

    public init() {}

    /// A metric name as a file name: anything but letters, digits, `.`, `-` and `_` becomes `_`,
    /// and a name that had to change gets a short hash of the original, so `a/b` and `a_b` do
    /// not share a file.
    public static func fileStem(_ metric: String) -> String {
        var stem = String(metric.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        if stem.hasPrefix(".") { stem = "_" + stem.dropFirst() }
        guard stem != metric else { return FileNameComponent.capped(stem, identity: metric) }
        var hash = StableHash()
        hash.combine(metric)
        return FileNameComponent.capped(stem + "-" + String(String(hash.value, radix: 16).suffix(6)), identity: metric)
    }

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        var outcome = JobOutcome()
        for metric in try store.metricNames(batch: batch.name, type: .metric) {
            try Task.checkCancellation()
            let failure = try await attemptMetric(metric, job: kind, context: context) {
                let data = try await PlotData.load(
                    store: store, batch: batch, metric: metric, through: now, maxN: batch.plotMaxN,
                    maxDaysAgo: batch.plotMaxDaysAgo
                ).withBand(batch: batch, store: store, context: context)
                guard !data.values.isEmpty else { return }
                let scene = PlotScene(data: data)
                let stem = Self.fileStem(metric)
                try context.plots.write(batch: batch.name, file: "\(stem).svg", data: Data(SVGRenderer.render(scene).utf8))
                try context.plots.write(batch: batch.name, file: "\(stem).png", data: PNGEncoder.encode(Rasterizer.render(scene)))
                try context.plots.write(batch: batch.name, file: "\(stem).json", data: Data(data.json.utf8))
                outcome.rowsWritten += 1
            }
            if let failure { outcome.failures.append(failure) }
        }
        context.logger.info("plot \(batch.name): \(outcome.rowsWritten) charts")
        return outcome
    }
}
