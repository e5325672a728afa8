@testable import Backtest
import Engine
import Foundation
import Testing

/// The setting sets in `metrics/profiles/` load as backtest configurations and do what their
/// comments say.
@Suite struct DetectorProfileTests {
    static let profiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("metrics/profiles")

    static func profile(_ name: String, _ overrides: [String] = []) throws -> BatchConfig {
        try BacktestConfig.load(file: profiles.appendingPathComponent("\(name).yaml"), overrides: ["train_min_n=30"] + overrides)
    }

    @Test func anomstackProfileIsTheShippedDefaultStack() throws {
        let anomstack = try Self.profile("anomstack")
        let shipped = try BacktestConfig.load(file: nil, overrides: ["train_min_n=30"])
        #expect(anomstack.models == shipped.models && anomstack.models.map(\.name) == ["PCA", "KNN"])
        #expect(anomstack.preprocess == shipped.preprocess && anomstack.alertSmoothN == 3 && anomstack.alertThreshold == 0.8)
    }

    /// Once training holds its full windows (200 rows, from the training at row 260, with the
    /// slow shift's window cut to this short series), NOVELTY's scores do not depend on how
    /// often it is retrained (its records are walked forward when scoring); the spike is its
    /// only alert.
    @Test func noveltyProfileScoresTheSameAtAnyCadence() async throws {
        let batch = try Self.profile("novelty", ["model_configs.0.model_params.slow_shift_window=100",
                                                 "model_configs.0.model_params.slow_shift_n=10"])
        #expect(batch.models.map(\.name) == ["NOVELTY"] && batch.alertSmoothN == 1)
        let s = BacktesterTests.series()
        let often = try await Backtester(batch: batch, retrainEvery: 1).run(s)
        let seldom = try await Backtester(batch: batch, retrainEvery: 100).run(s)
        #expect(often.scores[270...] == seldom.scores[270...])
        #expect(often.scores[..<260] != seldom.scores[..<260], "short trainings shrink the windows")
        #expect(often.alerts.indices.filter { often.alerts[$0] } == [301])
    }
}
