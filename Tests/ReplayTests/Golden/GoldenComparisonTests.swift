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
        let got = #"{"metric":"b","score":0.900,"tags":{"t":"y"},"timestamp":"2026-01-01 00:00:00"}"# + "\n"
        let differences = GoldenComparison.compare(file: "alerts.jsonl", expected: expected, got: got, tolerance: Tolerance())
        #expect(differences.map(\.field) == ["metric", "tags"])
    }

    @Test func missingAndExtraRowsAreReported() {
        let extra = csv + "2026-01-01 01:00:00,a,2.0000,0.500,0.5000,0,0\n"
        let difference = GoldenComparison.compare(file: "timeline.csv", expected: csv, got: extra, tolerance: Tolerance())
        #expect(difference.count == 1 && difference[0].field == "row" && difference[0].expected == "(no row)")
    }
}
