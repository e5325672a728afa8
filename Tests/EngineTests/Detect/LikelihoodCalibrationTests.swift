import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct LikelihoodCalibrationTests {
    func noise(_ n: Int, seed: UInt64, sd: Double) -> [Double] {
        var random = Xoshiro256(seed: seed)
        return (0..<n).map { _ in abs(sd * random.nextGaussian()) }
    }

    @Test func aSustainedRiseScoresAndALoneBumpOfTheSameSizeDoesNot() {
        let layer = LikelihoodCalibration(window: 500, shortN: 10, decades: 6.25)
        var raw = noise(1000, seed: 3, sd: 1)
        raw[700] += 6
        for i in 900..<910 { raw[i] += 6 }
        let p = layer.probabilities(raw)
        #expect(p[700] < 0.5, "one point six spreads up moves a ten-point mean by 0.6: \(p[700])")
        #expect(p[909] == 1, "ten such points are far beyond the usual level")
        #expect(p[..<30].allSatisfy { $0 == 0 }, "too little history to judge")
        #expect(p[100..<700].filter { $0 >= 0.8 }.isEmpty, "ordinary noise stays under 0.8")
    }

    @Test func oneThresholdMeansTheSameOnANoisyAndAQuietSeries() {
        let layer = LikelihoodCalibration(window: 500, shortN: 5, decades: 6.25)
        // The same shape at two scales: a detector's raw scores on a noisy and a quiet metric.
        let quiet = noise(800, seed: 5, sd: 0.01).enumerated().map { $0.offset >= 780 ? $0.element + 0.05 : $0.element }
        let noisy = quiet.map { $0 * 100 }
        #expect(zip(layer.probabilities(quiet), layer.probabilities(noisy)).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func theScoreJobReadsTheLayersWindowAndTheModelFileKeepsIt() throws {
        let config = ModelConfig(
            name: "MAD", tag: "mad", params: ["calibration": .string("likelihood"), "likelihood_window": .int(200), "likelihood_short_n": .int(4)])
        let x = hourlyMatrix(noise(400, seed: 8, sd: 1))
        let model = try TrainedModel.fit(config, on: x, batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        #expect(model.likelihood == LikelihoodCalibration(window: 200, shortN: 4, decades: 6.25))
        #expect(model.contextRows == 203)
        let read = try TrainedModel.decode(try model.encoded(), key: "k")
        #expect(read == model && read.probability(x) == model.probability(x))
        #expect(String(decoding: try model.encoded(), as: UTF8.self).contains(#""likelihood_calibration":{"decades":6.25,"short_n":4,"window":200}"#))
    }

    @Test func settingsAreChecked() {
        func errors(_ params: String) -> String {
            let yaml = "metric_batch: b\ningest_sql: select 1\nmodel_configs:\n  - model_name: MAD\n    model_params: {\(params)}\n"
            let folder = InMemoryMetricsFolder(["b/b.yaml": yaml])
            return BatchLoader(folder: folder).load().errors.map(\.description).joined(separator: "\n")
        }
        #expect(errors("calibration: likelihood, likelihood_window: 300") == "")
        #expect(errors("calibration: tail").contains("'calibration' must be likelihood"))
        #expect(errors("likelihood_windw: 3").contains("did you mean 'likelihood_window'"))
    }
}
