import Foundation

/// The feature rows of one metric, as training and scoring build them: the batch's own
/// `preprocess_fn` when its file sets one (run through the context's Python runner), else the
/// built-in preprocessing of `preprocess_params`.
struct MetricFeatures {
    let batch: BatchConfig
    let context: JobContext

    func matrix(metric: String, timestamps: [Date], values: [Double]) throws -> FeatureMatrix {
        guard batch.preprocessFunction != nil else {
            return Preprocessor(params: batch.preprocess).features(timestamps: timestamps, values: values)
        }
        guard let runner = context.preprocessRunner else {
            throw JobError("\(batch.file): preprocess_fn needs Python, which this run does not have")
        }
        guard !timestamps.isEmpty else { return FeatureMatrix(rows: 0, columns: 1, values: [], timestamps: []) }
        let source = try context.templates.render("preprocess_fn", of: batch, now: context.clock.now)
        // Anomstack passes preprocess_params as keyword arguments; `season` is the engine's own.
        var params = batch[.preprocessParams]
        params["season"] = nil
        return try runner.preprocess(
            source: source, batch: batch.name, metric: metric, timestamps: timestamps, values: values, params: params,
            timeout: batch.ingestFnTimeout)
    }
}
