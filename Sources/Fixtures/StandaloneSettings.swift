import Engine
import Foundation

/// A settings file used on its own rather than as part of a metrics folder: a profile such as
/// `metrics/profiles/anomstack.yaml`, or a batch file, whose keys a backtest or a benchmark runs
/// under while it supplies the data itself. A file without `metric_batch` or an ingest key gets
/// placeholders, so a profile of detector keys alone is a valid batch; the result is validated
/// like any batch, and errors name the file.
public enum StandaloneSettings {
    /// The batch `text` (read from a file called `name`) describes, under `batch` unless it names
    /// its own, with `overrides` (`key=value`) laid over it.
    public static func load(text: String, name: String, batch: String, overrides: [String]) throws -> BatchConfig {
        var full = text
        if !text.contains("metric_batch:") { full = "metric_batch: \(batch)\n" + full }
        if !text.contains("ingest_sql:") && !text.contains("ingest_fn:") {
            full += "\ningest_sql: \"-- \(batch): rows come from the \(batch) itself\"\n"
        }
        let result = BatchLoader(folder: InMemoryMetricsFolder(["\(batch)/\(name)": full]), overrides: overrides).load()
        if !result.errors.isEmpty { throw ConfigErrors(result.errors) }
        return result.batches[0]
    }
}
