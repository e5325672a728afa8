import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct ChannelScoreCacheTests {
    /// Hourly values with a daily cycle (so the seasonal channels run too) and noise.
    func series(_ n: Int, seed: UInt64) -> [Double] {
        var random = Xoshiro256(seed: seed)
        return (0..<n).map { i in 100 + 20 * sin(2 * Double.pi * Double(i % 24) / 24) + random.nextGaussian() }
    }

    func window(_ values: [Double], _ rows: Range<Int>, dropping gone: Set<Int> = []) -> FeatureMatrix {
        let kept = rows.filter { !gone.contains($0) }
        return FeatureMatrix(
            rows: kept.count, columns: 1, values: kept.map { values[$0] },
            timestamps: kept.map { referenceTime.addingTimeInterval(Double($0) * 3600) })
    }

    /// A window moving on by 1, 7 and 300 rows, then one whose middle was backfilled with other
    /// values and one with rows missing: each fit through the memo equals a fit from nothing.
    @Test func aMovingWindowFitsExactlyAsFromNothing() {
        var values = series(2_000, seed: 21)
        let memo = DetectorMemo(channelScoreBudget: .max)
        var windows = [0..<900, 1..<901, 8..<908, 308..<1208].map { window(values, $0) }
        values[1000] += 40
        values[1001] -= 3
        windows.append(window(values, 310..<1210))
        windows.append(window(values, 320..<1220, dropping: [700, 701, 702, 1100]))
        // No floor under the records, so they are the largest scores themselves.
        let params: [String: ConfigValue] = ["record_floor": .int(0)]
        for (index, x) in windows.enumerated() {
            let cached = NoveltyDetector.fit(x, params: params, memo: memo, memoKey: "m")
            let fresh = NoveltyDetector.fit(x, params: params)
            #expect(cached == fresh, "window \(index)")
            #expect(cached.channels.count == 7, "daily and weekly channels run: \(cached.channels.count)")
            #expect(cached.channels.allSatisfy { $0.record > 0 })
        }
        let kept = memo.channelScores("m")
        #expect(kept?.timestamps == windows.last?.timestamps)
        #expect(kept?.shift(to: window(values, 330..<1230).timestamps) == 10)
    }

    /// Rows whose lookback holds inputs the cache has not seen are computed, not taken.
    @Test func onlyRowsWithUnchangedLookbacksAreTaken() throws {
        let channel = ResidualChannel(lag: 0, window: 5, run: 2)
        let old: [Double?] = (0..<40).map { Double($0 % 7) }
        let oldReadings = channel.residuals(old, rows: 0..<40)
        let cache = ChannelScoreCache(timestamps: [], inputs: [0: old], residuals: [channel.shape: oldReadings])
        var new = Array(old.dropFirst(3)) + [9, 1, 2]
        new[20] = 100  // a backfilled value
        let taken = cache.residuals(of: channel, input: new, rows: 0..<new.count, shift: 3)
        #expect(taken == channel.residuals(new, rows: 0..<new.count))
        #expect(taken[21] != oldReadings[24], "the row after the change reads it and is recomputed")
        for floor in [1e-6, 1] {
            #expect(
                taken.map { $0?.score(floor: floor) } == channel.scores(new, rows: 0..<new.count, floor: floor),
                "readings kept before the floor give the scores at any floor")
        }
    }

    @Test func aMemoThatIsNotAskedKeepsNoScores() {
        let memo = DetectorMemo()
        _ = NoveltyDetector.fit(window(series(300, seed: 22), 0..<300), params: [:], memo: memo, memoKey: "m")
        #expect(memo.channelScores("m") == nil)
    }

    /// A budget keeps the metrics that fit in it and admits no more; a kept metric's scores are
    /// replaced as it retrains, and dropped (not kept stale) if they outgrow the budget. Fits
    /// through it still equal fits from nothing.
    @Test func aBudgetKeepsTheMetricsThatFitAndAdmitsNoMore() throws {
        let values = series(1_000, seed: 23)
        let probe = DetectorMemo(channelScoreBudget: .max)
        _ = NoveltyDetector.fit(window(values, 0..<600), params: [:], memo: probe, memoKey: "probe")
        let size = probe.channelScoreBytes
        #expect(size > 600 * 8, "timestamps, inputs and readings: \(size) bytes")
        let memo = DetectorMemo(channelScoreBudget: 2 * size + size / 2)
        for metric in ["a", "b", "c"] {
            _ = NoveltyDetector.fit(window(values, 0..<600), params: [:], memo: memo, memoKey: metric)
        }
        #expect(memo.channelScores("a") != nil && memo.channelScores("b") != nil)
        #expect(memo.channelScores("c") == nil, "the third does not fit")
        #expect(memo.channelScoreBytes == 2 * size)
        let moved = window(values, 1..<601)
        #expect(NoveltyDetector.fit(moved, params: [:], memo: memo, memoKey: "a") == NoveltyDetector.fit(moved, params: [:]))
        #expect(memo.channelScores("a")?.timestamps == moved.timestamps, "replaced in place")
        _ = NoveltyDetector.fit(window(values, 0..<1_000), params: [:], memo: memo, memoKey: "b")
        #expect(memo.channelScores("b") == nil, "outgrew what is left of the budget: dropped")
        #expect(memo.channelScoreBytes == size)
        memo.forget("a")
        #expect(memo.channelScoreBytes == 0)
    }
}
