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
