import Engine
import Fixtures
import Foundation
import Testing

/// `engine preview`: the rows an ingest would write, as a table, and nothing written.
@Suite struct IngestPreviewTests {
    @Test func theRowsArePrintedAndNothingIsWritten() async throws {
        let h = try Harness(rows: [
            ["metric_timestamp": .text("2026-01-15 12:00:00"), "metric_name": .text("orders"), "metric_value": .real(12.345678)],
            ["metric_timestamp": .text("2026-01-15 11:00:00"), "metric_name": .text("visits"), "metric_value": .integer(3)],
            ["metric_timestamp": .text("2026-01-15 11:00:00"), "metric_name": .text("orders"), "metric_value": .integer(10)],
        ])
        let preview = try await IngestPreview.run(batch: try batch("metric_batch: test\ningest_sql: select 1\n"), context: h.context)
        #expect(try h.all("test", .metric).isEmpty)
        #expect(
            preview.table(limit: 2) == """
                metric_timestamp     metric_name  metric_value
                2026-01-15 11:00:00  orders       10.0000
                2026-01-15 11:00:00  visits       3.0000
                … 1 more
                3 rows, 2 metrics; nothing was written
                """)
        #expect(preview.table(limit: 10).contains("2026-01-15 12:00:00  orders       12.3457"))
    }
}
