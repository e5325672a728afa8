import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct IsolationForestDetectorTests {
    /// 300 rows of two Gaussian features, then the test rows: an ordinary point and two far out.
    static func data() -> (train: FeatureMatrix, test: FeatureMatrix) {
        var random = Xoshiro256(seed: 3)
        let train = (0..<600).map { _ in random.nextGaussian() }
        let test: [Double] = [0.1, -0.2, 6, 6, -5, 0]
        func matrix(_ v: [Double]) -> FeatureMatrix {
            FeatureMatrix(rows: v.count / 2, columns: 2, values: v, timestamps: (0..<(v.count / 2)).map { Date(timeIntervalSince1970: Double($0)) })
        }
        return (matrix(train), matrix(test))
    }

    @Test func farPointsScoreAboveOrdinaryOnesAndAboveTheTraining() {
        let (train, test) = Self.data()
        let (forest, trainingScores) = IsolationForestDetector.fit(train, params: [:], seed: 1)
        let scores = forest.decisionFunction(test)
        #expect(scores[1] > scores[0] + 0.15 && scores[2] > scores[0] + 0.15, "\(scores)")
        #expect(scores[1] > trainingScores.max()! - 0.05 && scores[2] > 0.6)
        #expect(trainingScores.count == 300 && trainingScores.allSatisfy { $0 > 0 && $0 < 1 })
        // scikit-learn's defaults: 100 trees of min(256, rows) rows on every feature.
        #expect(forest.trees == 100 && forest.samples == 256 && forest.features == 2 && !forest.bootstrap)
    }

    @Test func theSameSeedGrowsTheSameForestAndAnotherSeedAnother() {
        let (train, test) = Self.data()
        let a = IsolationForestDetector.fit(train, params: [:], seed: 1).0.decisionFunction(test)
        let b = IsolationForestDetector.fit(train, params: [:], seed: 1).0.decisionFunction(test)
        let c = IsolationForestDetector.fit(train, params: [:], seed: 2).0.decisionFunction(test)
        #expect(a == b)
        #expect(a != c && zip(a, c).allSatisfy { abs($0 - $1) < 0.05 }, "another forest, close scores: \(a) \(c)")
        // random_state fixes the forest whatever seed the engine passes, as PyOD's does.
        let fixed = IsolationForestDetector.fit(train, params: ["random_state": .int(42)], seed: 1).0
        #expect(
            fixed.decisionFunction(test) == IsolationForestDetector.fit(train, params: ["random_state": .int(42)], seed: 9).0.decisionFunction(test))
        #expect(fixed.decisionFunction(test) != a)
    }

    @Test func parametersResolveAsScikitLearnDoes() {
        let (train, _) = Self.data()
        func fitted(_ params: [String: ConfigValue]) -> IsolationForestDetector { IsolationForestDetector.fit(train, params: params, seed: 1).0 }
        #expect(fitted(["max_samples": .string("auto")]).samples == 256)
        #expect(fitted(["max_samples": .int(64)]).samples == 64)
        #expect(fitted(["max_samples": .int(5000)]).samples == 300, "at most the rows there are")
        #expect(fitted(["max_samples": .double(0.5)]).samples == 150)
        #expect(fitted(["max_samples": .double(1.0)]).samples == 300, "a float is a fraction: 1.0 is every row")
        #expect(fitted(["max_features": .double(1.0)]).features == 2)
        #expect(fitted(["max_features": .int(1)]).features == 1)
        #expect(fitted(["n_estimators": .int(10), "bootstrap": .bool(true)]).trees == 10)
    }

    @Test func aConstantOrTinyTrainingStillScores() {
        let constant = FeatureMatrix(
            rows: 50, columns: 1, values: Array(repeating: 4, count: 50),
            timestamps: (0..<50).map { Date(timeIntervalSince1970: Double($0)) })
        let (forest, scores) = IsolationForestDetector.fit(constant, params: [:], seed: 1)
        // No split is possible: every point sits in a root leaf of 50 rows, scored 2^(-1).
        #expect(scores.allSatisfy { abs($0 - 0.5) < 1e-12 })
        #expect(forest.decisionFunction(constant).allSatisfy { $0.isFinite })
        let one = FeatureMatrix(rows: 1, columns: 2, values: [1, 2], timestamps: [referenceTime])
        #expect(IsolationForestDetector.fit(one, params: [:], seed: 1).1.allSatisfy { $0.isFinite })
    }

    @Test func pathLengthsFollowScikitLearnsAverage() {
        #expect(IsolationForestDetector.averagePathLength(1) == 0)
        #expect(IsolationForestDetector.averagePathLength(2) == 1)
        // 2(ln 255 + γ) − 2·255/256
        #expect(abs(IsolationForestDetector.averagePathLength(256) - 10.244_770_920_116_851) < 1e-9)
    }

    @Test func aModelFileGrowsTheSameForestWhenRead() throws {
        let (train, test) = Self.data()
        let model = try TrainedModel.fit(
            ModelConfig(name: "IForest", tag: "iforest", params: [:]), on: train, batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "f", seed: 0xFEED_FACE_CAFE_BEEF)
        let data = try model.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"seed\":\"feedfacecafebeef\""), "a 64-bit seed survives JSON as hex")
        let read = try TrainedModel.decode(data, key: "k")
        #expect(try read.probability(test) == model.probability(test))
        #expect(data.count < 20_000, "the training rows and the seed, not the trees: \(data.count) bytes")
        // A file whose forest cannot be grown from what it holds is refused (written as an
        // unsigned version 1 file, so the checksum is not what refuses it).
        var unsigned = String(text[..<text.range(of: #","checksum":"#)!.lowerBound]) + "}"
        unsigned = unsigned.replacingOccurrences(of: "\"version\":2", with: "\"version\":1")
        #expect(try TrainedModel.decode(Data(unsigned.utf8), key: "k").probability(test) == model.probability(test))
        #expect {
            try TrainedModel.decode(Data(unsigned.replacingOccurrences(of: "\"samples\":256", with: "\"samples\":9999").utf8), key: "k")
        } throws: { "\($0)".contains("do not fit 2 columns, 9999 samples") }
    }
}
