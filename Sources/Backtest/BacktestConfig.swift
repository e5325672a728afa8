import Engine
import Fixtures
import Foundation

/// The batch configuration a backtest runs: the built-in defaults, then a batch file
/// (`--metrics-config`), then `--set` and sweep assignments, validated like any batch.
public enum BacktestConfig {
    /// Loads the settings; `file` may be a batch YAML without `metric_batch` or an ingest query
    /// (the backtest supplies the data).
    public static func load(file: URL?, overrides: [String]) throws -> BatchConfig {
        var text = "metric_batch: backtest\ningest_sql: \"-- backtest: rows come from the data folder\"\n"
        if let file {
            let own: String
            do { own = try String(contentsOf: file, encoding: .utf8) } catch {
                throw BacktestError("\(file.path): cannot read: \(error.localizedDescription)")
            }
            text = own
            if !own.contains("metric_batch:") { text = "metric_batch: backtest\n" + text }
            if !own.contains("ingest_sql:") && !own.contains("ingest_fn:") {
                text += "\ningest_sql: \"-- backtest: rows come from the data folder\"\n"
            }
        }
        let name = file?.lastPathComponent ?? "backtest.yaml"
        let result = BatchLoader(folder: InMemoryMetricsFolder(["backtest/\(name)": text]), overrides: overrides).load()
        if !result.errors.isEmpty {
            throw BacktestError(result.errors.map(\.description).joined(separator: "\n"))
        }
        return result.batches[0]
    }
}
