import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct TrainedModelTests {
    func sample() -> FeatureMatrix {
        var values: [Double] = []
        for i in 0..<50 { values += [sin(Double(i)), cos(Double(i) * 0.7), Double(i % 7)] }
        return FeatureMatrix(rows: 50, columns: 3, values: values, timestamps: (0..<50).map { Date(timeIntervalSince1970: Double($0)) })
    }

    @Test(arguments: ["PCA", "KNN", "IForest", "LOF", "ECOD", "COPOD", "HBOS", "CONTEXT"])
    func encodingRoundTripsExactly(_ name: String) throws {
        let model = try TrainedModel.fit(
            ModelConfig(name: name, tag: "t", params: [:]), on: sample(), batch: "b", metric: "m/x",
            trainedAt: referenceTime, fingerprint: "abc")
        let data = try model.encoded()
        let decoded = try TrainedModel.decode(data, key: "k")
        #expect(decoded == model)
        #expect(try decoded.probability(sample()) == model.probability(sample()))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{") && text.contains("\"format\":\"anomaly-engine-model\"") && text.contains("\"version\":2"))
        #expect(text.range(of: #","checksum":"[0-9a-f]{64}"\}$"#, options: .regularExpression) != nil)
    }

    @Test func aCorruptFileIsRefusedAndAVersionOneFileStillReads() throws {
        let model = try TrainedModel.fit(
            ModelConfig(name: "PCA", tag: "t", params: [:]), on: sample(), batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "abc")
        var bytes = [UInt8](try model.encoded())
        let flip = bytes.firstIndex(of: UInt8(ascii: "7")) ?? 40
        bytes[flip] = bytes[flip] == UInt8(ascii: "8") ? UInt8(ascii: "9") : UInt8(ascii: "8")
        #expect {
            try TrainedModel.decode(Data(bytes), key: "k")
        } throws: { "\($0)".contains("the checksum does not match: the file is corrupt") }
        #expect(throws: DetectorError.self) { try TrainedModel.decode(try model.encoded().prefix(300), key: "k") }
        // A version 1 file (before checksums) is read as it was.
        var text = String(decoding: try model.encoded(), as: UTF8.self)
        text = String(text[..<text.range(of: #","checksum":"#)!.lowerBound]) + "}"
        text = text.replacingOccurrences(of: "\"version\":2", with: "\"version\":1")
        #expect(try TrainedModel.decode(Data(text.utf8), key: "k").fingerprint == "abc")
        let unsigned = text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2")
        #expect(throws: DetectorError.self) { try TrainedModel.decode(Data(unsigned.utf8), key: "k") }
    }

    @Test func newerVersionsAndOtherFormatsAreRefused() throws {
        var model = try TrainedModel.fit(
            ModelConfig(name: "PCA", tag: "t", params: [:]), on: sample(), batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "")
        model.version = 99
        #expect(throws: DetectorError.self) { try TrainedModel.decode(try model.encoded(), key: "k") }
        #expect(throws: DetectorError.self) { try TrainedModel.decode(Data("{\"pickle\":1}".utf8), key: "k") }
    }

    @Test func probabilitiesAreClippedToTheUnitInterval() throws {
        let model = try TrainedModel.fit(
            ModelConfig(name: "KNN", tag: "t", params: [:]), on: sample(), batch: "b", metric: "m",
            trainedAt: referenceTime, fingerprint: "")
        let far = FeatureMatrix(rows: 2, columns: 3, values: [100, 100, 100, 0, 1, 3], timestamps: [referenceTime, referenceTime])
        let p = model.probability(far)
        #expect(p[0] == 1)
        #expect(p[1] >= 0 && p[1] <= 1)
    }

    @Test func constantDataGivesFiniteScores() throws {
        let flat = FeatureMatrix(
            rows: 20, columns: 2, values: Array(repeating: 3, count: 40), timestamps: (0..<20).map { Date(timeIntervalSince1970: Double($0)) })
        for name in ["PCA", "KNN"] {
            let model = try TrainedModel.fit(
                ModelConfig(name: name, tag: "t", params: [:]), on: flat, batch: "b", metric: "m",
                trainedAt: referenceTime, fingerprint: "")
            #expect(try model.probability(flat).allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            _ = try model.encoded()
        }
    }

    @Test func storeKeysAreSafeFileNames() {
        #expect(TrainedModel.storeKey(batch: "b", metric: "cpu.user", tag: "pca_default") == "b/cpu.user_pca_default.json")
        #expect(TrainedModel.storeKey(batch: "b", metric: "../x y", tag: "t") == "b/%2E.%2Fx%20y_t.json")
    }
}

/// Model files written by the engine before detectors sat behind the `Detector` protocol
/// (commit ed17abf, `engine run ingest train` on the example batches) read, and write back byte
/// for byte: the file layout did not change.
@Suite struct EarlierModelFileTests {
    @Test(arguments: ["synthetic_anomalous_novelty", "synthetic_anomalous_pca"])
    func aFileFromTheEarlierEngineReadsAndWritesBackUnchanged(_ name: String) throws {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/models")!
        let data = try Data(contentsOf: url)
        let model = try TrainedModel.decode(data, key: name)
        #expect(type(of: model.detector).fileKey == String(name.split(separator: "_").last!))
        #expect(try model.encoded() == data)
    }
}
