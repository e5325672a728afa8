import Engine
import Foundation
import Synchronization
import Testing

@testable import Backtest

/// Out-of-fold scoring: folds are whole series, each held-out fold is scored at the threshold
/// (and with the setting) its other folds chose, and a lead won only in sample is exposed.
@Suite struct CrossValidationTests {
    /// 100 five-minute rows (15 probationary), one window over rows 50...59.
    static func series(_ path: String) -> NABSeries {
        let start = Date(timeIntervalSince1970: 1_400_000_000)
        let times = (0..<100).map { start.addingTimeInterval(Double($0) * 300) }
        return NABSeries(path: path, timestamps: times, values: times.map { _ in 1 }, windows: [times[50]...times[59]])
    }

    static let corpus = ["a/1.csv", "a/2.csv", "b/1.csv", "b/2.csv"].map(series)

    /// A run whose scores are 0 except `marks` (row → score) per series path.
    static func run(_ label: String, _ marks: [String: [Int: Double]]) -> BacktestRun.Result {
        let outcomes = corpus.map { s in
            var scores = [Double](repeating: 0, count: s.timestamps.count)
            for (row, score) in marks[s.path] ?? [:] { scores[row] = score }
            return Backtester.SeriesOutcome(series: s, scores: scores, alerts: scores.map { _ in false }, retrainings: 0)
        }
        let nab = NABProfile.all.map { NABScorer(profile: $0).score(series: corpus, scores: outcomes.map(\.scores)) }
        return BacktestRun.Result(
            label: label, overrides: [label], outcomes: outcomes, metrics: [], total: BacktestMetrics(), nab: nab, seconds: 0,
            alertThreshold: 0.8)
    }

    /// Finds every window on its first row, but on a scale that differs by category: 0.5 in `a`,
    /// 0.7 in `b`, where a false positive scores 0.6 before each window. One corpus-wide threshold
    /// (0.5) fits both; a threshold learnt on either category misses or over-alerts on the other.
    static let inconsistent = run(
        "inconsistent", ["a/1.csv": [50: 0.5], "a/2.csv": [50: 0.5], "b/1.csv": [20: 0.6, 50: 0.7], "b/2.csv": [20: 0.6, 50: 0.7]])

    /// Finds every window at 0.9 everywhere, with three false positives at 0.9.
    static let consistent = run(
        "consistent", ["a/1.csv": [20: 0.9, 50: 0.9], "a/2.csv": [25: 0.9, 50: 0.9], "b/1.csv": [30: 0.9, 50: 0.9], "b/2.csv": [50: 0.9]])

    @Test func categoryFoldsAreFirstFoldersAndKFoldsDealSeriesRoundRobin() throws {
        let corpus = ["b/x.csv", "a/y.csv", "a/x.csv", "c/z.csv", "b/y.csv"].map(Self.series)
        let byCategory = try FoldScheme.category.folds(of: corpus)
        #expect(byCategory.map(\.name) == ["a", "b", "c"])
        #expect(byCategory.map(\.members) == [[1, 2], [0, 4], [3]])
        #expect(try FoldScheme.file.folds(of: corpus).map(\.name) == ["a/x.csv", "a/y.csv", "b/x.csv", "b/y.csv", "c/z.csv"])
        // In path order a/x a/y b/x b/y c/z, dealt to folds 1, 2, 1, 2, 1.
        #expect(try FoldScheme(parsing: "k=2").folds(of: corpus).map(\.members) == [[0, 2, 3], [1, 4]])
        let everySeriesOnce = try FoldScheme.k(3).folds(of: corpus).flatMap(\.members).sorted()
        #expect(everySeriesOnce == Array(corpus.indices))
    }

    @Test func foldsThatCannotBeMadeAreErrors() throws {
        for text in ["k=1", "k=x", "series", ""] {
            #expect(throws: BacktestError.self, "\(text)") { try FoldScheme(parsing: text) }
        }
        let oneCategory = ["a/1.csv", "a/2.csv"].map(Self.series)
        let error = #expect(throws: BacktestError.self) { try FoldScheme.category.folds(of: oneCategory) }
        #expect(error?.description.contains("needs at least 2") == true)
        #expect(throws: BacktestError.self) { try FoldScheme.k(3).folds(of: oneCategory) }
    }

