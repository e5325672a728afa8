import Engine
import Fixtures
import Foundation
import Testing

/// Anomstack's own metrics folder (`../shared/peer/anomstack/metrics`) validates as it is: every
/// batch loads, every warning is true (only wall-clock reads, which it has), and its Jinja renders;
/// the batches that need no network or credentials ingest as they are, and the others say what
/// they miss.
@Suite struct AnomstackFolderTests {
    static let folder = LocalMetricsFolder(
        root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/peer/anomstack/metrics"))

    @Test func everyBatchValidates() throws {
        let report = BatchValidation(folder: Self.folder, environment: [:], overrides: []).validate(now: referenceTime)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.batches.count == 27)
        #expect(report.warnings.allSatisfy { $0.contains("reads the wall clock") }, "\(report.warnings)")
        #expect(report.notes.contains { $0.hasPrefix("defaults/defaults.yaml:") && $0.contains("key 'prompt_fn'") })
        let batches = Dictionary(uniqueKeysWithValues: report.batches.map { ($0.name, $0) })
        #expect(batches["gsod"]?.tableKey == "metrics", "a warehouse path keeps its rows in the store's metrics table")
        #expect(batches["example_jinja"]?[.disabled(.alert)] == false, "disable_alert: False is Anomstack's disable_alerts")
    }

    @Test func itsJinjaRendersAsJinjaWould() throws {
        let batches = BatchLoader(folder: Self.folder).load().batches
        let renderer = TemplateRenderer(folder: Self.folder)
        let jinja = try renderer.render("ingest_sql", of: try #require(batches.first { $0.name == "example_jinja" }), now: referenceTime)
        #expect(jinja.components(separatedBy: "union all").count == 3)
        for metric in ["metric_1", "metric_2", "metric_3"] { #expect(jinja.contains("'\(metric)' as metric_name")) }
        let users = try renderer.render("ingest_sql", of: try #require(batches.first { $0.name == "users" }), now: referenceTime)
        for geo in ["ireland", "usa", "eu"] { #expect(users.contains("users_active_rate_\(geo) as")) }
        #expect(users.components(separatedBy: "union all").count == 9)
        #expect(!users.contains("{%") && !users.contains("}}"))
    }

    /// With the DuckDB CLI and pandas (the test services' virtualenv), each batch's ingest runs
    /// as `engine run ingest` would run it, in a scratch folder.
    @Test func theBatchesThatNeedNoNetworkIngestAsTheyAre() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("anomstack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let environment = [
            "ANOMSTACK_DUCKDB_CLI": try testService("ENGINE_TEST_DUCKDB_CLI", "the DuckDB CLI"),
            "ANOMSTACK_DUCKDB_PATH": scratch.appendingPathComponent("tmpdata/anomstack-duckdb.db").path,
        ]
        let installation = LocalInstallation(
            metricsDirectory: Self.folder.root, databasePath: scratch.appendingPathComponent("engine.db").path,
            // Two of them are disabled in the folder; switched on here to show they would work.
            environment: environment, overrides: ["disable_batch=false"], logger: quietLogger())
        let batches = installation.loadBatches().batches
        let database = try installation.openDatabase()
        var context = try installation.context(
            clock: TestClock(referenceTime), seed: 0, models: InMemoryModelStore(), database: database)
        context.ingestRunner = PythonIngestRunner(python: try testService("ENGINE_TEST_PYTHON", "pandas"), workingDirectory: Self.folder.root)
        var outcomes: [String: String] = [:]
        for name in ["example_jinja", "example_sql_file", "python_ingest_simple", "s3_example_simple", "sales", "users", "gsod", "snowflake_example_simple"] {
            let batch = try #require(batches.first { $0.name == name })
            let run = await JobRunner(context: context).run(.ingest, batch: batch)
            outcomes[name] = run.status == .success ? "\(run.rowsWritten) rows" : run.error ?? "\(run.status)"
        }
        #expect(outcomes["example_jinja"] == "3 rows")
        #expect(outcomes["example_sql_file"]?.hasSuffix("rows") == true, "\(outcomes)")
        #expect(outcomes["python_ingest_simple"]?.hasSuffix("rows") == true, "\(outcomes)")
        #expect(outcomes["s3_example_simple"]?.hasSuffix("rows") == true, "\(outcomes)")
        #expect(outcomes["sales"] == "3 rows", "\(outcomes)")
        #expect(outcomes["users"] == "9 rows", "\(outcomes)")
        #expect(outcomes["gsod"]?.contains("needs ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS") == true, "\(outcomes)")
        #expect(outcomes["snowflake_example_simple"]?.contains("needs ANOMSTACK_SNOWFLAKE_ACCOUNT") == true, "\(outcomes)")
    }
}
