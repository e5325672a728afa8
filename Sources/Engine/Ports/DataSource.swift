import Foundation

/// One value of a result row from a data source.
public enum SourceValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A result row: column name (lower-cased) to value.
public typealias SourceRow = [String: SourceValue]

/// Runs a batch's rendered `ingest_sql` and hands back its rows.
public protocol DataSource: Sendable {
    func query(_ sql: String) async throws -> [SourceRow]
}

/// Chooses the data source for a batch from its `db` key (and whatever else the adapter reads).
public protocol DataSourceResolver: Sendable {
    func dataSource(for batch: BatchConfig) throws -> any DataSource
}

/// Runs a batch's rendered `ingest_fn` (Python source defining `ingest()`) and returns the
/// JSON array of records it produced; a run past `timeout` seconds is stopped and fails.
public protocol IngestFunctionRunner: Sendable {
    func run(source: String, batch: String, now: Date, timeout: TimeInterval) throws -> Data
}

/// Runs a batch's own `preprocess_fn` (Python source defining Anomstack's
/// `preprocess(df, **preprocess_params)`) over one metric's values and returns the feature rows
/// it made; a run past `timeout` seconds is stopped and fails.
public protocol PreprocessFunctionRunner: Sendable {
    func preprocess(
        source: String, batch: String, metric: String, timestamps: [Date], values: [Double], params: [String: ConfigValue],
        timeout: TimeInterval
    ) throws -> FeatureMatrix
}
