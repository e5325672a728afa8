import Foundation

/// Train: for each metric, the most recent `train_max_n` points within
/// `train_metric_timestamp_max_days_ago`, preprocessed, fit by every detector in
/// `model_configs` and saved to the model store. A metric with fewer than `train_min_n` points
/// is skipped with a log line. A detector whose training data and settings are unchanged since
/// it was last saved is not refit.
public struct TrainJob: BatchJob {
    public let kind = JobKind.train

    public init() {}

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        let excluded = batch.excluded(for: .train)
        let preprocessor = Preprocessor(params: batch.preprocess)
        let from = now.addingTimeInterval(-Double(batch.trainMaxDaysAgo) * 86_400)
        var outcome = JobOutcome()
        for metric in try store.metricNames(batch: batch.name, type: .metric) where !excluded.contains(metric) {
            let rows = try store.rows(MetricQuery(batch: batch.name, names: [metric], types: [.metric],
                                                  from: from, through: now, latest: batch.trainMaxN))
            guard rows.count >= batch.trainMinN else {
                skip(&outcome, context, "\(metric): \(rows.count) points, train_min_n is \(batch.trainMinN)")
                continue
            }
            let x = preprocessor.features(timestamps: rows.map(\.timestamp), values: rows.map(\.value))
            guard x.rows >= 2 else {
                skip(&outcome, context, "\(metric): \(x.rows) feature rows after preprocessing, need at least 2")
                continue
            }
            for config in batch.models {
                let key = TrainedModel.storeKey(batch: batch.name, metric: metric, tag: config.tag)
                let fingerprint = Self.fingerprint(rows: rows, batch: batch, config: config)
                if let saved = try context.models.load(key: key + ".fingerprint"),
                   String(decoding: saved, as: UTF8.self) == fingerprint {
                    continue
                }
                let model = try TrainedModel.fit(config, on: x, batch: batch.name, metric: metric,
                                                 trainedAt: now, fingerprint: fingerprint)
                try context.models.save(try model.encoded(), key: key)
                try context.models.save(Data(fingerprint.utf8), key: key + ".fingerprint")
                outcome.rowsWritten += 1
            }
        }
        context.logger.info("train \(batch.name): \(outcome.rowsWritten) models saved, \(outcome.skipped.count) metrics skipped")
        return outcome
    }

    private func skip(_ outcome: inout JobOutcome, _ context: JobContext, _ reason: String) {
        outcome.skipped.append(reason)
        context.logger.info("train: skipped \(reason)")
    }

    /// A hash of what a model depends on: the training points and the settings that shape them.
    static func fingerprint(rows: [MetricRow], batch: BatchConfig, config: ModelConfig) -> String {
        var hash = StableHash()
        let p = batch.preprocess
        hash.combine("v1|\(config.name)|\(config.tag)|\(p.diffN)|\(p.smoothN)|\(p.lagsN)|\(p.freq?.seconds ?? 0)|\(p.freqAgg.rawValue)")
        for (key, value) in config.params.sorted(by: { $0.key < $1.key }) { hash.combine("\(key)=\(value)") }
        for row in rows {
            hash.combine(row.timestamp.timeIntervalSince1970)
            hash.combine(row.value)
        }
        return hash.hex
    }
}
