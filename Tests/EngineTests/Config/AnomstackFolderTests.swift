import Engine
import Fixtures
import Foundation
import Testing

/// Anomstack's own metrics folder (`../shared/peer/anomstack/metrics`) validates as it is: every
/// batch loads, every warning is true (only wall-clock reads, which it has), and its Jinja renders.
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
}
