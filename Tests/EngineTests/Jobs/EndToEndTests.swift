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
        let h = try Harness(
            now: MetricTimestamp.parse("2026-01-15 12:30:00")!, folder: folder,
            ingestRunner: PythonIngestRunner(workingDirectory: folder.root))
        let database = h.database
        let context = JobContext(
            clock: h.clock, seed: 1, stores: database, models: h.models,
            sources: LocalDataSourceResolver(database: database, environment: [:]),
            ingestRunner: h.ingestRunner, deliveries: database, mutes: database,
            channels: h.channel.everyMethod, plots: h.plots, templates: TemplateRenderer(folder: folder),
            logger: quietLogger())
        let runs = await JobRunner(context: context).run(JobKind.pipeline, batches: batches)
        // Threshold alerts are on only in sqlite_orders; its bounds hold.
        let skipped = runs.filter { $0.status == .skipped }.map { "\($0.batch) \($0.job.rawValue)" }
        #expect(skipped == ["python_synthetic tholdalert", "templated_sql tholdalert"])
        #expect(runs.allSatisfy { $0.status != .failed }, "\(runs.filter { $0.status == .failed })")
        let alerts = h.channel.delivered.filter { $0.notification.kind == .alert }
        #expect(
            alerts.map { "\($0.method) \($0.notification.batch)/\($0.notification.metric)" }
                == ["email python_synthetic/synthetic_anomalous", "slack python_synthetic/synthetic_anomalous"])
        #expect(alerts.allSatisfy { $0.attachment != nil })
        // The alert says what the detector expected instead, and the value lies outside it.
        let alert = try #require(alerts.first?.notification)
        let expected = try #require(alert.details["expected"], "an alert under the defaults carries its expected range")
        let bounds = expected.components(separatedBy: " to ").compactMap(Double.init)
        let value = try #require(alert.value)
        #expect(bounds.count == 2 && !(bounds[0]...bounds[1]).contains(value), "\(value) against \(expected)")
        let recorded = try database.store(table: "metrics").jobRuns(batch: nil)
        #expect(recorded.count == batches.count * JobKind.pipeline.count)
        #expect(h.plots.files.keys.contains("python_synthetic/synthetic_anomalous.svg"))
        let sent = h.channel.delivered.count

        let again = await JobRunner(context: context).run(JobKind.pipeline, batches: batches)
        #expect(again.filter { $0.job != .plot }.allSatisfy { $0.rowsWritten == 0 })
        #expect(h.channel.delivered.count == sent)
    }
}
