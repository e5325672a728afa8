import Engine
import Foundation
import Testing

@Suite struct PreprocessorTests {
    let start = Date(timeIntervalSince1970: 1_768_435_200)
    func times(_ n: Int, step: Double = 3600) -> [Date] { (0..<n).map { start.addingTimeInterval(Double($0) * step) } }

    @Test func differenceThenTrailingMeanThenLagsDropsTheFirstRows() {
        let values: [Double] = [1, 2, 4, 7, 11, 16, 22]
        let x = Preprocessor(params: PreprocessParams(diffN: 1, smoothN: 2, lagsN: 1)).features(timestamps: times(7), values: values)
        // diffs: _, 1, 2, 3, 4, 5, 6; means of 2: _, _, 1.5, 2.5, 3.5, 4.5, 5.5; rows need the value and lag 1.
        #expect(x.rows == 4)
        #expect(x.columns == 2)
        #expect(x.values == [2.5, 1.5, 3.5, 2.5, 4.5, 3.5, 5.5, 4.5])
        #expect(x.timestamps == Array(times(7)[3...]))
    }

    @Test func defaultChainNeedsEightPointsOfWarmUp() {
        let params = PreprocessParams()
        #expect(params.warmup == 8)
        let x = Preprocessor(params: params).features(timestamps: times(20), values: (0..<20).map { Double($0 * $0) })
        #expect(x.rows == 12)
        #expect(x.columns == 6)
        // Second differences of squares are constant: diff of i² is 2i-1, mean of 3 consecutive is 2i-3.
        #expect(x[0, 0] == 2 * 8 - 3)
        #expect(x[0, 5] == 2 * 3 - 3)
    }

    @Test func lagDifferencesSkipThatManyPoints() {
        let x = Preprocessor(params: PreprocessParams(diffN: 2, smoothN: 0, lagsN: 0)).features(timestamps: times(5), values: [1, 5, 2, 9, 4])
        #expect(x.values == [1, 4, 2])
    }

    @Test func resamplingAggregatesBucketsAndEmptyBucketsDropOut() {
        let stamps = [start.addingTimeInterval(600), start.addingTimeInterval(3000), start.addingTimeInterval(8400)]
        let mean = Preprocessor(params: PreprocessParams(diffN: 0, smoothN: 0, lagsN: 0, freq: ResampleFrequency("1h"), freqAgg: .mean))
            .features(timestamps: stamps, values: [1, 3, 5])
        #expect(mean.values == [2, 5])
        #expect(mean.timestamps == [start, start.addingTimeInterval(7200)])
        let sum = Preprocessor(params: PreprocessParams(diffN: 0, smoothN: 0, lagsN: 0, freq: ResampleFrequency("60min"), freqAgg: .sum))
            .features(timestamps: stamps, values: [1, 3, 5])
        #expect(sum.values == [4, 0, 5])
    }

    @Test func tooShortASeriesGivesNoRows() {
        let x = Preprocessor(params: PreprocessParams()).features(timestamps: times(8), values: Array(repeating: 1, count: 8))
        #expect(x.rows == 0)
    }

    @Test func frequenciesParseInPandasStyle() {
        #expect(ResampleFrequency("15min")?.seconds == 900)
        #expect(ResampleFrequency("H")?.seconds == 3600)
        #expect(ResampleFrequency("1D")?.seconds == 86_400)
        #expect(ResampleFrequency("2W")?.seconds == 1_209_600)
        #expect(ResampleFrequency("1M") == nil)
        #expect(ResampleFrequency("0h") == nil)
    }

    @Test func aSeasonalDifferenceMatchesByTimeAndDropsRowsWithoutASeasonBefore() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        // Hourly points over three days, with a gap: hour 30 is missing.
        let hours = (0..<72).filter { $0 != 30 }
        let times = hours.map { start.addingTimeInterval(Double($0) * 3600) }
        let values = hours.map { Double($0 % 24) * 10 + ($0 >= 48 ? 5 : 0) }
        let p = Preprocessor(params: PreprocessParams(diffN: 0, smoothN: 0, lagsN: 0, season: ResampleFrequency("1D")))
        let x = p.features(timestamps: times, values: values)
        // Day 1 has no day before it, and hour 54 has no hour 30: both dropped.
        #expect(x.rows == 72 - 24 - 1 - 1)
        #expect(x.timestamps.first == start.addingTimeInterval(24 * 3600))
        #expect(!x.timestamps.contains(start.addingTimeInterval(30 * 3600)) && !x.timestamps.contains(start.addingTimeInterval(54 * 3600)))
        #expect(Set(x.values) == [0, 5], "the daily cycle cancels; the day-3 shift of 5 remains")
    }
}
