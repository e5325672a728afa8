import Foundation
import Testing

@testable import Engine

@Suite struct HBOSDetectorTests {
    static func matrix(_ values: [Double]) -> FeatureMatrix {
        FeatureMatrix(rows: values.count, columns: 1, values: values, timestamps: values.indices.map { Date(timeIntervalSince1970: Double($0)) })
    }

    /// The expected figures are PyOD 3.6.7's own, for `HBOS(n_bins=5)` on these values: its
    /// histogram, and its scores on an interior edge, a bin's upper edge, values within and beyond
    /// half a bin outside the range, and the same for a constant training.
    @Test func binsEdgesAndOutsideValuesFollowPyOD() {
        let (hbos, _) = HBOSDetector.fit(Self.matrix([0, 1, 1, 2, 3, 3, 3, 4, 9, 10]), params: ["n_bins": .int(5)])
        #expect(hbos.edges == [[0, 2, 4, 6, 8, 10]])
        #expect(zip(hbos.densities[0], [0.15, 0.2, 0.05, 0, 0.1]).allSatisfy { abs($0 - $1) < 1e-15 })
        let scores = hbos.decisionFunction(Self.matrix([2, 4, 10.5, 11.5, -0.9, -1.1]))
        let pyod = [2.0, 1.7369655941662059, 2.321928094887362, 3.321928094887362, 2.0, 3.321928094887362]
        #expect(zip(scores, pyod).allSatisfy { abs($0 - $1) < 1e-12 }, "\(scores)")

        let (constant, _) = HBOSDetector.fit(Self.matrix(Array(repeating: 3, count: 6)), params: ["n_bins": .int(5)])
        #expect(zip(constant.edges[0], [2.5, 2.7, 2.9, 3.1, 3.3, 3.5]).allSatisfy { abs($0 - $1) < 1e-12 })
        let constantScores = constant.decisionFunction(Self.matrix([3, 3.4]))
        #expect(abs(constantScores[0] - -2.350497247084132) < 1e-12 && abs(constantScores[1] - 3.321928094887362) < 1e-12)
    }

    @Test func parametersDefaultAsPyODs() {
        let (hbos, scores) = HBOSDetector.fit(Self.matrix((0..<50).map(Double.init)), params: [:])
        #expect(hbos.bins == 10 && hbos.alpha == 0.1 && hbos.tolerance == 0.5 && scores.count == 50)
    }
}
