import Foundation
import Testing

@testable import Replay

@Suite struct GoldenComparisonTests {
    let csv = "timestamp,metric,value,score,smoothed_score,alert,change\n2026-01-01 00:00:00,a,1.0000,0.500,0.5000,0,0\n"

    @Test func identicalFilesHaveNoDifferences() {
        #expect(GoldenComparison.compare(file: "timeline.csv", expected: csv, got: csv, tolerance: Tolerance()).isEmpty)
    }

    @Test func scoresWithinToleranceAreEqualOutsideAreNamed() {
        let got = csv.replacingOccurrences(of: "0.500,", with: "0.502,")
        var tolerance = Tolerance()
        #expect(GoldenComparison.compare(file: "timeline.csv", expected: csv, got: got, tolerance: tolerance).count == 1)
        tolerance.scoreAbsolute = 0.005
        #expect(GoldenComparison.compare(file: "timeline.csv", expected: csv, got: got, tolerance: tolerance).isEmpty)
        let flipped = csv.replacingOccurrences(of: ",0,0\n", with: ",1,0\n")
        let difference = GoldenComparison.compare(file: "timeline.csv", expected: csv, got: flipped, tolerance: tolerance)
        #expect(difference.map(\.field) == ["alert"])
        #expect(difference[0].line == 2 && difference[0].row == "2026-01-01 00:00:00, a")
    }

    @Test func jsonLinesCompareFieldByField() {
        let expected = #"{"metric":"a","score":0.900,"tags":{"t":"x"},"timestamp":"2026-01-01 00:00:00"}"# + "\n"
        let got = #"{"metric":"a","score":0.910,"tags":{"t":"y"},"timestamp":"2026-01-01 00:00:00"}"# + "\n"
        let differences = GoldenComparison.compare(file: "alerts.jsonl", expected: expected, got: got, tolerance: Tolerance())
        #expect(differences.map(\.field) == ["score", "tags"])
        // Another metric's row at the same time is not a changed row: one is missing, one is extra.
        let other = got.replacingOccurrences(of: #""metric":"a""#, with: #""metric":"b""#)
        let rows = GoldenComparison.compare(file: "alerts.jsonl", expected: expected, got: other, tolerance: Tolerance())
        #expect(rows.map(\.field) == ["missing row", "extra row"])
    }

    @Test func missingAndExtraRowsAreReported() {
        let extra = csv + "2026-01-01 01:00:00,a,2.0000,0.500,0.5000,0,0\n"
        let difference = GoldenComparison.compare(file: "timeline.csv", expected: csv, got: extra, tolerance: Tolerance())
        #expect(difference.count == 1 && difference[0].field == "extra row" && difference[0].expected == "(no row)")
        #expect(difference[0].line == 3 && difference[0].row == "2026-01-01 01:00:00, a", "the output's line and row")
    }

    /// Rows are matched by key: one row missing from the middle is one difference, not a shift
    /// of every row after it.
    @Test func aMissingRowDoesNotShiftTheRowsAfterIt() {
        let rows = (0..<10).map { "2026-01-01 0\($0):00:00,a,\($0).0000,0.100,0.1000,0,0" }
        let header = "timestamp,metric,value,score,smoothed_score,alert,change"
        let golden = ([header] + rows).joined(separator: "\n") + "\n"
        var fewer = rows
        fewer.remove(at: 4)
        let got = ([header] + fewer).joined(separator: "\n") + "\n"
        let differences = GoldenComparison.compare(file: "timeline.csv", expected: golden, got: got, tolerance: Tolerance())
        #expect(differences.count == 1)
        #expect(differences.first?.field == "missing row" && differences.first?.line == 6 && differences.first?.row == "2026-01-01 04:00:00, a")
    }
}
