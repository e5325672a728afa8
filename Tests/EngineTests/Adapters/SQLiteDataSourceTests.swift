import Engine
import Foundation
import Testing

/// Text from an SQLite source arrives whole: a NUL inside it is kept, so ingest can refuse the
/// name instead of two metrics that differ after the NUL becoming one (robustness finding D13).
@Suite struct SQLiteDataSourceTests {
    @Test func textKeepsBytesAfterANul() throws {
        let source = SQLiteDataSource(database: try SQLiteDatabase(path: ":memory:"))
        let rows = try source.query("SELECT 'cpu' || char(0) || 'a' AS metric_name, 'plain' AS other, 1.5 AS v, 2 AS i, NULL AS n")
        #expect(rows == [["metric_name": .text("cpu\u{0}a"), "other": .text("plain"), "v": .real(1.5), "i": .integer(2), "n": .null]])
    }

    @Test func twoNamesThatDifferAfterANulAreBothRefusedAtIngest() async throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let rows = try SQLiteDataSource(database: database).query(
            """
            SELECT '2026-01-15 10:00:00' AS metric_timestamp, 'cpu' || char(0) || 'a' AS metric_name, 1 AS metric_value
            UNION ALL SELECT '2026-01-15 10:00:00', 'cpu' || char(0) || 'b', 100
            UNION ALL SELECT '2026-01-15 10:00:00', 'cpu', 5
            """)
        let h = try Harness(rows: rows)
        let outcome = try await IngestJob().run(batch: try batch("metric_batch: test\ningest_sql: select 1\n"), context: h.context)
        #expect(outcome.rowsWritten == 1)
        #expect(try h.all("test", .metric).map(\.value) == [5])
    }
}
