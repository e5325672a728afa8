import Engine
import Fixtures
import Foundation
import Testing

/// `missing_data`: what a gap means before train and score, on a resampled grid and on the
/// metric's own interval; the filled slots feed the rows after them and are no rows themselves.
@Suite struct MissingDataPolicyTests {
    let nan = Double.nan

    @Test func eachPolicyFillsAsItSays() {
        let series = [1, nan, nan, 4, nan]
        #expect(MissingDataPolicy.zero.fill(series) == [1, 0, 0, 4, 0])
        #expect(MissingDataPolicy.ffill.fill(series) == [1, 1, 1, 4, 4])
        #expect(MissingDataPolicy.interpolate.fill(series).prefix(4) == [1, 2, 3, 4])
        #expect(MissingDataPolicy.interpolate.fill(series)[4].isNaN, "nothing to draw a line to after the last point")
        #expect(MissingDataPolicy.skip.fill(series)[1].isNaN)
    }

    /// Hourly points with three missing hours: with a policy and lags, the point after the gap
    /// gets a row whose lags hold the filled values; the filled hours get none.
    @Test func theMetricsOwnIntervalIsFilledBetweenItsPoints() {
        let times = [0, 1, 2, 6, 7, 8].map { referenceTime.addingTimeInterval(Double($0) * 3600) }
        let values: [Double] = [10, 11, 12, 16, 17, 18]
        var params = PreprocessParams(diffN: 0, smoothN: 0, lagsN: 1)
        let skipped = Preprocessor(params: params).features(timestamps: times, values: values)
        #expect(skipped.rows == 5, "without a policy the gap is invisible: each point's lag is the point before")
        params.missingData = .interpolate
        let filled = Preprocessor(params: params).features(timestamps: times, values: values)
        #expect(filled.timestamps == Array(times.dropFirst()), "rows only for points that came")
        #expect(filled[2, 0] == 16 && filled[2, 1] == 15, "the lag of the point after the gap is the interpolated hour before it")
        params.missingData = .zero
        #expect(Preprocessor(params: params).features(timestamps: times, values: values)[2, 1] == 0)
    }

    @Test func aResampledGridIsFilledInPlace() throws {
        let times = [0, 1, 4].map { referenceTime.addingTimeInterval(Double($0) * 3600) }
        var params = PreprocessParams(diffN: 0, smoothN: 0, lagsN: 0, freq: ResampleFrequency("1h"))
        params.missingData = .ffill
        let x = Preprocessor(params: params).features(timestamps: times, values: [5, 6, 9])
        #expect(x.values == [5, 6, 6, 6, 9], "the resampled hours are rows of their own, as before")
    }

    @Test func anUnknownPolicyIsRefused() {
        let result = BatchLoader(folder: InMemoryMetricsFolder(["t/t.yaml": "metric_batch: t\ningest_sql: select 1\nmissing_data: fill\n"])).load()
        #expect(result.errors.map(\.description) == ["t/t.yaml:3: key 'missing_data': expected one of skip, zero, ffill, interpolate, got 'fill' (did you mean 'ffill'?)"])
    }
}
