import Engine
import Foundation
import Testing

@testable import Backtest

/// The setting sets in `metrics/profiles/` load as backtest configurations and do what their
/// comments say.
@Suite struct DetectorProfileTests {
    static let profiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("metrics/profiles")

    static func profile(_ name: String, _ overrides: [String] = []) throws -> BatchConfig {
        try BacktestConfig.load(file: profiles.appendingPathComponent("\(name).yaml"), overrides: ["train_min_n=30"] + overrides)
    }

    /// Anomstack's metrics/defaults/defaults.yaml, key for key.
    @Test func anomstackProfileIsAnomstacksStack() throws {
        let anomstack = try Self.profile("anomstack")
        #expect(anomstack.models.map(\.name) == ["PCA", "KNN"] && anomstack.models.map(\.tag) == ["pca_default", "knn_default"])
        #expect(anomstack.models.allSatisfy { $0.params == ["contamination": .double(0.01)] })
        #expect(anomstack.preprocess.diffN == 1 && anomstack.preprocess.smoothN == 3 && anomstack.preprocess.lagsN == 5)
        #expect(
            anomstack.alertSmoothN == 3 && anomstack.alertThreshold == 0.8 && anomstack.alertSnoozeN == 3
                && anomstack.alertRecentN == 1)
        #expect(!anomstack.changeBeyondRange)
        #expect(try BacktestConfig.load(file: nil, overrides: []).changeBeyondRange, "ours by default")
    }

    @Test func noveltyProfileIsTheShippedDefault() throws {
        let novelty = try Self.profile("novelty")
        let shipped = try BacktestConfig.load(file: nil, overrides: ["train_min_n=30"])
        #expect(novelty.models == shipped.models && shipped.models.map(\.name) == ["NOVELTY"])
        #expect(novelty.preprocess == shipped.preprocess && novelty.alertSmoothN == shipped.alertSmoothN)
    }

    /// Once training holds its full windows (200 rows, from the training at row 260, with the
    /// slow shift's window cut to this short series), NOVELTY's scores do not depend on how
    /// often it is retrained (its records are walked forward when scoring); the spike is its
    /// only alert. (The series is 33 hours of five-minute points, so the day of learning is
    /// turned off: it would leave every point before hour 26 unscored.)
    @Test func noveltyProfileScoresTheSameAtAnyCadence() async throws {
        let batch = try Self.profile(
            "novelty",
            [
                "model_configs.0.model_params.slow_shift_window=100",
                "model_configs.0.model_params.slow_shift_n=10",
                "model_configs.0.model_params.learn_days=0",
            ])
        #expect(batch.models.map(\.name) == ["NOVELTY"] && batch.alertSmoothN == 1)
        let s = BacktesterTests.series()
        let often = try await Backtester(batch: batch, retrainEvery: 1).run(s)
        let seldom = try await Backtester(batch: batch, retrainEvery: 100).run(s)
        #expect(often.scores[270...] == seldom.scores[270...])
        #expect(often.scores[..<260] != seldom.scores[..<260], "short trainings shrink the windows")
        #expect(often.alerts.indices.filter { often.alerts[$0] } == [301])
    }
}
