import Foundation
import Logging

/// Train: for each metric, the most recent `train_max_n` points within
/// `train_metric_timestamp_max_days_ago`, preprocessed, fit by every detector in
/// `model_configs` and saved to the model store. A metric with fewer than `train_min_n` points
/// is skipped with a log line. A detector whose training data and settings are unchanged since
/// it was last saved is not refit.
public struct TrainJob: BatchJob {
    public let kind = JobKind.train

    public init() {}

    /// Metrics read and fit together; fits within a chunk run in parallel, reads and writes stay
    /// sequential and in name order, so the result is the same as a serial run.
    static let chunkSize = 64

    /// One metric's detectors that need fitting.
    struct Work: Sendable {
        var metric: String
        var features: FeatureMatrix
        var configs: [ModelConfig]
        var fingerprints: [String]
    }

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        let start = try context.watermarks?.begin(job: kind, batch: batch, store: store, types: [.metric], now: now)
        if let idle = start?.idle { return idle }
        let excluded = batch.excluded(for: .train)
        let metrics = try store.metricNames(batch: batch.name, type: .metric).filter { !excluded.contains($0) }
        var outcome = JobOutcome()
        // The first moment a window read now loses its oldest row to `train_metric_timestamp_max_days_ago`.
        var windowsHoldUntil = Date.distantFuture
        // The settings' part of every metric's fingerprint, hashed once a run, not once a metric.
        let settings = batch.models.map { Self.settingsHash(batch: batch, config: $0) }
        for chunkStart in stride(from: 0, to: metrics.count, by: Self.chunkSize) {
            let chunk = metrics[chunkStart..<min(chunkStart + Self.chunkSize, metrics.count)]
            var work: [Work] = []
            for metric in chunk {
                try Task.checkCancellation()
                var prepared: Work?
                let failure = try await attemptMetric(metric, job: kind, context: context) {
                    prepared = try await prepare(
                        metric: metric, batch: batch, settings: settings, store: store, now: now, context: context,
                        outcome: &outcome, windowsHoldUntil: &windowsHoldUntil)
                }
                if let failure { outcome.failures.append(failure) }
                if let prepared { work.append(prepared) }
            }
            let memo = context.memo
            let seed = context.seed
            let parallelism = context.parallelism
            @Sendable func fit(_ item: Work) -> Result<[TrainedModel], any Error> {
                Result {
                    try zip(item.configs, item.fingerprints).map { config, fingerprint in
                        var random = Xoshiro256(runSeed: seed, scope: batch.name, item.metric, config.tag)
                        return try TrainedModel.fit(
                            config, on: item.features, batch: batch.name, metric: item.metric,
                            trainedAt: now, fingerprint: fingerprint, memo: memo, seed: random.next())
                    }
                }
            }
            // One metric to fit (a steady state's retraining) is fitted here: handing it to
            // another thread and back cost more than many a fit.
            let fitted =
                work.count <= 1 || parallelism == 1
                ? work.map(fit)
                : try await withThrowingTaskGroup(of: (Int, Result<[TrainedModel], any Error>).self) { group in
                    var results: [Result<[TrainedModel], any Error>] = Array(repeating: .success([]), count: work.count)
                    for (index, item) in work.enumerated() {
                        // At most `parallelism` fits at once: wait for one to finish before the next.
                        if index >= parallelism, let (done, models) = try await group.next() { results[done] = models }
                        group.addTask { (index, fit(item)) }
                    }
                    for try await (index, models) in group { results[index] = models }
                    return results
                }
            for (item, models) in zip(work, fitted) {
                let failure = try await attemptMetric(item.metric, job: kind, context: context) {
                    for model in try models.get() {
                        let key = TrainedModel.storeKey(batch: batch.name, metric: model.metric, tag: model.modelTag)
                        try await context.models.save(try model.encoded(), key: key)
                        try await context.models.save(Data(model.fingerprint.utf8), key: key + ".fingerprint")
                        memo?.store(key, model: model)
                        outcome.rowsWritten += 1
                    }
                }
                if let failure { outcome.failures.append(failure) }
            }
        }
        // Every metric is fit to its window: until a row arrives or leaves a window, a run fits
        // nothing and skips what this one skipped, for the same reasons.
        if let watermarks = context.watermarks, outcome.failures.isEmpty {
            try watermarks.end(
                job: kind, batch: batch, store: store, types: [.metric], inputs: start?.inputs, written: 0, now: now,
                holdsUntil: windowsHoldUntil, outcome: JobOutcome(skipped: outcome.skipped))
        }
        context.logger.info(
            "train \(batch.name): \(outcome.rowsWritten) models saved, \(outcome.skipped.count) metrics skipped, \(outcome.failures.count) failed")
        return outcome
    }

    /// Decides which detectors of a metric need fitting and reads its training window if any do.
    /// The fingerprint comes from the window's extent, so an unchanged window is recognised
    /// without reading it.
    private func prepare(
        metric: String, batch: BatchConfig, settings: [StableHash], store: any MetricStore, now: Date, context: JobContext,
        outcome: inout JobOutcome, windowsHoldUntil: inout Date
    ) async throws -> Work? {
        let maxAge = Double(batch.trainMaxDaysAgo) * 86_400
        let window = MetricQuery(
            batch: batch.name, names: [metric], types: [.metric], from: now.addingTimeInterval(-maxAge), through: now, latest: batch.trainMaxN)
        let extent = try store.extent(window)
        if let oldest = extent.first { windowsHoldUntil = min(windowsHoldUntil, oldest.addingTimeInterval(maxAge)) }
        guard extent.count >= batch.trainMinN else {
            skip(&outcome, context, "\(metric): \(extent.count) points, train_min_n is \(batch.trainMinN)")
            return nil
        }
        var configs: [ModelConfig] = []
        var fingerprints: [String] = []
        for (config, settings) in zip(batch.models, settings) {
            let key = TrainedModel.storeKey(batch: batch.name, metric: metric, tag: config.tag)
            let fingerprint = Self.fingerprint(extent: extent, settings: settings)
            if let saved = try await context.models.load(key: key + ".fingerprint"), String(decoding: saved, as: UTF8.self) == fingerprint {
                continue
            }
            configs.append(config)
            fingerprints.append(fingerprint)
        }
        guard !configs.isEmpty else { return nil }
        let rows = try store.rows(window)
        let x = try MetricFeatures(batch: batch, context: context).matrix(
            metric: metric, timestamps: rows.map(\.timestamp), values: rows.map(\.value))
        guard x.rows >= 2 else {
            skip(&outcome, context, "\(metric): \(x.rows) feature rows after preprocessing, need at least 2")
            return nil
        }
        return Work(metric: metric, features: x, configs: configs, fingerprints: fingerprints)
    }

    private func skip(_ outcome: inout JobOutcome, _ context: JobContext, _ reason: String) {
        outcome.skipped.append(reason)
        context.logger.info("train: skipped \(reason)")
    }

    /// The hash of the settings that shape a detector's model: with a window's extent added
    /// (`fingerprint(extent:settings:)`), what the model depends on.
    static func settingsHash(batch: BatchConfig, config: ModelConfig) -> StableHash {
        var hash = StableHash()
        let p = batch.preprocess
        hash.combine("v2|\(config.name)|\(config.tag)|\(p.diffN)|\(p.smoothN)|\(p.lagsN)|\(p.freq?.seconds ?? 0)|\(p.freqAgg.rawValue)")
        if let season = p.season { hash.combine("season|\(season.seconds)") }
        if p.missingData != .skip { hash.combine("missing_data|\(p.missingData.rawValue)") }
        if let own = batch.preprocessFunction { hash.combine("preprocess_fn|\(own)") }
        for (key, value) in config.params.sorted(by: { $0.key < $1.key }) { hash.combine("\(key)=\(value)") }
        return hash
    }

    /// A settings hash with a window's extent added.
    static func fingerprint(extent: MetricExtent, settings: StableHash) -> String {
        var hash = settings
        hash.combine(UInt64(extent.count))
        hash.combine(extent.first?.timeIntervalSince1970 ?? 0)
        hash.combine(extent.last?.timeIntervalSince1970 ?? 0)
        hash.combine(extent.valueSum)
        return hash.hex
    }
}
