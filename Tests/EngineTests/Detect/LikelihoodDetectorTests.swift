import Engine
import Fixtures
import Foundation
import Testing

@Suite struct LikelihoodDetectorTests {
    /// Rows of (current, lag 1, lag 2) over a repeating pattern with MAD 1 around 10.
    func rows(_ series: [Double], lags: Int = 2) -> FeatureMatrix {
        var values: [Double] = []
        var times: [Date] = []
        for i in lags..<series.count {
            for k in 0...lags { values.append(series[i - k]) }
            times.append(Date(timeIntervalSince1970: Double(i)))
        }
        return FeatureMatrix(rows: times.count, columns: lags + 1, values: values, timestamps: times)
    }

    static let normal: [Double] = (0..<200).map { [9, 10, 11, 10, 9, 11, 10, 12, 8, 10][$0 % 10] }

    @Test func aRunOfOddPointsScoresHigherThanOneAndNormalRowsScoreLow() throws {
        let detector = LikelihoodDetector.fit(rows(Self.normal), params: [:])
        #expect(detector.median == 10 && detector.surpriseSD > 0)
        let normal = detector.probability(rows(Array(Self.normal.prefix(20))))
        #expect(normal.allSatisfy { $0 < 0.5 }, "\(normal)")
        let one = detector.probability(rows([10, 10, 16]))[0]
        let run = detector.probability(rows([16, 16, 16]))[0]
        #expect(run > one && one > normal.max()!)
        #expect(run <= 1)
    }

    @Test func probabilitiesStayDistinctFarIntoTheTail() {
        let wide = LikelihoodDetector(median: 0, scale: 1, surpriseMean: 0, surpriseSD: 1, decades: 40)
        let p = wide.probability(rows([0, 0, 6, 0, 0, 7, 0, 0, 8], lags: 0))
        #expect(p[2] < p[5] && p[5] < p[8] && p[8] < 1)
        let narrow = LikelihoodDetector(median: 0, scale: 1, surpriseMean: 0, surpriseSD: 1, decades: 10)
        #expect(narrow.probability(rows([7, 8], lags: 0)) == [1, 1], "with 10 decades, probabilities reach 1 near z = 6.4")
    }

    @Test func itRoundTripsThroughTheModelFile() throws {
        let model = try TrainedModel.fit(
            ModelConfig(name: "LIKELIHOOD", tag: "l", params: ["decades": .double(20)]),
            on: rows(Self.normal), batch: "b", metric: "m", trainedAt: referenceTime, fingerprint: "f")
        let decoded = try TrainedModel.decode(try model.encoded(), key: "k")
        #expect(decoded == model && decoded.detector(as: LikelihoodDetector.self)?.decades == 20)
    }
}
