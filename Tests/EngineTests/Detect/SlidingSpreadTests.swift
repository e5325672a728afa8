import Foundation
import Testing

@testable import Engine

@Suite struct SlidingSpreadTests {
    /// The sliding window must give exactly what `RobustStatistics.Spread` gives on the same
    /// values, including ties, an even count and the mean-deviation fallback when the MAD is 0.
    @Test func agreesWithRobustStatisticsAtEveryStep() throws {
        var random = Xoshiro256(seed: 7)
        let series: [Double] = (0..<400).map { i in
            i % 50 < 30 ? 5 : (Double(random.next() % 1000) / 10).rounded()  // long flat runs, then noise with ties
        }
        for window in [1, 2, 7, 30, 101, 256] {
            var spread = SlidingSpread(series[0..<window])
            for end in window..<series.count {
                let reference = try #require(RobustStatistics.Spread(Array(series[(end - window)..<end])))
                #expect(spread.median == reference.median, "window \(window) ending at \(end)")
                #expect(abs(spread.scale - reference.scale) <= 1e-12 * max(1, reference.scale), "window \(window) ending at \(end)")
                spread.slide(out: series[end - window], in: series[end])
            }
        }
    }

    /// Continuous values (no ties) with an outlier now and then, so the median of the
    /// deviations falls on either side of the window's median as it slides.
    @Test func agreesOnSkewedContinuousValues() throws {
        var random = Xoshiro256(seed: 11)
        let series: [Double] = (0..<1_500).map { i in
            let u = Double(random.next() % 1_000_000) / 1_000_000
            return i % 97 == 0 ? 50 + u : (i % 3 == 0 ? u * u : -u)
        }
        for window in [3, 4, 40, 400] {
            var spread = SlidingSpread(series[0..<window])
            for end in window..<series.count {
                let reference = try #require(RobustStatistics.Spread(Array(series[(end - window)..<end])))
                #expect(spread.scale == reference.scale, "window \(window) ending at \(end)")
                spread.slide(out: series[end - window], in: series[end])
            }
        }
    }

    /// A missing value leaving or entering the window only removes or only inserts: the window
    /// holds the values that are there, and agrees with the statistics of those alone.
    @Test func missingValuesAreLeftOut() throws {
        var random = Xoshiro256(seed: 13)
        let series: [Double?] = (0..<600).map { i in
            random.next() % 5 == 0 ? nil : Double(random.next() % 1000) / 10
        }
        for window in [4, 30, 101] {
            var spread = SlidingSpread(series[0..<window].compactMap { $0 })
            for end in window..<series.count {
                let present = series[(end - window)..<end].compactMap { $0 }
                guard !present.isEmpty else {
                    #expect(spread.count == 0)
                    spread.slide(out: series[end - window], in: series[end])
                    continue
                }
                let reference = try #require(RobustStatistics.Spread(present))
                #expect(spread.count == present.count && spread.median == reference.median, "window \(window) ending at \(end)")
                #expect(abs(spread.scale - reference.scale) <= 1e-12 * max(1, reference.scale), "window \(window) ending at \(end)")
                spread.slide(out: series[end - window], in: series[end])
            }
        }
    }
}
