import Foundation
import Testing

@testable import Backtest

@Suite struct RankingMetricsTests {
    @Test func averagePrecisionWeighsEachPositiveByThePrecisionWhereItIsReached() {
        let points: [(score: Double, positive: Bool)] = [(0.9, true), (0.8, false), (0.7, true), (0.1, false)]
        // 0.9 finds half the positives at precision 1, 0.7 the other half at precision 2/3.
        #expect(abs(RankingMetrics.averagePrecision(points) - (0.5 * 1 + 0.5 * 2.0 / 3)) < 1e-12)
        #expect(RankingMetrics.averagePrecision([(0.5, false)]) == 0, "no positives, no area")
        let tied: [(score: Double, positive: Bool)] = [(0.5, true), (0.5, false)]
        #expect(RankingMetrics.averagePrecision(tied) == 0.5, "rows with equal scores enter together")
    }

    @Test func oneRowFindsAWholeWindowUnderPointAdjustment() {
        // One window of 100 rows (15 probationary), rows 50...59; its row 55 scores 0.7, one row
        // outside scores 0.8, every other row 0.
        let start = Date(timeIntervalSince1970: 1_400_000_000)
        let times = (0..<100).map { start.addingTimeInterval(Double($0) * 300) }
        let series = NABSeries(path: "a/s.csv", timestamps: times, values: times.map { _ in 1 }, windows: [times[50]...times[59]])
        var scores = [Double](repeating: 0, count: 100)
        scores[55] = 0.7
        scores[30] = 0.8
        let metrics = RankingMetrics(series: [series], scores: [scores])
        // At 0.7 the window's 10 rows count as found beside one false positive: F1 = 20/21.
        #expect(abs(metrics.pointAdjustedF1 - 20.0 / 21) < 1e-12)
        // Average precision: 0.7 finds 1 of 10 positives at precision 1/2; 0 finds the other 9
        // among all 85 rows.
        #expect(abs(metrics.aucPR - (0.1 * 0.5 + 0.9 * 10.0 / 85)) < 1e-12)
    }
}
