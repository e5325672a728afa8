import Backtest
import Engine
import Foundation
import Testing

/// NAB scoring checked against the published detectors' results on the public NAB files: the
/// shared data's README gives the scores a correct implementation reproduces to within 0.01.
@Suite struct NABScorerTests {
    static let nab = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/nab")

    func scores(_ detector: String) throws -> [String: Double] {
        let series = try NABCorpus.load(
            data: Self.nab.appendingPathComponent("data"),
            labels: Self.nab.appendingPathComponent("labels/combined_windows.json"))
        #expect(series.count == 24)
        let results = try NABResults.scores(results: Self.nab.appendingPathComponent("results/\(detector)"), series: series)
        var out: [String: Double] = [:]
        for profile in NABProfile.all { out[profile.name] = NABScorer(profile: profile).score(series: series, scores: results).normalizedScore }
        return out
    }

    @Test func numentaHTMScoresAsPublished() throws {
        let s = try scores("numenta")
        #expect(abs(s["standard"]! - 64.85) < 0.01, "\(s)")
        #expect(abs(s["reward_low_FP_rate"]! - 59.12) < 0.01, "\(s)")
        #expect(abs(s["reward_low_FN_rate"]! - 69.85) < 0.01, "\(s)")
    }

    @Test func windowedGaussianScoresAsPublished() throws {
        let s = try scores("windowedGaussian")
        #expect(abs(s["standard"]! - 28.16) < 0.01, "\(s)")
        #expect(abs(s["reward_low_FP_rate"]! - 22.38) < 0.01, "\(s)")
        #expect(abs(s["reward_low_FN_rate"]! - 31.59) < 0.01, "\(s)")
    }

    /// A hand-sized file: 100 rows, probation 15, one window of 10 rows at 50...59.
    static func tiny() -> NABSeries {
        let start = Date(timeIntervalSince1970: 1_400_000_000)
        let times = (0..<100).map { start.addingTimeInterval(Double($0) * 300) }
        return NABSeries(path: "c/f.csv", timestamps: times, values: Array(repeating: 0, count: 100), windows: [times[50]...times[59]])
    }

    @Test func theNullAndPerfectDetectorsScoreZeroAndAHundred() {
        let s = Self.tiny()
        let scorer = NABScorer(profile: .standard)
        #expect(scorer.score(series: [s], scores: [Array(repeating: 0.5, count: 100)]).normalizedScore == 0)
        var perfect = Array(repeating: 0.0, count: 100)
        perfect[50] = 1
        let result = scorer.score(series: [s], scores: [perfect])
        #expect(abs(result.normalizedScore - 100) < 1e-9)
        #expect(result.threshold == 1 && result.files[0].windowsDetected == 1 && result.files[0].falsePositives == 0)
    }

    @Test func lateDetectionsEarnLessAndFalsePositivesCost() {
        let s = Self.tiny()
        let scorer = NABScorer(profile: .standard)
        var late = Array(repeating: 0.0, count: 100)
        late[58] = 1
        var early = Array(repeating: 0.0, count: 100)
        early[51] = 1
        let lateScore = scorer.score(series: [s], scores: [late]).normalizedScore
        let earlyScore = scorer.score(series: [s], scores: [early]).normalizedScore
        #expect(earlyScore > lateScore && lateScore > 50)
        var withFP = early
        withFP[30] = 1
        let fpScore = scorer.score(series: [s], scores: [withFP])
        #expect(fpScore.files[0].falsePositives == 1)
        #expect(abs(fpScore.rawScore - (scorer.score(series: [s], scores: [early]).rawScore - 0.11)) < 1e-12)
        var inProbation = early
        inProbation[3] = 1
        #expect(scorer.score(series: [s], scores: [inProbation]).files[0].falsePositives == 0, "probationary rows are not scored")
    }

    /// Windows hold the rows whose time falls in them, as NAB labels rows: bounds between rows (a
    /// user's labels, irregular sampling) score as the window of the rows inside; a window with no
    /// row inside is missed, not dropped from the count.
    @Test func windowBoundsBetweenRowsHoldTheRowsInside() {
        let snapped = Self.tiny()
        let t = snapped.timestamps
        let between = NABSeries(
            path: "c/f.csv", timestamps: t, values: snapped.values,
            windows: [t[49].addingTimeInterval(120)...t[59].addingTimeInterval(200)])
        let empty = NABSeries(
            path: "c/f.csv", timestamps: t, values: snapped.values,
            windows: [t[70].addingTimeInterval(60)...t[70].addingTimeInterval(120)])
        let scorer = NABScorer(profile: .standard)
        var early = Array(repeating: 0.0, count: 100)
        early[51] = 1
        let expected = scorer.score(series: [snapped], scores: [early])
        let result = scorer.score(series: [between], scores: [early])
        #expect(result.files[0].windows == 1 && result.files[0].windowsDetected == 1)
        #expect(result.rawScore == expected.rawScore && result.normalizedScore == expected.normalizedScore)
        let missed = scorer.score(series: [empty], scores: [Array(repeating: 0.0, count: 100)], threshold: 0.5)
        #expect(missed.files[0].windows == 1 && missed.files[0].windowsDetected == 0 && missed.normalizedScore == 0)
    }
}
