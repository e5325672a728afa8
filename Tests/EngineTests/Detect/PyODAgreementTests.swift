import Engine
import Fixtures
import Foundation
import Testing

/// The detectors against numbers PyOD itself produced (see Resources/pyod/make_fixtures.py).
@Suite struct PyODAgreementTests {
    struct Fixture: Decodable {
        let name: String
        let train: [[Double]]
        let test: [[Double]]
        let pca_train_scores: [Double]
        let pca_test_scores: [Double]
        let pca_test_proba: [Double]
        let knn_train_scores: [Double]
        let knn_test_scores: [Double]
        let knn_test_proba: [Double]
        let lof_train_scores: [Double]
        let lof_test_scores: [Double]
        let lof_test_proba: [Double]
        let hbos_train_scores: [Double]
        let hbos_test_scores: [Double]
        let ecod_train_scores: [Double]
        let ecod_test_scores: [Double]
        let ecod_test_alone_scores: [Double]
        let copod_train_scores: [Double]
        let copod_test_scores: [Double]
        let copod_test_alone_scores: [Double]
        let iforest_train_scores: [Double]
        let iforest_test_scores: [Double]
    }
    struct Fixtures: Decodable { let datasets: [Fixture] }

    static let fixtures: [Fixture] = {
        let url = Bundle.module.url(forResource: "pyod_fixtures", withExtension: "json", subdirectory: "Resources/pyod")!
        return try! JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url)).datasets
    }()

    static func matrix(_ rows: [[Double]]) -> FeatureMatrix {
        FeatureMatrix(
            rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 },
            timestamps: rows.indices.map { Date(timeIntervalSince1970: Double($0)) })
    }

    static func expectClose(_ got: [Double], _ expected: [Double], relative: Double, _ what: String) {
        #expect(got.count == expected.count, "\(what): count")
        for (i, (g, e)) in zip(got, expected).enumerated() {
            let tolerance = relative * max(abs(e), 1)
            #expect(abs(g - e) <= tolerance, "\(what)[\(i)]: got \(g), PyOD \(e)")
        }
    }

    /// Spearman rank correlation (no ties expected in continuous scores).
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, index) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[index] = Double(rank) }
            return r
        }
        let ra = ranks(a)
        let rb = ranks(b)
        let n = Double(a.count)
        let d2 = zip(ra, rb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return 1 - 6 * d2 / (n * (n * n - 1))
    }

    @Test(arguments: fixtures.map(\.name))
    func pcaMatchesPyOD(_ name: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let config = ModelConfig(name: "PCA", tag: "pca", params: ["contamination": .double(0.01)])
        let model = try TrainedModel.fit(config, on: Self.matrix(f.train), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "")
        let train = model.decisionFunction(Self.matrix(f.train))
        let test = model.decisionFunction(Self.matrix(f.test))
        Self.expectClose(train, f.pca_train_scores, relative: 1e-6, "\(name) PCA train")
        Self.expectClose(test, f.pca_test_scores, relative: 1e-6, "\(name) PCA test")
        Self.expectClose(model.probability(Self.matrix(f.test)), f.pca_test_proba, relative: 1e-6, "\(name) PCA proba")
        #expect(Self.spearman(test, f.pca_test_scores) >= 0.99)
    }

    @Test(arguments: fixtures.map(\.name))
    func knnMatchesPyOD(_ name: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let config = ModelConfig(name: "KNN", tag: "knn", params: ["contamination": .double(0.01), "n_neighbors": .int(5)])
        let model = try TrainedModel.fit(config, on: Self.matrix(f.train), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "")
        let test = model.decisionFunction(Self.matrix(f.test))
        Self.expectClose(test, f.knn_test_scores, relative: 1e-9, "\(name) KNN test")
        #expect(abs(model.scoreMin - f.knn_train_scores.min()!) < 1e-9)
        #expect(abs(model.scoreMax - f.knn_train_scores.max()!) < 1e-9)
        Self.expectClose(model.probability(Self.matrix(f.test)), f.knn_test_proba, relative: 1e-9, "\(name) KNN proba")
        #expect(Self.spearman(test, f.knn_test_scores) >= 0.99)
    }

    @Test(arguments: fixtures.map(\.name))
    func lofMatchesPyOD(_ name: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let config = ModelConfig(name: "LOF", tag: "lof", params: ["contamination": .double(0.01), "n_neighbors": .int(20)])
        let model = try TrainedModel.fit(config, on: Self.matrix(f.train), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "")
        Self.expectClose(LOFDetector.fit(Self.matrix(f.train), params: config.params).1, f.lof_train_scores, relative: 1e-9, "\(name) LOF train")
        #expect(abs(model.scoreMin - f.lof_train_scores.min()!) < 1e-9 && abs(model.scoreMax - f.lof_train_scores.max()!) < 1e-9)
        Self.expectClose(model.decisionFunction(Self.matrix(f.test)), f.lof_test_scores, relative: 1e-9, "\(name) LOF test")
        Self.expectClose(model.probability(Self.matrix(f.test)), f.lof_test_proba, relative: 1e-9, "\(name) LOF proba")
    }

    @Test(arguments: fixtures.map(\.name))
    func hbosMatchesPyOD(_ name: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let model = try TrainedModel.fit(
            ModelConfig(name: "HBOS", tag: "hbos", params: ["contamination": .double(0.01)]),
            on: Self.matrix(f.train), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "")
        Self.expectClose(model.decisionFunction(Self.matrix(f.train)), f.hbos_train_scores, relative: 1e-9, "\(name) HBOS train")
        Self.expectClose(model.decisionFunction(Self.matrix(f.test)), f.hbos_test_scores, relative: 1e-9, "\(name) HBOS test")
    }

    /// ECOD and COPOD score new points against the training rows and the points scored with
    /// them, as PyOD does: checked for the whole test set at once and for each point alone.
    @Test(arguments: fixtures.flatMap { f in ["ECOD", "COPOD"].map { (f.name, $0) } })
    func empiricalCDFDetectorsMatchPyOD(_ name: String, _ detector: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let expected =
            detector == "ECOD"
            ? (f.ecod_train_scores, f.ecod_test_scores, f.ecod_test_alone_scores)
            : (f.copod_train_scores, f.copod_test_scores, f.copod_test_alone_scores)
        let model = try TrainedModel.fit(
            ModelConfig(name: detector, tag: "t", params: [:]), on: Self.matrix(f.train), batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "")
        #expect(abs(model.scoreMin - expected.0.min()!) < 1e-9 && abs(model.scoreMax - expected.0.max()!) < 1e-9)
        Self.expectClose(model.decisionFunction(Self.matrix(f.test)), expected.1, relative: 1e-9, "\(name) \(detector) test")
        Self.expectClose(
            f.test.map { model.decisionFunction(Self.matrix([$0]))[0] }, expected.2, relative: 1e-9,
            "\(name) \(detector) alone")
    }

    /// A forest cannot match scikit-learn's draw for draw, but with 2,000 trees both are close to
    /// the expected score, so they agree to well under what an off-by-one depth or a wrong c(n)
    /// would move (0.03 or more).
    @Test(arguments: fixtures.map(\.name))
    func iforestAgreesWithScikitLearn(_ name: String) throws {
        let f = Self.fixtures.first { $0.name == name }!
        let config = ModelConfig(name: "IForest", tag: "iforest", params: ["contamination": .double(0.01), "n_estimators": .int(2000)])
        let model = try TrainedModel.fit(
            config, on: Self.matrix(f.train), batch: "b", metric: "m", trainedAt: referenceTime,
            fingerprint: "", seed: 7)
        let train = model.decisionFunction(Self.matrix(f.train))
        let test = model.decisionFunction(Self.matrix(f.test))
        for (got, expected, what) in [(train, f.iforest_train_scores, "train"), (test, f.iforest_test_scores, "test")] {
            #expect(got.count == expected.count)
            let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 0.01, "\(name) IForest \(what): largest difference \(worst)")
        }
        #expect(Self.spearman(test, f.iforest_test_scores) >= 0.95)
    }

    @Test func knnTrainingScoresLeaveThePointItselfOut() {
        let f = Self.fixtures[0]
        let (_, scores) = KNNDetector.fit(Self.matrix(f.train), params: [:])
        Self.expectClose(scores, f.knn_train_scores, relative: 1e-9, "KNN train")
    }
}