    @Test func eachFoldIsScoredAtTheThresholdItsOtherFoldsChose() throws {
        let cv = try CrossValidation(scheme: .category, corpus: Self.corpus)
        let report = cv.evaluate([Self.inconsistent], corpus: Self.corpus, profiles: [.standard])
        let score = report.settings[0][0]
        #expect(score.folds.map(\.fold) == ["a", "b"])
        // Held out, `a` gets `b`'s threshold (0.7, which skips b's false positives) and misses both
        // windows; `b` gets `a`'s (0.5), finds both and pays for both false positives.
        #expect(score.folds.map(\.threshold) == [0.7, 0.5])
        #expect(score.folds.map(\.heldOut.windowsDetected) == [0, 2])
        #expect(score.falsePositiveRows == 2)
        // In sample, each fold alone is perfect; the corpus (threshold 0.5) loses only the two false positives.
        #expect(score.folds.map(\.inSample) == [100, 100])
        #expect(abs(Self.inconsistent.nabScore("standard") - 100 * (4 - 0.22 + 4) / 8) < 1e-9)
        // Out of fold: a's two windows missed (−2), b's found with two false positives (2 − 0.22).
        #expect(abs(score.pooled - 100 * (-0.22 + 4) / 8) < 1e-9)
    }

    @Test func aLeadWonOnlyInSampleIsFlaggedAndTheSelectionIsScoredHonestly() throws {
        let runs = [Self.inconsistent, Self.consistent]
        #expect(runs[0].nabScore("standard") > runs[1].nabScore("standard"), "in sample, the inconsistent scale wins")
        let report = try CrossValidation(scheme: .category, corpus: Self.corpus).evaluate(runs, corpus: Self.corpus, profiles: [.standard])
        let outOfFold = (0..<2).map { report.pooled(run: $0, profile: "standard")! }
        #expect(outOfFold[1] > outOfFold[0], "out of fold, the consistent one does")
        #expect(abs(outOfFold[1] - Self.consistent.nabScore("standard")) < 1e-9, "a consistent scale loses nothing out of fold")

        let annotated = report.annotate(runs, profile: "standard")
        #expect(annotated.map(\.leadSurvives) == [false, true])
        #expect(BacktestOutput.ranked(annotated, by: "oof_nab_standard").map(\.label) == ["consistent", "inconsistent"])
        #expect(BacktestOutput.ranked(annotated, by: "nab_standard").map(\.label) == ["inconsistent", "consistent"])

        // Choosing on the other folds picks the inconsistent run for both folds (each category alone
        // rewards it), and the choice scores what that run scores out of fold, not what it scored in sample.
        let selection = report.selection[0]
        #expect(selection.folds.map(\.setting) == [0, 0])
        #expect(abs(selection.pooled - outOfFold[0]) < 1e-9)
    }

    @Test func theSweepReportsRanksAndWritesTheOutOfFoldScores() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var other = BacktesterTests.shifted()
        other.path = "other/s.csv"
        let sweep = BacktestSweep(
            metricsConfig: nil, overrides: ["train_min_n=30", "model_configs.0.model_params.learn_days=0"],
            sweep: ["alert_threshold=0.8,0.9"], retrainEvery: 50, profiles: NABProfile.all, jobs: 1, rankBy: "oof_nab_standard",
            seed: 0, resume: false, crossValidate: .category)
        let lines = Mutex<[String]>([])
        let ranked = try await sweep.run([BacktesterTests.series(), other], output: BacktestOutput(folder: folder)) { line in
            lines.withLock { $0.append(line) }
        }
        #expect(ranked.allSatisfy { $0.outOfFold.keys.sorted() == ["reward_low_FN_rate", "reward_low_FP_rate", "standard"] })
        let printed = lines.withLock { $0 }
        #expect(printed.contains("cross-validation by category (2 folds), thresholds chosen on the other folds:"))
        #expect(printed.contains { $0.hasPrefix("    cat: held out ") && $0.contains("chose run ") })
        let board = try CSVTable.read(folder.appendingPathComponent("leaderboard.csv"))
        #expect(try board.numbers("oof_nab_standard") == ranked.map { ($0.outOfFold["standard"]! * 100).rounded() / 100 })
        let survives = try board.column("lead_survives")
        #expect(board.rows.indices.allSatisfy { ["yes", "no"].contains(board.field($0, survives)) })
        let summary = try String(contentsOf: folder.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"cross_validation\":{") && summary.contains("\"scheme\":\"category\""))
    }

    @Test func outOfFoldRankingWithoutFoldsIsRefused() async throws {
        let sweep = BacktestSweep(
            metricsConfig: nil, overrides: [], sweep: [], retrainEvery: 50, profiles: NABProfile.all, jobs: 1,
            rankBy: "oof_nab_standard", seed: 0, resume: false)
        let error = await #expect(throws: BacktestError.self) {
            try await sweep.run([BacktesterTests.series()], output: BacktestOutput(folder: FileManager.default.temporaryDirectory)) { _ in }
        }
        #expect(error?.description.contains("need --cross-validate") == true)
    }
}
