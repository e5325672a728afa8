import Engine
import Fixtures
import Foundation
import Testing

@Suite struct IngestJobTests {
    let config = "metric_batch: test\ningest_sql: select * from t where ts <= '{{ now }}'\n"

    func row(_ ts: SourceValue, _ name: SourceValue, _ value: SourceValue) -> SourceRow {
        ["metric_timestamp": ts, "metric_name": name, "metric_value": value]
    }

    @Test func writesRowsRoundedAndRendersNowIntoTheSQL() async throws {
        let h = try Harness(rows: [
            row(.text("2026-01-15 11:00:00"), .text("a"), .real(1.234567)),
            row(.text("2026-01-15T12:00:00Z"), .text("a"), .integer(2)),
        ])
        let outcome = try await IngestJob().run(batch: try batch(config), context: h.context)
        #expect(outcome.rowsWritten == 2)
        #expect(try h.all("test", .metric).map(\.value) == [1.2346, 2])
        #expect(h.source.queries == ["select * from t where ts <= '2026-01-15 12:00:00'"])
    }

    @Test func badRowsAreDroppedAndCountedGoodOnesKept() async throws {
        let h = try Harness(rows: [
            row(.text("not a time"), .text("a"), .real(1)),
            row(.text("2026-01-15 10:00:00"), .text(""), .real(1)),
            row(.text("2026-01-15 10:00:00"), .text("a"), .text("abc")),
            row(.text("2026-01-15 10:00:00"), .text("a"), .real(.nan)),
            row(.text("2026-01-15 10:00:00"), .text("a"), .real(.infinity)),
            row(.text("2026-01-15 10:00:00"), .text("a"), .null),
            row(.text("2026-01-15 10:00:00"), .text("a"), .text("3.5")),
        ])
        let outcome = try await IngestJob().run(batch: try batch(config), context: h.context)
        #expect(outcome.rowsWritten == 1)
        #expect(try h.all("test", .metric).map(\.value) == [3.5])
    }

    @Test func rerunningWritesNothingTwice() async throws {
        let h = try Harness(rows: [row(.text("2026-01-15 10:00:00"), .text("a"), .real(1))])
        let b = try batch(config)
        #expect(try await IngestJob().run(batch: b, context: h.context).rowsWritten == 1)
        h.source.setRows([row(.text("2026-01-15 10:00:00"), .text("a"), .real(9))])
        #expect(try await IngestJob().run(batch: b, context: h.context).rowsWritten == 0)
        #expect(try h.all("test", .metric).map(\.value) == [1])
    }

    @Test func repeatsWithinOneResultAreAveragedWhateverTheirOrder() async throws {
        for order in [[1.0, 9.0, 2.0], [9.0, 2.0, 1.0]] {
            let h = try Harness(rows: order.map { row(.text("2026-01-15 10:00:00"), .text("a"), .real($0)) })
            #expect(try await IngestJob().run(batch: try batch(config), context: h.context).rowsWritten == 1)
            #expect(try h.all("test", .metric).map(\.value) == [4])
        }
    }

    @Test func anEmptyResultIsANoOp() async throws {
        let h = try Harness(rows: [])
        #expect(try await IngestJob().run(batch: try batch(config), context: h.context).rowsWritten == 0)
    }

    @Test func aMissingColumnIsAnErrorNamingTheColumns() async throws {
        let h = try Harness(rows: [["ts": .text("2026-01-15 10:00:00"), "metric_name": .text("a"), "metric_value": .real(1)]])
        await #expect {
            try await IngestJob().run(batch: try batch(config), context: h.context)
        } throws: { error in
            "\(error)".contains("test/test.yaml") && "\(error)".contains("metric_timestamp")
        }
    }

    @Test func ingestFunctionOutputIsParsed() async throws {
        let json =
            #"[{"metric_timestamp": "2026-01-15 10:00:00", "metric_name": "x", "metric_value": 1.5}, {"metric_timestamp": "2026-01-15 11:00:00", "metric_name": "x", "metric_value": null}]"#
        let h = try Harness(ingestRunner: CannedIngestRunner(output: Data(json.utf8)))
        let b = try batch("metric_batch: test\ningest_fn: 'def ingest(): return []'\n")
        #expect(try await IngestJob().run(batch: b, context: h.context).rowsWritten == 1)
    }

    @Test func theSQLiteSourceRunsTheQueryAgainstTheEngineDatabase() async throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let source = LocalDataSourceResolver(database: database, environment: [:])
        let rows = try await source.dataSource(for: try batch(config)).query(
            "select '2026-01-15 10:00:00' as METRIC_TIMESTAMP, 'a' as metric_name, 2.5 as metric_value, 3 as n, null as z")
        #expect(
            rows == [
                [
                    "metric_timestamp": .text("2026-01-15 10:00:00"), "metric_name": .text("a"),
                    "metric_value": .real(2.5), "n": .integer(3), "z": .null,
                ]
            ])
        #expect(throws: JobError.self) { try source.dataSource(for: try batch(config + "db: bigquery\n")) }
    }
}
