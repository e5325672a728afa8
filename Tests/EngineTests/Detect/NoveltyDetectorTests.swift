import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct NoveltyDetectorTests {
    func noise(_ n: Int, seed: UInt64, level: Double = 100, sd: Double = 1) -> [Double] {
        var random = Xoshiro256(seed: seed)
        return (0..<n).map { _ in level + sd * random.nextGaussian() }
    }

    @Test func aRecordBreakingSpikeAlertsOnceAndItsTwinDoesNot() {
        var values = noise(1200, seed: 1)
        let training = hourlyMatrix(Array(values.prefix(1000)))
        let detector = NoveltyDetector.fit(training, params: [:])
        #expect(detector.channels.map(\.lag) == [0, 0, 0], "white noise has no daily or weekly cycle")
        #expect(detector.channels.allSatisfy { detector.learnt($0) }, "1000 rows teach every channel its record")
        values[1050] += 30
        values[1140] += 24  // a fifth smaller (local spreads vary by about that much), after the quiet period
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[1050] >= 0.8, "a spike far beyond anything in training")
        #expect(p[1140] < 0.8, "the record now includes the first spike: its twin is no longer new")
        let others = p.indices.filter { $0 >= 1000 && $0 != 1050 && $0 != 1140 }.map { p[$0] }
        #expect(others.allSatisfy { $0 < 0.8 }, "ordinary noise stays under the threshold: \(others.max() ?? 0)")
    }

    /// The raw score a likelihood calibration reads: the largest channel residual at every row,
    /// before records and quiet periods.
    @Test func itsRawScoreIsTheLargestChannelResidualAtEveryRow() throws {
        var values = noise(600, seed: 4)
        values[500] += 20
        let x = hourlyMatrix(values)
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(400))), params: [:])
        let raw = detector.residuals(x)
        #expect(raw[0] == 0, "no channel has context at the first row")
        #expect(raw[500] > 10, "the spike, in robust z-scores: \(raw[500])")
        let ordinary = raw[100..<500].sorted()[200]
        #expect(ordinary > 0.3 && ordinary < 3, "noise residuals are a few z-scores: \(ordinary)")
        let config = ModelConfig(name: "NOVELTY", tag: "n", params: ["calibration": .string("likelihood"), "likelihood_short_n": .int(1)])
        let model = try TrainedModel.fit(
            config, on: hourlyMatrix(Array(values.prefix(400))), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        let p = model.probability(x, rows: Array(400..<600))
        let loud = p.indices.filter { p[$0] >= 0.8 }
        #expect(p[100] == 1 && loud.allSatisfy { (100...103).contains($0) }, "the spike and its echo in the 3-point shift channel: \(loud)")
    }

    /// A record is at least `record_floor` robust z-scores, so on a short, clean history a
    /// 4-sigma wobble does not alert and 8 sigma does.
    @Test func theRecordFloorKeepsAShortCleanHistoryQuiet() {
        var values = noise(400, seed: 6)
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(200))), params: [:])
        #expect(detector.channels.allSatisfy { $0.record >= 5 })
        values[300] += 4.2  // sd 1: about 4 robust z-scores from the local median
        values[370] += 8
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[300] < 0.8)
        #expect(p[370] >= 0.8)
        let unfloored = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(200))), params: ["record_floor": .int(0)])
        #expect(unfloored.channels.contains { $0.record < 4 }, "200 points of noise teach some channel a record under 4")
    }

    /// A residual is measured in spreads of at least `resolution` (0.01) of the range training
    /// spans: a metric that swung over 80 units and has since gone nearly flat does not alert on
    /// a wobble of half a unit, which is many of its current tiny spreads but nothing against
    /// what it does; a fall of 30 still alerts.
    @Test func aWobbleSmallerThanTheResolutionOfTheMetricsRangeDoesNotAlert() {
        var values = noise(500, seed: 11, level: 0, sd: 10) + noise(700, seed: 12, level: 0, sd: 0.01)
        let training = hourlyMatrix(Array(values.prefix(1000)))
        let detector = NoveltyDetector.fit(training, params: [:])
        let range = (values.prefix(1000).max() ?? 0) - (values.prefix(1000).min() ?? 0)
        #expect(abs(detector.floor - 0.01 * range) < 1e-6, "the spread floor is a hundredth of the range: \(detector.floor)")
        values[1050] += 0.5
        values[1150] -= 30
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[1050] < 0.8, "half a unit on a metric that spans \(range): \(p[1050])")
        #expect(p[1150] >= 0.8, "a fall of 30 is far beyond the floor")
        let fine = NoveltyDetector.fit(training, params: ["resolution": .int(0)])
        #expect(fine.probability(hourlyMatrix(values))[1050] >= 0.8, "without the resolution, the wobble is 30 tiny spreads")
    }

    /// An error counter that is mostly 0, now and then 1 or 2: a 1 after a long quiet stretch is
    /// one step of the count, not an incident (its spread is never less than that step), and a
    /// burst of 12 is.
    @Test func aCountMovingByOneIsNotNewsAndABurstIs() {
        var random = Xoshiro256(seed: 4)
        var values = (0..<1200).map { _ -> Double in
            let u = random.nextUnit()
            return u < 0.04 ? 2 : u < 0.12 ? 1 : 0
        }
        for i in 1000..<1100 { values[i] = 0 }
        values[1100] = 2
        values[1101] = 2
        values[1160] = 12
        let training = hourlyMatrix(Array(values.prefix(1000)))
        #expect(NoveltyDetector.quantum(Array(values.prefix(1000))) == 1)
        let detector = NoveltyDetector.fit(training, params: [:])
        #expect(detector.floor >= 1, "a count's step: \(detector.floor)")
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[1100] < 0.8 && p[1101] < 0.8, "two 2s after a hundred quiet hours: \(p[1100]), \(p[1101])")
        #expect(p[1160] >= 0.8, "a burst of 12: \(p[1160])")
        let unstepped = NoveltyDetector.fit(training, params: ["quantum_steps": .int(0)])
        #expect(unstepped.probability(hourlyMatrix(values))[1100] >= 0.8, "without the step, the quiet window's tiny spread makes the first 2 news")
    }

    @Test func aStepIsTheSmallestGapBetweenThreeOrMoreDistinctValues() {
        #expect(NoveltyDetector.quantum([0, 3, 1, 2, 2, 0]) == 1)
        #expect(abs(NoveltyDetector.quantum([10.25, 10.5, 10.75, 10.5]) - 0.25) < 1e-12, "a gauge rounded to quarters")
        #expect(NoveltyDetector.quantum([0, 20, 0, 20, 20]) == 0, "an on/off metric: its step is its signal")
        #expect(NoveltyDetector.quantum([5, 5, 5]) == 0)
        #expect(NoveltyDetector.quantum([]) == 0)
        let fine = (0..<500).map { Double($0) / 7 }
        #expect(abs(NoveltyDetector.quantum(fine) - 1.0 / 7) < 1e-9)
        #expect(NoveltyDetector.quantum(fine, distinctLimit: 102) == 0, "past the limit the resolution covers the step")
    }

    /// A metric first seen at midnight, five-minutely: low at night, high from 09:00 to 19:00.
    /// Its first morning rise beats anything the night showed; it is the day's pattern, not an
    /// incident, so no channel votes until its record covers a day (half of `learn_days` 2), and
    /// in the second day only against a record of `learn_floor`.
    @Test func aYoungMetricsFirstDailySwingDoesNotAlert() {
        let random = noise(3 * 288, seed: 9, level: 0, sd: 0.5)
        let values = random.indices.map { i in ((i % 288) >= 108 && (i % 288) < 228 ? 80.0 : 20.0) + random[i] }
        let x = { (n: Int) in
            FeatureMatrix(
                rows: n, columns: 1, values: Array(values.prefix(n)),
                timestamps: (0..<n).map { referenceTime.addingTimeInterval(Double($0) * 300) })
        }
        let morning = 100  // trained on the night, 00:00 to 08:15
        let young = NoveltyDetector.fit(x(morning), params: [:])
        #expect(young.learnRows == 576 && young.learnFloor == 20)
        #expect(young.probability(x(288)).allSatisfy { $0 < 0.8 }, "the first rise (09:00) and fall (19:00) are not incidents")
        let eager = NoveltyDetector.fit(x(morning), params: ["learn_days": .int(0)])
        #expect(eager.probability(x(288))[108] >= 0.8, "without the day of learning, the first rise alerts")

        // Two days in, a real incident on the third (16:40) still alerts.
        var incident = values
        incident[2 * 288 + 200] += 200
        let grown = NoveltyDetector.fit(x(2 * 288), params: [:])
        let p = grown.probability(
            FeatureMatrix(
                rows: incident.count, columns: 1, values: incident,
                timestamps: incident.indices.map { referenceTime.addingTimeInterval(Double($0) * 300) }))
        #expect(p[2 * 288 + 200] >= 0.8)
    }

    @Test func aQuietPeriodFollowsAnAlert() {
        var values = noise(600, seed: 2)
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(500))), params: ["quiet_n": .int(10)])
        values[520] += 20
        values[525] += 60  // bigger still, but within the quiet period
        values[540] += 200  // bigger again, after it
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[520] >= 0.8 && p[525] < 0.8 && p[540] >= 0.8)
        #expect(p[525] == 0.799, "held a rounding step under the threshold, so it does not look recovered either")
    }

    /// The hold follows the batch's alert threshold: under a lower one the rest of the incident
    /// does not alert, and a later point that would alert on its own is held close enough under
    /// any threshold not to count towards recovery.
    @Test func aQuietPeriodHoldsUnderTheBatchThreshold() {
        var values = noise(600, seed: 2)
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(500))), params: ["quiet_n": .int(10)])
        values[520] += 60
        values[525] += 600
        for threshold in [0.5, 0.7, 0.9, 0.95] {
            let p = detector.probability(hourlyMatrix(values), alertThreshold: threshold)
            #expect(p[520] >= threshold, "threshold \(threshold): the first point alerts")
            #expect(p[525] < threshold && p[525] > threshold - AlertJob.recoveryMargin, "threshold \(threshold): held at \(p[525])")
            #expect((521...530).allSatisfy { p[$0] < threshold }, "threshold \(threshold): nothing in the quiet period alerts")
        }
        #expect(NoveltyDetector.heldProbability(under: 0.8005) == 0.8)
        #expect(NoveltyDetector.heldProbability(under: 0) == 0)
    }

    @Test func aDayThatBreaksTheDailyPatternIsCaughtByTheSeasonalChannel() {
        let day: [Double] = (0..<24).map { hour in 100 + 20 * sin(2 * Double.pi * Double(hour) / 24) }
        let jitter = noise(40 * 24, seed: 3, level: 0, sd: 0.5)
        var values: [Double] = jitter.indices.map { i in day[i % 24] + jitter[i] }
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(30 * 24))), params: [:])
        #expect(detector.channels.map(\.lag) == [0, 0, 0, 24, 24, 168, 168])
        // Day 35 stays flat at the daily mean through its peak: every value is within the normal range.
        for hour in 2..<10 { values[35 * 24 + hour] = 100 }
        let p = detector.probability(hourlyMatrix(values))
        let flat = (35 * 24)..<(35 * 24 + 10)
        #expect(flat.contains { p[$0] >= 0.8 }, "the flattened peak alerts")
        #expect((30 * 24..<35 * 24).allSatisfy { p[$0] < 0.8 }, "ordinary days before it do not")
    }

    /// The expected band is where the score crosses the alert threshold: on a daily cycle, a
    /// value 1% of the band's width outside it alerts and 1% inside does not, on either side; every
    /// ordinary value lies inside its band.
    @Test func theExpectedBandIsWhereTheScoreCrossesTheThreshold() throws {
        let day: [Double] = (0..<24).map { hour in 100 + 20 * sin(2 * Double.pi * Double(hour) / 24) }
        let jitter = noise(36 * 24, seed: 7, level: 0, sd: 0.5)
        let values: [Double] = jitter.indices.map { i in day[i % 24] + jitter[i] }
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(30 * 24))), params: [:])
        let bands = try #require(detector.expectedBand(hourlyMatrix(values), alertThreshold: 0.8))
        let scored = (30 * 24)..<values.count
        #expect(scored.allSatisfy { bands[$0]?.contains(values[$0]) == true }, "ordinary values lie inside their band")
        #expect(bands[20 * 24]?.contains(values[20 * 24]) == true, "rows the training covered have a band too")
        for t in [31 * 24 + 5, 33 * 24 + 14, 35 * 24 + 22] {
            let band = try #require(bands[t])
            let step = 0.01 * (band.upperBound - band.lowerBound)
            for (value, alerts) in [
                (band.upperBound + step, true), (band.upperBound - step, false), (band.lowerBound - step, true), (band.lowerBound + step, false),
            ] {
                var probe = Array(values.prefix(t + 1))
                probe[t] = value
                let p = detector.probability(hourlyMatrix(probe))[t]
                #expect((p >= 0.8) == alerts, "row \(t), value \(value) against \(band): \(p)")
            }
        }
        let narrower = try #require(detector.expectedBand(hourlyMatrix(values), alertThreshold: 0.6))
        let nested = scored.allSatisfy { t in
            guard let wide = bands[t], let narrow = narrower[t] else { return false }
            return wide.lowerBound < narrow.lowerBound && narrow.upperBound < wide.upperBound
        }
        #expect(nested, "a lower threshold expects a narrower range")
    }

    /// Until a channel has learnt enough to vote, nothing is expected of a value, and no band is drawn.
    @Test func aModelThatHasNotLearntDrawsNoBand() throws {
        let values = noise(40, seed: 8)
        let detector = NoveltyDetector.fit(hourlyMatrix(Array(values.prefix(20))), params: [:])
        let bands = try #require(detector.expectedBand(hourlyMatrix(values), alertThreshold: 0.8))
        #expect(bands[20] == nil, "20 hourly rows teach no channel (a day's learning is 24 rows at least)")
    }

    /// Rows missing from the data (a 12-hour outage) do not shift the seasonal channels: they
    /// compare each hour with the same hour a day earlier by time, not by counting rows.
    @Test func aGapInTheDataDoesNotShiftTheDay() {
        let day: [Double] = (0..<24).map { hour in 100 + 20 * sin(2 * Double.pi * Double(hour) / 24) }
        let jitter = noise(40 * 24, seed: 5, level: 0, sd: 0.5)
        let all = FeatureMatrix(
            rows: jitter.count, columns: 1, values: jitter.indices.map { day[$0 % 24] + jitter[$0] },
            timestamps: jitter.indices.map { referenceTime.addingTimeInterval(Double($0) * 3600) })
        let kept = all.timestamps.indices.filter { !(35 * 24 + 6..<35 * 24 + 18).contains($0) }
        let withGap = all.selecting(kept)
        let detector = NoveltyDetector.fit(all.selecting(Array(0..<(30 * 24))), params: [:])
        #expect(detector.spacing == 3600 && detector.channels.contains { $0.lag == 24 })
        let p = detector.probability(withGap)
        let loud = p.indices.filter { $0 >= 30 * 24 && p[$0] >= 0.8 }
        #expect(loud.isEmpty, "no alert after the gap: \(loud.map { (withGap.timestamps[$0], p[$0]) })")
    }

    /// A sensor that drops a reading every day or two still has its daily channel: each missing
    /// row leaves a hole in the day-earlier differences, and a hole is left out of a window
    /// rather than blinding the channel for the window's length, so a jump the day's pattern
    /// cannot explain alerts though it comes less than a window after the last gap.
    @Test func readingsLostNowAndThenDoNotBlindTheDailyChannel() {
        let day: [Double] = (0..<24).map { hour in 21 + 2 * sin(2 * Double.pi * Double(hour) / 24) }
        let jitter = noise(16 * 24, seed: 11, level: 0, sd: 0.2)
        var values = jitter.indices.map { day[$0 % 24] + jitter[$0] }
        let jump = 13 * 24 + 15
        values[jump] += 12
        let all = FeatureMatrix(
            rows: values.count, columns: 1, values: values,
            timestamps: values.indices.map { referenceTime.addingTimeInterval(Double($0) * 3600) })
        // One or two readings lost every 37 hours, the last 27 hours before the jump (a spike
        // window is 30 rows).
        let lost = Set(stride(from: 40, to: values.count, by: 37).flatMap { [$0, $0 + ($0 % 2)] })
        #expect(lost.contains(jump - 27) && !lost.contains { (jump - 26)...jump ~= $0 })
        let kept = all.selecting(all.timestamps.indices.filter { !lost.contains($0) })
        let trainingRows = kept.timestamps.filter { $0 < referenceTime.addingTimeInterval(10 * 86_400) }.count
        let detector = NoveltyDetector.fit(kept.selecting(Array(0..<trainingRows)), params: [:])
        #expect(detector.channels.contains { $0.lag == 24 }, "the daily cycle is found despite the holes")
        let p = detector.probability(kept)
        let at = kept.timestamps.firstIndex(of: all.timestamps[jump])!
        #expect(p[at] >= 0.8, "the jump alerts: \(p[at])")
        let loud = (trainingRows..<kept.rows).filter { $0 != at && p[$0] >= 0.8 }
        #expect(loud.isEmpty, "the lost readings raise nothing: \(loud.map { kept.timestamps[$0] })")
    }

    /// A series that misses readings at random (three in ten here, as a sensor on a poor link)
    /// keeps its daily and weekly cycles: the cycle is measured between rows a day (a week) apart
    /// in time, not a day's worth of rows apart, which would pair 7 am with 10 am after a few
    /// holes and find no cycle at all; and a span holding the week twice is enough though it
    /// holds fewer rows.
    @Test func readingsMissingAtRandomDoNotHideTheCycle() {
        let day: [Double] = (0..<24).map { hour in 100 + 20 * sin(2 * Double.pi * Double(hour) / 24) }
        let jitter = noise(30 * 24, seed: 13, level: 0, sd: 0.5)
        var generator = Xoshiro256(seed: 21)
        let kept = jitter.indices.filter { _ in Double.random(in: 0..<1, using: &generator) >= 0.3 }
        let x = FeatureMatrix(
            rows: kept.count, columns: 1, values: kept.map { day[$0 % 24] + jitter[$0] },
            timestamps: kept.map { referenceTime.addingTimeInterval(Double($0) * 3600) })
        #expect(NoveltyDetector.autocorrelation(x.values, timestamps: x.timestamps, lag: 24, spacing: 3600) > 0.9)
        #expect(NoveltyDetector.autocorrelation(x.values, timestamps: [], lag: 24, spacing: nil) < 0.5, "by rows, the cycle is lost")
        let detector = NoveltyDetector.fit(x, params: [:])
        #expect(detector.channels.map(\.lag) == [0, 0, 0, 24, 24, 168, 168])
    }

    /// Scored in one call, or point by point with only the context the score job reads, the
    /// scores are the same: the records' walk does not depend on how the points arrive.
    @Test func scoresDoNotDependOnHowPointsArriveAndSurviveTheModelFile() throws {
        var values = noise(800, seed: 4)
        values[700] += 25
        let model = try TrainedModel.fit(
            ModelConfig(name: "NOVELTY", tag: "novelty", params: [:]), on: hourlyMatrix(Array(values.prefix(600))),
            batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        let decoded = try TrainedModel.decode(try model.encoded(), key: "k")
        #expect(decoded == model)
        let all = hourlyMatrix(values)
        let together = decoded.probability(all, rows: Array(600..<800))
        for t in 600..<800 {
            let first = max(0, t - model.contextRows)
            let window = all.selecting(Array(first...t))
            let alone = decoded.probability(window, rows: [window.rows - 1])[0]
            #expect(alone == together[t - 600], "row \(t)")
        }
        #expect(together[100] >= 0.8)
    }

    @Test func shortAndFlatHistoriesGiveUsableScores() throws {
        let history: [Double] = [5, 6, 5, 7, 6, 5, 6, 5, 6, 7, 5, 6, 5, 6]
        // Less than a day old: no channel has learnt its record, so nothing scores yet.
        let young = NoveltyDetector.fit(hourlyMatrix(history), params: [:]).probability(hourlyMatrix(history + [6, 40]))
        #expect(young.allSatisfy { $0 == 0 })
        let short = NoveltyDetector.fit(hourlyMatrix(history), params: ["learn_days": .int(0)])
        let p = short.probability(hourlyMatrix(history + [6, 40]))
        #expect(p.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // Records learnt from a few points break often, so a quiet period may hold the spike
        // under the threshold; it still scores highest.
        #expect(p.last! == p.max()! && p.last! > 0.75, "\(p)")
        let flat = NoveltyDetector.fit(hourlyMatrix(Array(repeating: 3, count: 200)), params: [:])
        let q = flat.probability(hourlyMatrix(Array(repeating: 3, count: 210) + [3.5]))
        #expect(q.dropLast().allSatisfy { $0 == 0 } && q.last! == 1)
    }
}
