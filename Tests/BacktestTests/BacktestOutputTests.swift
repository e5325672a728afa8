import Engine
import Foundation
import Testing

@testable import Backtest

@Suite struct BacktestOutputTests {
    /// Runs that tie on the ranking share a rank, and the file holds nothing that changes from one
    /// run of the same backtest to the next.
    @Test func tiesShareARankAndTheLeaderboardHoldsNoTimings() {
        var slow = CrossValidationTests.consistent
        slow.label = "slow twin"
        slow.seconds = 99
        let runs = [CrossValidationTests.consistent, CrossValidationTests.inconsistent, slow]
        let ranked = BacktestOutput.ranked(runs, by: "nab_standard")
        let board = BacktestOutput.leaderboard(ranked, by: "nab_standard")
        #expect(board.map(\.[0]) == ["1", "2", "2"])
        #expect(ranked.map(\.label) == ["inconsistent", "consistent", "slow twin"], "ties keep the grid order")
        #expect(!BacktestOutput.leaderboardColumns.contains("seconds"))
        #expect(board[1].dropFirst() == board[2].dropFirst(), "the twins' rows are the same, rank included")
    }
}

/// Trends, silences and stuck runs are counted beside alerts: inside a window or outside it, into
/// the false notifications, and through the results file and back.
@Suite struct BacktestNotificationKindsTests {
    @Test func everyKindCountsAndSurvivesTheResultsFile() throws {
        let times = (0..<200).map { Date(timeIntervalSince1970: 1_400_000_000 + Double($0) * 3_600) }
        let series = NABSeries(path: "k/s.csv", timestamps: times, values: times.map { _ in 1 }, windows: [times[100]...times[110]])
        func marks(_ rows: [Int]) -> [Bool] { times.indices.map { rows.contains($0) } }
        let outcome = Backtester.SeriesOutcome(
            series: series, scores: times.map { _ in 0 }, alerts: marks([]), trends: marks([105, 150]), silences: marks([40, 120]),
            stuck: marks([160]), retrainings: 1)
        let metrics = BacktestMetrics(outcome: outcome, snoozeN: 0)
        #expect(metrics.trends == 2 && metrics.trendWindowsDetected == 1 && metrics.falseTrends == 1)
        #expect(metrics.silences == 2 && metrics.falseSilences == 2 && metrics.stuckRuns == 1 && metrics.falseStuckRuns == 1)
        #expect(metrics.falseNotifications == 4)
        #expect(metrics.falseWatchesPerDay == 3 / metrics.days)

        let output = BacktestOutput(folder: FileManager.default.temporaryDirectory.appendingPathComponent("kinds-\(UUID().uuidString)"))
        try output.writeSeries(outcome)
        let table = try CSVTable.read(output.folder.appendingPathComponent(series.path))
        #expect(try table.numbers("trend").map { $0 == 1 } == outcome.trends)
        #expect(try table.numbers("nodata").map { $0 == 1 } == outcome.silences)
        #expect(try table.numbers("stuck").map { $0 == 1 } == outcome.stuck)
    }
}
