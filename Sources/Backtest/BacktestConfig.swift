import Engine
import Fixtures
import Foundation

/// The batch configuration a backtest runs: the built-in defaults, then a batch file
/// (`--metrics-config`), then `--set` and sweep assignments, validated like any batch.
public enum BacktestConfig {
    /// Loads the settings; `file` may be a batch YAML without `metric_batch` or an ingest query
    /// (the backtest supplies the data).
    public static func load(file: URL?, overrides: [String]) throws -> BatchConfig {
        var text = ""
        if let file {
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw BacktestError("\(file.path): cannot read: \(error.localizedDescription)")
            }
        }
        do {
            return try StandaloneSettings.load(text: text, name: file?.lastPathComponent ?? "backtest.yaml", batch: "backtest", overrides: overrides)
        } catch let errors as ConfigErrors {
            throw BacktestError(errors.description)
        }
    }
}
