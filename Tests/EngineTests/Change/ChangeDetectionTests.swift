import Engine
import Fixtures
import Foundation
import Testing

@Suite struct ChangeDetectionTests {
    /// Noise-like reference values with median 10 and MAD 1.
    static let reference: [Double] = [9, 10, 11, 10, 9, 11, 10, 12, 8, 10, 11, 9]

    func detection(threshold: Double = 3.5, lastN: Int = 1, snooze: Int = 3, window: Int = 0) -> ChangeDetection {
        var d = ChangeDetection(threshold: threshold, detectLastN: lastN, snoozeN: snooze, shiftWindowN: window, shiftThreshold: 3.5)
        d.minimumReference = 10
        return d
    }

    @Test func theModifiedZScoreIsIglewiczAndHoaglins() throws {
        let spread = try #require(RobustStatistics.Spread(Self.reference))
        #expect(spread.median == 10 && spread.mad == 1)
        #expect(abs(spread.z(15) - 0.6745 * 5) < 1e-12)
        #expect(abs(spread.z(5) + 0.6745 * 5) < 1e-12)
    }

    @Test func aZeroMADFallsBackToTheMeanAbsoluteDeviation() throws {
        let spread = try #require(RobustStatistics.Spread([5, 5, 5, 5, 5, 5, 7, 3]))
        #expect(spread.mad == 0)
        #expect(abs(spread.scale - 1.2533 * 0.5) < 1e-12)
        let constant = try #require(RobustStatistics.Spread([4, 4, 4, 4]))
        #expect(constant.z(4) == 0)
        #expect(constant.z(4.1) == .infinity && constant.z(3) == -.infinity)
    }

    @Test func aJumpOnTheLastPointIsAChangeAndNoiseIsNot() {
        #expect(detection().detect(Self.reference + [16], flagged: []).map(\.index) == [12])
        #expect(detection().detect(Self.reference + [12], flagged: []).isEmpty)
        #expect(detection().detect(Self.reference + [4], flagged: []).map { $0.z < 0 } == [true])
    }

    @Test func beyondRangeLeavesOutWhatTheReferenceAlreadyHeld() {
        // A metric that spikes to 40 now and then: each spike is far off the median.
        var habit = Self.reference + Self.reference
        habit[5] = 40
        var strict = detection()
        strict.beyondRange = true
        #expect(detection().detect(habit + [39], flagged: []).map(\.index) == [24], "Anomstack's test: a spike is a change")
        #expect(strict.detect(habit + [39], flagged: []).isEmpty, "the reference held a 40: a 39 is the metric's habit")
        #expect(strict.detect(habit + [41], flagged: []).map(\.index) == [24], "beyond the highest: new")
        #expect(strict.detect(habit + [2], flagged: []).map { $0.z < 0 } == [true], "below the lowest: new")
        #expect(strict.detect(habit + [8.5], flagged: []).isEmpty, "within the range and near the median: nothing, as before")
        // A daily swing: the level went up at 12 and was flagged; back down to its old level, it
        // is far from the new level's median but not beyond what the window has held.
        let swing = Self.reference + Array(repeating: 30, count: 12) + [10]
        #expect(detection().detect(swing, flagged: [12]).map(\.index) == [24])
        #expect(strict.detect(swing, flagged: [12]).isEmpty)
    }

    /// `change_smooth_n`: both tests judge the trailing means (Anomstack's smoothing before its
    /// MAD test), so a step shows on the first mean it moves; 1 leaves the values as they are.
    @Test func smoothingJudgesTheTrailingMean() {
        var smoothed = detection(lastN: 3)
        smoothed.smoothN = 3
        for tail in [[10.0, 10, 16], [17, 17, 17], [10, 11, 9]] {
            let values = Self.reference + tail
            #expect(smoothed.detect(values, flagged: []) == detection(lastN: 3).detect(ScoreSmoothing.smoothed(values, window: 3), flagged: []))
        }
        #expect(smoothed.detect(Self.reference + [17, 17, 17], flagged: []).map(\.index) == [12])
        var one = detection(lastN: 3)
        one.smoothN = 1
        #expect(one.detect(Self.reference + [10, 10, 16], flagged: []) == detection(lastN: 3).detect(Self.reference + [10, 10, 16], flagged: []))
    }

    /// The trend test: a slow climb that never leaves the reference's range on any one point is
    /// flagged, up or down; noise, a steady trend the reference already had, and a reference too
    /// short are not.
    @Test func aSlowClimbIsATrend() {
        var trend = detection()
        trend.trendWindowN = 36
        trend.minimumReference = 30
        // Noise of ±1 around 10 for 60 points, then a climb of 0.085 a point for 36 points.
        let noise: [Double] = (0..<96).map { (i: Int) -> Double in 10 + Double((i * 37) % 7 - 3) / 3 }
        let climbing: [Double] = noise.indices.map { (i: Int) -> Double in noise[i] + (i >= 60 ? 0.085 * Double(i - 59) : 0) }
        let flagged = trend.detect(climbing, flagged: [])
        #expect(flagged.map(\.method) == [.trend] && flagged.first?.index == 95 && (flagged.first?.z ?? 0) > 0, "\(flagged)")
        #expect(abs((flagged.first?.start ?? 0) - 60) <= 8, "the climb began at 60: \(flagged.first?.start ?? -1)")
        #expect(detection().detect(climbing, flagged: []).isEmpty, "no point stands out and the level test is off")
        let falling: [Double] = noise.indices.map { (i: Int) -> Double in noise[i] - (i >= 60 ? 0.085 * Double(i - 59) : 0) }
        #expect(trend.detect(falling, flagged: []).first.map { $0.z < 0 } == true)
        #expect(trend.detect(noise, flagged: []).isEmpty)
        let steady: [Double] = noise.indices.map { (i: Int) -> Double in noise[i] + 0.085 * Double(i) }
        #expect(trend.detect(steady, flagged: []).isEmpty, "the same slope as before is no change")
        #expect(trend.detect(Array(climbing.suffix(50)), flagged: []).isEmpty, "14 reference points are too few")
    }

