import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct ContextDetectorTests {
    /// A daily-looking cycle of 24 points between 0 and 100, with small deterministic noise.
    func cycle(_ n: Int) -> [Double] {
        (0..<n).map { i in
            let t = Double(i)
            let wave: Double = 45 * sin(t * 2 * Double.pi / 24)
            return 50 + wave + 2 * sin(t * 1.3)
        }
    }

    @Test func levelsSplitTheTrainedRangeWithABandBelowAndAbove() {
        let detector = ContextDetector.fit(hourlyMatrix([0, 10, 20, 30, 40]), params: ["levels": .int(4), "quiet_n": .int(0)])
        #expect(detector.low == 0 && detector.step == 10)
        let values: [Double] = [-5, 0, 9.9, 10, 39.9, 40, 40.5, .infinity, -.infinity]
        let expected = [0, 1, 1, 2, 4, 4, 5, 5, 0]
        #expect(values.map(detector.level) == expected)
        let trimmed = ContextDetector.fit(hourlyMatrix((0...100).map(Double.init)), params: ["tail": .double(0.1), "quiet_n": .int(0)])
        #expect(trimmed.low == 10 && trimmed.step == 80 / 8, "tail trims a tenth at each end")
        let flat = ContextDetector.fit(hourlyMatrix([7, 7, 7]), params: [:])
        #expect(flat.step == 0 && [6, 7, 8].map(flat.level) == [0, 1, 9])
    }

    @Test func aRepeatingPatternIsNotNewsAndALevelNeverSeenIs() {
        var values = cycle(24 * 40)
        let detector = ContextDetector.fit(hourlyMatrix(Array(values.prefix(24 * 30))), params: [:])
        let calm = detector.probability(hourlyMatrix(values))
        #expect(calm[(24 * 30)...].allSatisfy { $0 < 0.8 }, "ten more days of the same cycle: \(calm[(24 * 30)...].max() ?? 0)")
        values[24 * 35] = 180
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[24 * 35] == 1, "a value above anything trained on is a level never seen")
        #expect(p[(24 * 35 + 1)...(24 * 35 + 50)].allSatisfy { $0 < 0.8 }, "the quiet period holds the rest of the incident")
    }

    @Test func aNewOrderOfFamiliarLevelsScoresBelowANewLevel() {
        // Up and down a staircase of four levels: 1 2 3 4 3 2 1 2 3 4 …; then a jump from 1 to 4.
        let stairs: [Double] = [5, 15, 25, 35, 25, 15]
        var values = (0..<600).map { stairs[$0 % stairs.count] }
        let detector = ContextDetector.fit(
            hourlyMatrix(Array(values.prefix(480))), params: ["levels": .int(4), "order": .int(3), "quiet_n": .int(0)])
        values[552] = 35  // after a 5 (row 552 follows 15 and 5): the transition 1 → 4 never happened
        let p = detector.probability(hourlyMatrix(values))
        #expect(abs(p[552] - 2.0 / 3) < 1e-12, "a new transition: the shortest unseen context has length 2")
        #expect(p[480..<552].allSatisfy { $0 == 0 })
    }

    @Test func aNoveltyIsLearntSoItsRepeatScoresLess() {
        var values = cycle(24 * 40)
        let detector = ContextDetector.fit(hourlyMatrix(Array(values.prefix(24 * 30))), params: ["quiet_n": .int(0)])
        values[24 * 32] = 180
        values[24 * 36] = 180
        let p = detector.probability(hourlyMatrix(values))
        #expect(p[24 * 32] == 1 && p[24 * 36] < 1)
    }

    @Test func scoresDoNotDependOnWhereTrainingStopped() {
        let values = cycle(24 * 30).enumerated().map { $0.offset == 650 ? 170 : $0.element }
        let whole = hourlyMatrix(values)
        let early = ContextDetector.fit(hourlyMatrix(Array(values.prefix(500))), params: [:]).probability(whole)
        let later = ContextDetector.fit(hourlyMatrix(Array(values.prefix(600))), params: [:]).probability(whole)
        #expect(early[600...] == later[600...], "every row after both trainings scores the same")
        #expect(later[650] == 1)
    }

    @Test func badSettingsAreNamed() {
        let problems = ContextDetector.problems(in: ["levels": .int(1), "order": .int(9), "tail": .double(0.5), "quiet_n": .int(-1)])
        #expect(
            problems == [
                "levels must be from 2 to 32, not 1", "order must be from 1 to 6, not 9", "tail must be at least 0 and under 0.5, not 0.5",
                "quiet_n must be at least 0, not -1",
            ])
        #expect(ContextDetector.problems(in: ["levels": .int(8), "order": .int(3), "tail": .double(0.01)]).isEmpty)
    }
}
