import Engine
import Foundation
import Testing

@testable import Backtest

/// Reading a NAB-layout folder: windows as NAB scores them, and bad input named by file and row.
@Suite struct NABCorpusTests {
    /// A folder with `c/f.csv` (`rows` rows, 5 minutes apart from 2014-04-01) and a labels file.
    static func corpus(rows: Int = 100, labels: String, csv: String? = nil) throws -> (data: URL, labels: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nab-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data/c"), withIntermediateDirectories: true)
        let body = csv ?? (0..<rows).map { "\(stamp($0)),\(Double($0 % 7))" }.joined(separator: "\n")
        try ("timestamp,value\n" + body + "\n").write(to: root.appendingPathComponent("data/c/f.csv"), atomically: true, encoding: .utf8)
        try labels.write(to: root.appendingPathComponent("labels.json"), atomically: true, encoding: .utf8)
        return (root.appendingPathComponent("data"), root.appendingPathComponent("labels.json"))
    }

    static func stamp(_ row: Int) -> String {
        MetricTimestamp.format(Date(timeIntervalSince1970: 1_396_310_400 + Double(row) * 300))
    }

    static func window(_ a: Int, _ b: Int) -> String { "[\"\(stamp(a)).000000\", \"\(stamp(b)).000000\"]" }

    @Test func overlappingWindowsAreOneWindowForTheScoreAndTheEventCounts() throws {
        // Rows 40-60 and 55-70 overlap, 70-72 touches them; 80-85 stands apart. Given out of order.
        let files = try Self.corpus(
            labels: "{\"c/f.csv\": [\(Self.window(80, 85)), \(Self.window(55, 70)), \(Self.window(40, 60)), \(Self.window(70, 72))]}")
        let series = try NABCorpus.load(data: files.data, labels: files.labels)
        let times = series[0].timestamps
        #expect(series[0].windows == [times[40]...times[72], times[80]...times[85]])

        // A detection at row 65 (inside the second label only) finds the merged window once.
        var scores = Array(repeating: 0.0, count: 100)
        scores[65] = 1
        let result = NABScorer(profile: .standard).score(series: series, scores: [scores])
        #expect(result.files[0].windows == 2 && result.files[0].windowsDetected == 1)
        let outcome = Backtester.SeriesOutcome(series: series[0], scores: scores, alerts: scores.map { $0 == 1 }, retrainings: 0)
        let events = BacktestMetrics(outcome: outcome, snoozeN: 0)
        #expect(events.windows == 2 && events.windowsDetected == 1 && events.falseAlerts == 0)
    }

    @Test func aLabelledFileThatIsMissingIsNamed() throws {
        let files = try Self.corpus(labels: "{\"c/f.csv\": [], \"c/gone.csv\": []}")
        let error = #expect(throws: BacktestError.self) { try NABCorpus.load(data: files.data, labels: files.labels) }
        #expect(error?.description.contains("'c/gone.csv' is labelled but") == true)
        #expect(error?.description.contains("c/gone.csv does not exist") == true)
    }

    @Test func aBadWindowIsNamedWithItsFile() throws {
        let files = try Self.corpus(labels: "{\"c/f.csv\": [[\"\(Self.stamp(50))\", \"\(Self.stamp(40))\"]]}")
        let error = #expect(throws: BacktestError.self) { try NABCorpus.load(data: files.data, labels: files.labels) }
        #expect(error?.description.contains("'c/f.csv': bad window") == true)
    }

    @Test func aBadValueIsNamedByFileAndRow() throws {
        let csv = "\(Self.stamp(0)),1\n\(Self.stamp(1)),n/a\n\(Self.stamp(2)),3"
        let files = try Self.corpus(labels: "{\"c/f.csv\": []}", csv: csv)
        let error = #expect(throws: BacktestError.self) { try NABCorpus.load(data: files.data, labels: files.labels) }
        #expect(error?.description.hasSuffix("c/f.csv row 3: bad value 'n/a'") == true)
    }
}
