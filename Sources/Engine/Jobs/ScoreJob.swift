import Foundation
import Logging

/// Score: for each metric, the points among the last `score_max_n` (within
/// `score_metric_timestamp_max_days_ago`) that have no score yet get one: each detector's
/// probability (raw score min-max scaled against its training scores, clipped to [0, 1]),
/// combined by `model_combination_method` and rounded to `score_metric_rounding` decimals (3 by default). A metric
/// without a trained model is skipped with a log line; the others are scored.
public struct ScoreJob: BatchJob {
    public let kind = JobKind.score

    public init() {}

    /// A metric's detector from the model store, or the copy the memo holds when the store's
    /// fingerprint says it is the same model.
    static func load(_ key: String, context: JobContext) async throws -> TrainedModel? {
        if let memo = context.memo, let fingerprint = try await context.models.load(key: key + ".fingerprint"),
            let model = memo.model(key, fingerprint: String(decoding: fingerprint, as: UTF8.self))
        {
            return model
        }
        guard let data = try await context.models.load(key: key) else { return nil }
        let model = try TrainedModel.decode(data, key: key)
        context.memo?.store(key, model: model)
        return model
    }

    /// Marks a metric's models as stale, so the next training refits them whatever its window.
    static func forget(metric: String, batch: BatchConfig, context: JobContext) async throws {
        for config in batch.models {
            let key = TrainedModel.storeKey(batch: batch.name, metric: metric, tag: config.tag)
            try await context.models.save(Data("unreadable".utf8), key: key + ".fingerprint")
            context.memo?.forget(key)
        }
        context.watermarks?.forget(batch: batch.name)
    }

    /// The series a run reads: a run is idle while none of them changed (`RunWatermarks`).
    static let inputs: [MetricType] = [.metric, .score]

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let round = DecimalRounding(decimals: batch[.scoreRounding])
        let store = try context.store(for: batch)
        let start = try context.watermarks?.begin(job: kind, batch: batch, store: store, types: Self.inputs, now: now)
        if let idle = start?.idle { return idle }
        let excluded = batch.excluded(for: .score)
        let params = batch.preprocess
        let features = MetricFeatures(batch: batch, context: context)
        let earliest = now.addingTimeInterval(-Double(batch.scoreMaxDaysAgo) * 86_400)
        var outcome = JobOutcome()
        var scores: [MetricRow] = []
        for metric in try store.metricNames(batch: batch.name, type: .metric) where !excluded.contains(metric) {
            try Task.checkCancellation()
            let failure = try await attemptMetric(metric, job: kind, context: context) {
                var models: [TrainedModel] = []
                do {
                    for config in batch.models {
                        let key = TrainedModel.storeKey(batch: batch.name, metric: metric, tag: config.tag)
                        guard let model = try await Self.load(key, context: context) else { break }
                        models.append(model)
                    }
                } catch let error as DetectorError {
                    // A corrupt or incompatible model: this metric waits for its retraining; the others are scored.
                    try await Self.forget(metric: metric, batch: batch, context: context)
                    outcome.skipped.append("\(metric): \(error); it will be retrained")
                    context.logger.error("score \(batch.name): skipped \(metric): \(error); it will be retrained")
                    return
                }
                guard models.count == batch.models.count else {
                    outcome.skipped.append("\(metric): no trained model yet")
                    context.logger.info("score \(batch.name): skipped \(metric): no trained model yet")
                    return
                }
                var history: [MetricRow]
                let season = Double(params.season?.seconds ?? 0)
                // Detectors that read a point's past (NOVELTY) need rows before the ones scored.
                let context = models.map(\.contextRows).max() ?? 0
                if let freq = params.freq {
                    let span = Double((batch.scoreMaxN + params.warmup + context + 1) * freq.seconds) + season
                    history = try store.rows(
                        MetricQuery(
                            batch: batch.name, names: [metric], types: [.metric],
                            from: now.addingTimeInterval(-span), through: now))
                } else {
                    history = try store.rows(
                        MetricQuery(
                            batch: batch.name, names: [metric], types: [.metric],
                            through: now, latest: batch.scoreMaxN + params.warmup + context))
                    // A seasonal difference needs the season before the oldest row too.
                    if season > 0, let oldest = history.first {
                        history = try store.rows(
                            MetricQuery(
                                batch: batch.name, names: [metric], types: [.metric],
                                from: oldest.timestamp.addingTimeInterval(-season), through: now))
                    }
                }
                let x = try features.matrix(metric: metric, timestamps: history.map(\.timestamp), values: history.map(\.value))
                let candidates = (max(0, x.rows - batch.scoreMaxN)..<x.rows).filter { x.timestamps[$0] >= earliest }
                guard let first = candidates.first else { return }
                let scored = Set(
                    try store.rows(
                        MetricQuery(
                            batch: batch.name, names: [metric], types: [.score],
                            from: x.timestamps[first], through: now)
                    ).map(\.timestamp))
                let targets = candidates.filter { !scored.contains(x.timestamps[$0]) }
                guard !targets.isEmpty else { return }
                let perModel = models.map { $0.probability(x, rows: targets, alertThreshold: batch.alertThreshold) }
                let combined = targets.indices.map { row in batch.combination.combine(perModel.map { $0[row] }) }
                if let bad = combined.firstIndex(where: { !$0.isFinite }) {
                    throw JobError(
                        "the score at \(MetricTimestamp.format(x.timestamps[targets[bad]])) is not a number; its values or model are out of range")
                }
                for (row, timestamp) in targets.map({ x.timestamps[$0] }).enumerated() {
                    scores.append(
                        MetricRow(
                            timestamp: timestamp, batch: batch.name, name: metric, type: .score,
                            value: round(combined[row])))
                }
            }
            if let failure { outcome.failures.append(failure) }
        }
        outcome.rowsWritten = try store.insert(scores)
        // Every metric scored what it had: until a row arrives, a run finds nothing to score.
        // Unless the store's count says only this run wrote meanwhile, the next run reads. (A
        // resampled window, `from` a time that moves, whose gaps are filled at the window's own
        // interval can place its slots anew as it moves: such a batch is always read.)
        if let watermarks = context.watermarks, outcome.failures.isEmpty, outcome.skipped.isEmpty,
            params.freq == nil || params.missingData == .skip
        {
            try watermarks.end(
                job: kind, batch: batch, store: store, types: Self.inputs, inputs: start?.inputs, written: outcome.rowsWritten, now: now)
        }
        context.logger.info(
            "score \(batch.name): \(outcome.rowsWritten) scores written, \(outcome.skipped.count) metrics skipped, \(outcome.failures.count) failed")
        return outcome
    }
}
