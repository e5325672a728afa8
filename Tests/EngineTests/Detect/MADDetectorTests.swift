import Engine
import Fixtures
import Foundation
import Testing

@Suite struct MADDetectorTests {
    func matrix(_ current: [Double], lags: Int = 0) -> FeatureMatrix {
        var values: [Double] = []
        for v in current {
            values.append(v)
            values += Array(repeating: 1000, count: lags)
        }
        return FeatureMatrix(
            rows: current.count, columns: lags + 1, values: values,
            timestamps: current.indices.map { Date(timeIntervalSince1970: Double($0)) })
    }

    @Test func scoresAreModifiedZScoresOfTheCurrentValueOnly() {
        let detector = MADDetector.fit(matrix([9, 10, 11, 10, 9, 11, 10, 12, 8, 10, 11, 9], lags: 2), params: [:])
        #expect(detector.median == 10)
        let scores = detector.decisionFunction(matrix([10, 15], lags: 2))
        #expect(scores[0] == 0 && abs(scores[1] - 0.6745 * 5) < 1e-12, "lag columns (all 1000 here) are ignored")
    }

    @Test func probabilityIsTheSameCurveForEverySeries() throws {
        let detector = MADDetector(median: 0, scale: 1, zScale: MADDetector.defaultZScale)
        let p = detector.probability(matrix([0, 5, 50]))
        #expect(p[0] == 0 && abs(p[1] - 0.8) < 0.002 && p[2] > 0.99999)
        let model = try TrainedModel.fit(
            ModelConfig(name: "MAD", tag: "mad", params: ["z_scale": .double(2)]),
            on: matrix([1, 2, 3, 4, 5]), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        let decoded = try TrainedModel.decode(try model.encoded(), key: "k")
        #expect(decoded == model && decoded.detector(as: MADDetector.self)?.zScale == 2)
        #expect(try decoded.probability(matrix([3, 100])) == model.probability(matrix([3, 100])))
    }

    @Test func aConstantTrainingSeriesMakesAnyChangeMaximal() {
        let detector = MADDetector.fit(matrix([4, 4, 4, 4]), params: [:])
        #expect(detector.decisionFunction(matrix([4, 4.5])) == [0, 1e9])
    }
}
