import Engine
import Fixtures
import Foundation
import Testing

/// `engine run all` on the repository's example batches, with the test clock, a real SQLite
/// database and real Python for the ingest function.
@Suite struct EndToEndTests {
    @Test func theAnomalousMetricAlertsAndTheCleanOnesDoNot() async throws {
        let folder = LocalMetricsFolder(root: repositoryRoot.appendingPathComponent("metrics"))
        let batches = try BatchLoader(folder: folder).loadValid()
        let h = try Harness(now: MetricTimestamp.parse("2026-01-15 12:30:00")!, folder: folder,
                            ingestRunner: PythonIngestRunner(workingDirectory: folder.root))
        let database = h.database
        let context = JobContext(clock: h.clock, seed: 1, stores: database, models: h.models,
                                 sources: LocalDataSourceResolver(database: database, environment: [:]),
                                 ingestRunner: h.ingestRunner, notifier: h.notifier, templates: TemplateRenderer(folder: folder),
                                 logger: quietLogger())
        let runs = await JobRunner(context: context).run(JobKind.allCases, batches: batches)
        #expect(runs.allSatisfy { $0.status == .success }, "\(runs.filter { $0.status != .success })")
        #expect(h.notifier.delivered.map { "\($0.batch)/\($0.metric)" } == ["python_synthetic/synthetic_anomalous"])
        let recorded = try database.store(table: "metrics").jobRuns(batch: nil)
        #expect(recorded.count == 12)

        let again = await JobRunner(context: context).run(JobKind.allCases, batches: batches)
        #expect(again.map(\.rowsWritten) == Array(repeating: 0, count: 12))
        #expect(h.notifier.delivered.count == 1)
    }
}
