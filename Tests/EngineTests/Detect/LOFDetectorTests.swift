import Foundation
import Testing

@testable import Engine

@Suite struct LOFDetectorTests {
    static func matrix(_ values: [Double], columns: Int, from start: Int = 0) -> FeatureMatrix {
        FeatureMatrix(
            rows: values.count / columns, columns: columns, values: values,
            timestamps: (0..<(values.count / columns)).map { Date(timeIntervalSince1970: Double(start + $0) * 60) })
    }

    @Test func aPointInTheCrowdScoresAboutOneAndALoneOneFarMore() {
        var random = Xoshiro256(seed: 5)
        let train = Self.matrix((0..<400).map { _ in random.nextGaussian() }, columns: 2)
        let (lof, trainingScores) = LOFDetector.fit(train, params: [:])
        let scores = lof.decisionFunction(Self.matrix([0.1, 0, 5, 5], columns: 2))
        #expect(abs(scores[0] - 1) < 0.2 && scores[1] > 3, "\(scores)")
        #expect(lof.neighbours == 20 && trainingScores.count == 200 && trainingScores.allSatisfy { $0 > 0.5 && $0.isFinite })
    }

    @Test func duplicatesAndTinyTrainingsStayFinite() {
        let constant = Self.matrix(Array(repeating: 3, count: 40), columns: 1)
        let (lof, scores) = LOFDetector.fit(constant, params: [:])
        // Every distance is 0: scikit-learn's 1e-10 keeps the density finite, and the ratio is 1.
        #expect(scores.allSatisfy { $0 == 1 })
        #expect(lof.decisionFunction(Self.matrix([3, 4], columns: 1)).allSatisfy { $0.isFinite })
        let (small, _) = LOFDetector.fit(Self.matrix([1, 2, 3, 4, 5], columns: 1), params: ["n_neighbors": .int(20)])
        #expect(small.neighbours == 4, "at most the rows less one, as scikit-learn clamps it")
    }

    /// A backtest retrains on a window moved by a few rows; through the memo the neighbour
    /// lists are updated, and the model must equal one fitted from nothing.
    @Test func aMovingWindowFitsThroughTheMemoAsFromNothing() {
        var random = Xoshiro256(seed: 9)
        let values = (0..<1_200).map { _ in random.nextGaussian() }
        let memo = DetectorMemo()
        for shift in [0, 1, 7, 50] {
            let window = Self.matrix(Array(values[(shift * 2)..<(shift * 2 + 1_000)]), columns: 2, from: shift)
            let (viaMemo, memoScores) = LOFDetector.fit(window, params: [:], memo: memo, memoKey: "k")
            let (fresh, freshScores) = LOFDetector.fit(window, params: [:])
            #expect(viaMemo == fresh && memoScores == freshScores, "shift \(shift)")
        }
    }
}