    @Test func wanderIsNotATrend() {
        var trend = detection()
        trend.trendWindowN = 24
        trend.minimumReference = 30
        // A level that wanders: first-order autoregressive noise (each point 0.9 of the one before,
        // plus a step), as a metric's slow drift from hour to hour. Its 24-point slopes stray
        // far more than independent noise's would.
        var random = Xoshiro256(seed: 3)
        var wander = 0.0
        let values: [Double] = (0..<400).map { _ in
            wander = 0.9 * wander + random.nextGaussian()
            return 100 + wander
        }
        var flagged: [Int] = []
        for end in 150...values.count {
            if let change = trend.detect(Array(values[(end - 150)..<end]), flagged: []).first, change.method == .trend { flagged.append(end) }
        }
        #expect(flagged.count <= 3, "ordinary wander flagged as a trend at \(flagged.count) of 251 points")
        // Independent noise is judged as before (aSlowClimbIsATrend): no widening.
        #expect(ChangeDetection.slopeVarianceInflation(residuals: (0..<100).map { _ in random.nextGaussian() }, scale: 1) == 1)
    }

    @Test func tooShortAReferenceFlagsNothing() {
        #expect(detection().detect([1, 1, 1, 50], flagged: []).isEmpty)
    }

    @Test func aFlaggedChangeSnoozesAndStartsANewReference() {
        // The level moves to 30 and stays: one change, then silence while the new level settles.
        let values = Self.reference + [30, 30.5, 29.5, 30, 31]
        #expect(detection(lastN: 5).detect(values, flagged: []).map(\.index) == [12])
        // Ten points into the new level, it is the reference: 30-ish values are no change.
        let settled = Self.reference + [30, 30.5, 29.5, 30, 31, 29, 30, 30.5, 29.5, 30, 31]
        #expect(detection().detect(settled, flagged: [12]).isEmpty)
    }

    @Test func aSmallPersistentShiftIsCaughtOnlyByTheShiftTest() {
        // +1.2 on every point, against noise whose MAD is 0.5: no single point passes 3.5 modified
        // z-scores (0.6745 × 2.2 / 0.5 = 2.97 at most), but twelve of them move the median by 4.5
        // standard errors.
        var values: [Double] = []
        for i in 0..<60 { values.append(10 + [0.5, -0.5, 1, -1, 0, 0.7, -0.7, 0.3, -0.3, 0][i % 10]) }
        for i in 0..<12 { values.append(11.2 + [0.5, -0.5, 1, -1, 0, 0.7][i % 6]) }
        #expect(detection(lastN: 12).detect(values, flagged: []).isEmpty)
        let shifted = detection(window: 12).detect(values, flagged: [])
        #expect(shifted.map(\.method) == [.shift])
        #expect(shifted.first?.index == values.count - 1)
        #expect((shifted.first?.z ?? 0) > 3.5)
        // A lone spike leaves the window's median where it was: the point test's job, not the shift test's.
        let spike = Array(values.prefix(60)) + [30]
        #expect(detection(window: 12).detect(spike, flagged: []).map(\.method) == [.point])
    }

    @Test func theChangeJobWritesEachChangeOnceAndNotifies() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nchange_alert_methods: webhook\nchange_exclude_metrics: [quiet]\n")
        let history = Self.reference + Self.reference + Self.reference + [25]
        try h.store().insert(hourly(history) + hourly(history, name: "quiet"))
        #expect(try await ChangeJob().run(batch: b, context: h.context).rowsWritten == 1)
        #expect(try await ChangeJob().run(batch: b, context: h.context).rowsWritten == 0)
        let rows = try h.all("test", .change)
        #expect(rows.map(\.name) == ["m"] && rows[0].timestamp == referenceTime && rows[0].value == 1)
        #expect(rows[0].metadata == #"{"method":"point","score":10.1175,"reference_median":10.0000,"mad":1.0000,"threshold":3.5000}"#)
        #expect(h.channel.delivered.map(\.method) == ["webhook"])
        #expect(h.channel.delivered[0].message.title == "Δ [m] looks changed (2026-01-15 12:00:00) Δ")
        #expect(h.channel.delivered[0].notification.kind == .change)
    }

    @Test func includeMetricsLimitsTheJob() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nchange_include_metrics: [other]\n")
        try h.store().insert(hourly(Self.reference + Self.reference + Self.reference + [25]))
        #expect(try await ChangeJob().run(batch: b, context: h.context).rowsWritten == 0)
    }
}
