import Fixtures
import Foundation
import Testing

@testable import Engine

/// Rows outside what the engine can hold are dropped at ingest, counted and named, and the
/// batch's valid rows are kept (robustness findings D1, D2, D13).
@Suite struct IngestBoundsTests {
    let config = "metric_batch: test\ningest_sql: select 1\n"

    func row(_ ts: SourceValue, _ name: String, _ value: SourceValue) -> SourceRow {
        ["metric_timestamp": ts, "metric_name": .text(name), "metric_value": value]
    }

    @Test func valuesBeyondTheLimitTimesBeyondYear9999AndBadNamesAreDropped() async throws {
        let good = row(.text("2026-01-15 10:00:00"), "ok", .real(1e99))
        let h = try Harness(rows: [
            row(.text("2026-01-15 10:00:00"), "huge", .real(1e308)),
            row(.text("2026-01-15 10:00:00"), "huge", .real(-1.7e308)),
            row(.real(1e30), "far", .real(1)),
            row(.integer(Int64.max), "far", .real(1)),
            row(.text("12026-01-15 10:00:00"), "far", .real(1)),
            row(.text("2026-01-15 10:00:00"), "nul\u{0}name", .real(1)),
            row(.text("2026-01-15 10:00:00"), String(repeating: "n", count: 300), .real(1)),
            good,
        ])
        let outcome = try await IngestJob().run(batch: try batch(config), context: h.context)
        #expect(outcome.rowsWritten == 1)
        #expect(try h.all("test", .metric).map(\.name) == ["ok"])
        #expect(try h.all("test", .metric).map(\.value) == [1e99])
    }

    @Test func eachDropSaysWhichRowAndWhy() throws {
        let converted = try IngestRecords(batch: "test", rounding: 4).convert([
            row(.text("2026-01-15 10:00:00"), "ok", .real(2)),
            row(.text("2026-01-15 10:00:00"), "nul\u{0}name", .real(1)),
            row(.text("2026-01-15 10:00:00"), "huge", .real(1e308)),
        ])
        #expect(converted.dropped == 2)
        #expect(converted.firstProblem == "row 2: metric_name 'nul\\0name' holds the control character U+0000")
    }

    @Test func aNULDoesNotMakeTwoMetricsOne() throws {
        let converted = try IngestRecords(batch: "test", rounding: 4).convert([
            row(.text("2026-01-15 10:00:00"), "cpu", .real(1)),
            row(.text("2026-01-15 10:00:00"), "cpu\u{0}evil", .real(100)),
        ])
        #expect(converted.rows.map(\.value) == [1])
    }

    @Test func timestampsFormatWithoutTrappingWhateverTheDate() {
        #expect(MetricTimestamp.format(Date(timeIntervalSince1970: 1e30)) == "9999-12-31 23:59:59")
        #expect(MetricTimestamp.format(Date(timeIntervalSince1970: -1e30)) == "0001-01-01 00:00:00")
        #expect(MetricTimestamp.parse("1e30") == nil)
        #expect(MetricTimestamp.parse("100000000000000000000") == nil)
        #expect(MetricTimestamp.parse("9999-12-31 23:59:59") != nil)
    }
}

/// An ingest function's output: bounded, decoded a few columns a row, and clear when empty (D8, D16).
@Suite struct IngestFunctionOutputTests {
    let runner = PythonIngestRunner(workingDirectory: FileManager.default.temporaryDirectory)

    @Test func aFunctionThatExitsBeforeReturningSaysSo() throws {
        let source = "import os\ndef ingest():\n    os._exit(0)\n"
        #expect {
            try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        } throws: { error in
            "\(error)".contains("exited (status 0) without handing back any rows") && "\(error)".contains("os._exit()")
        }
    }

    @Test func outputPastTheLimitStopsTheFunction() throws {
        // 300 MiB of one string: past the 256 MiB bound, stopped while it is written.
        let source = "def ingest():\n    return [{'metric_name': 'x' * (300 << 20)}]\n"
        #expect {
            try runner.run(source: source, batch: "b", now: referenceTime, timeout: 120)
        } throws: { error in
            "\(error)".contains("returned more than 256 MiB of rows and was stopped")
        }
    }

    @Test func onlyTheThreeColumnsAreKeptAndKeysMatchInAnyCase() throws {
        let json =
            #"[{"Metric_Timestamp":"2026-01-15 10:00:00","METRIC_NAME":"a","metric_value":1,"extra":"x","more":[1,2]},"#
            + #"{"metric_timestamp":"2026-01-15 11:00:00","metric_name":"a","metric_value":null,"extra":{"k":1}}]"#
        let rows = try IngestRecords.decodeJSON(Data(json.utf8))
        #expect(rows.count == 2)
        #expect(rows[0].keys.sorted() == ["extra", "metric_name", "metric_timestamp", "metric_value", "more"])
        #expect(rows[1].keys.sorted() == ["metric_name", "metric_timestamp", "metric_value"])
        #expect(rows[1]["metric_value"] == .null)
        #expect(rows[0]["metric_value"] == .integer(1))
    }

    @Test func malformedOutputIsNamed() {
        #expect { try IngestRecords.decodeJSON(Data("{\"a\":1}".utf8)) } throws: {
            "\($0)" == "ingest_fn must return a list of records or a DataFrame"
        }
        #expect { try IngestRecords.decodeJSON(Data("[{\"a\":1}, 3]".utf8)) } throws: { "\($0)" == "ingest_fn record 2 is not a mapping" }
        #expect { try IngestRecords.decodeJSON(Data("[{".utf8)) } throws: { "\($0)".hasPrefix("ingest_fn returned output that is not JSON: ") }
    }
}
