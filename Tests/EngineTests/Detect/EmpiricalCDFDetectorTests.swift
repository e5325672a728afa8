import Foundation
import Testing

@testable import Engine

@Suite struct EmpiricalCDFDetectorTests {
    static func matrix(_ values: [Double]) -> FeatureMatrix {
        FeatureMatrix(rows: values.count, columns: 1, values: values, timestamps: values.indices.map { Date(timeIntervalSince1970: Double($0)) })
    }

    @Test func skewnessPicksTheTailAsScipyWould() {
        #expect(EmpiricalCDFDetector.skewSign([1, 1, 1, 1]) == 0)
        #expect(EmpiricalCDFDetector.skewSign([1, 1, 1, 2, 10]) == 1)
        #expect(EmpiricalCDFDetector.skewSign([-10, 1, 1, 1, 2]) == -1)
        #expect(EmpiricalCDFDetector.skewSign([]) == 0)
    }

    @Test func tailsCountEqualValuesAndExtremesScoreHighest() {
        // Right-skewed training: ECOD scores both tails, COPOD mostly the skewed (right) one.
        let train = Self.matrix([1, 1, 2, 2, 2, 3, 3, 4, 6, 9])
        let (ecod, ecodTraining) = EmpiricalCDFDetector.fit(train, variant: .ecod)
        let (copod, _) = EmpiricalCDFDetector.fit(train, variant: .copod)
        // The two 1s share the left tail 2/10, the lone 9 has the right tail 1/10.
        #expect(abs(ecodTraining[0] - ecodTraining[1]) < 1e-15)
        #expect(abs(ecodTraining[9] - (-log(0.1))) < 1e-12)
        let newPoints = Self.matrix([20, -5, 2])
        let e = ecod.decisionFunction(newPoints)
        let c = copod.decisionFunction(newPoints)
        #expect(e[0] > e[2] && e[1] > e[2])
        #expect(c[0] > c[1], "COPOD weighs the skewed (right) tail: \(c)")
    }

    @Test func pointsAreScoredAgainstTheTrainingAndEachOther() {
        let train = Self.matrix((0..<100).map { Double($0 % 10) })
        let (ecod, _) = EmpiricalCDFDetector.fit(train, variant: .ecod)
        let alone = ecod.decisionFunction(Self.matrix([50]))[0]
        let together = ecod.decisionFunction(Self.matrix([50, 51]))[0]
        // Alone, 50 is the 1 in 101 beyond every value; with 51 beside it, 2 in 102 reach it.
        #expect(abs(alone - (-log(1.0 / 101))) < 1e-12 && abs(together - (-log(2.0 / 102))) < 1e-12)
    }
}
