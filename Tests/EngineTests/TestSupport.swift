import Engine
import Fixtures
import Foundation
import Logging
import Testing

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// Anomstack's detector settings (`metrics/profiles/anomstack.yaml`: PCA and KNN on smoothed,
/// differenced, lagged values), as YAML to append to a batch: for tests of the jobs written
/// against that two-model stack rather than the shipped NOVELTY default.
let anomstackProfile =
    (try? String(contentsOf: repositoryRoot.appendingPathComponent("metrics/profiles/anomstack.yaml"), encoding: .utf8))
    ?? "anomstack_profile_missing: metrics/profiles/anomstack.yaml could not be read\n"

/// Loads one batch from YAML text (with the built-in defaults), failing the test on errors.
func batch(_ yaml: String, extraFiles: [String: String] = [:]) throws -> BatchConfig {
    var files = extraFiles
    files["test/test.yaml"] = yaml
    return try BatchLoader(folder: InMemoryMetricsFolder(files)).loadValid()[0]
}

/// A job context over an in-memory SQLite database and model store.
struct Harness {
    let database: SQLiteDatabase
    let models = InMemoryModelStore()
    let channel = RecordingChannel()
    let plots = RecordingPlotSink()
    let clock: TestClock
    let source: StaticDataSource
    let folder: any MetricsFolder
    let ingestRunner: any IngestFunctionRunner

    init(
        now: Date = referenceTime, rows: [SourceRow] = [], folder: any MetricsFolder = InMemoryMetricsFolder([:]),
        ingestRunner: any IngestFunctionRunner = CannedIngestRunner()
    ) throws {
        database = try SQLiteDatabase(path: ":memory:")
        clock = TestClock(now)
        source = StaticDataSource(rows: rows)
        self.folder = folder
        self.ingestRunner = ingestRunner
    }

    var context: JobContext {
        JobContext(
            clock: clock, seed: 7, stores: database, models: models, sources: source, ingestRunner: ingestRunner,
            deliveries: database, mutes: database, channels: channel.everyMethod, plots: plots,
            templates: TemplateRenderer(folder: folder), logger: quietLogger())
    }

    func store(_ table: String = "metrics") throws -> any MetricStore { try database.store(table: table) }

    func all(_ batch: String, _ type: MetricType) throws -> [MetricRow] {
        try store().rows(MetricQuery(batch: batch, types: [type]))
    }
}

/// Hourly rows of `type` ending at `end`, for a batch and metric.
func hourly(
    _ values: [Double], batch: String = "test", name: String = "m", type: MetricType = .metric, end: Date = referenceTime
) -> [MetricRow] {
    values.enumerated().map { i, v in
        MetricRow(timestamp: end.addingTimeInterval(Double(i - values.count + 1) * 3600), batch: batch, name: name, type: type, value: v)
    }
}

/// One detector input row per value, an hour apart from `referenceTime`, no lag columns.
func hourlyMatrix(_ values: [Double]) -> FeatureMatrix {
    FeatureMatrix(
        rows: values.count, columns: 1, values: values,
        timestamps: values.indices.map { referenceTime.addingTimeInterval(Double($0) * 3600) })
}

/// The value of a test-service variable that scripts/test-services.sh exports; a missing one
/// fails the test with how to start the services (never a silent skip).
func testService(_ variable: String, _ what: String) throws -> String {
    try TestServices.url(variable)
}

/// What the resolver says about `batch` under `environment`: its error, or "no error".
func resolverError(_ batch: BatchConfig, _ environment: [String: String]) -> String {
    do {
        _ = try LocalDataSourceResolver(database: nil, environment: environment).dataSource(for: batch)
        return "no error"
    } catch { return "\(error)" }
}

/// A new empty folder under the temporary directory; the caller removes it.
func temporaryFolder(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
