import Engine
import Foundation
import Replay
import Testing

@Suite struct EngineBenchmarkTests {
    @Test func benchmarkTrainsEveryMetricAndScoresTheLast25Points() async throws {
        let figures = try await EngineBenchmark(metrics: 3, points: 200, seed: 1).run()
        #expect(figures.modelsTrained == 3, "one detector per metric: the default NOVELTY")
        #expect(figures.scoresWritten == 75)
        #expect(figures.trainSeconds > 0 && figures.scoreSeconds > 0)
        #expect(figures.chartsDrawn == 3 && figures.pngBytes > 0)
        #expect(figures.peakResidentMegabytes > 1 && figures.peakResidentMegabytes < 100_000, "\(figures.peakResidentMegabytes) MB")
        #expect(figures.json.contains("\"peak_rss_mb\":\(Fixed.format(figures.peakResidentMegabytes, 1)),"))
    }

    /// On disk the same jobs give the same counts, and the temporary folder is gone afterwards.
    @Test func onDiskTheStoreIsATemporaryFileRemovedAfterwards() async throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("engine-bench-") }
        let figures = try await EngineBenchmark(metrics: 3, points: 200, seed: 1, onDisk: true).run()
        #expect(figures.modelsTrained == 3 && figures.scoresWritten == 75 && figures.chartsDrawn == 3)
        let after = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("engine-bench-") }
        #expect(after == before)
    }

    @Test func otherSettingsAreBenchmarkedAndTheirErrorsNamed() async throws {
        let profile = "model_configs:\n  - model_name: PCA\n  - model_name: KNN\n"
        let two = try await EngineBenchmark(metrics: 3, points: 200, seed: 1, settings: profile).run()
        #expect(two.modelsTrained == 6, "two detectors per metric")
        let forest = try await EngineBenchmark(
            metrics: 2, points: 200, seed: 1, settings: "model_configs:\n  - model_name: IForest\n",
            overrides: ["model_configs.0.model_params.n_estimators=20"]
        ).run()
        #expect(forest.modelsTrained == 2 && forest.scoresWritten == 50)
        await #expect {
            _ = try await EngineBenchmark(metrics: 1, points: 100, seed: 1, settings: "alert_treshold: 0.9\n", settingsName: "mine.yaml").run()
        } throws: { "\($0)".contains("bench/mine.yaml") && "\($0)".contains("alert_threshold") }
    }
}

@Suite struct BenchmarkFiguresTests {
    @Test func jsonHasSortedKeysAndFixedPrecision() {
        let figures = EngineBenchmark.Figures(
            metrics: 2, points: 100, trainSeconds: 1.23456, scoreSeconds: 0.5,
            modelsTrained: 4, scoresWritten: 50)
        #expect(
            figures.json
                == #"{"charts_drawn":0,"metrics":2,"models_trained":4,"peak_rss_mb":0.0,"plot_seconds":0.000,"png_bytes_per_chart":0,"points":100,"score_points_per_second":100,"score_seconds":0.500,"scores_written":50,"train_points_per_second":162,"train_seconds":1.235}"#
        )
    }
}
