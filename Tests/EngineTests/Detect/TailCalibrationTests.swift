import Engine
import Fixtures
import Foundation
import Testing

@Suite struct TailCalibrationTests {
    @Test func theTailFitKeepsTheNinetiethPercentileAndTheMeanExcess() {
        let tail = TailCalibration.fit((1...100).map(Double.init), decades: 4)
        #expect(tail.threshold == 91 && tail.scale == 5 && tail.minimum == 1)
        #expect(abs(tail.probability(91) - 0.25) < 1e-12, "the 90th percentile is 1 decade of 4")
        #expect(tail.probability(1) == 0)
        let beyond = [100.0, 120, 140].map(tail.probability)
        #expect(beyond[0] < beyond[1] && beyond[1] < beyond[2], "beyond the training maximum scores keep rising")
        #expect(tail.probability(1000) == 1)
    }

    @Test func modelsCalibratedByTheTailRoundTrip() throws {
        let x = FeatureMatrix(
            rows: 40, columns: 1, values: (0..<40).map { Double($0 % 7) },
            timestamps: (0..<40).map { Date(timeIntervalSince1970: Double($0)) })
        let config = ModelConfig(name: "KNN", tag: "k", params: ["calibration": .string("tail"), "tail_decades": .int(3)])
        let model = try TrainedModel.fit(config, on: x, batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        #expect(model.tail?.decades == 3)
        let decoded = try TrainedModel.decode(try model.encoded(), key: "k")
        #expect(decoded == model)
        let plain = try TrainedModel.fit(
            ModelConfig(name: "KNN", tag: "k", params: [:]), on: x, batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "f")
        #expect(plain.tail == nil, "min-max stays the default")
    }
}
