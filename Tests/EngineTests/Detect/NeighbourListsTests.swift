import Foundation
import Testing

@testable import Engine

@Suite struct NeighbourListsTests {
    /// Rows of a noisy series with repeated values (ties), as lag features would be.
    func matrix(from start: Int, count: Int, columns: Int = 3, changed: Int? = nil) -> FeatureMatrix {
        var values: [Double] = []
        for i in start..<(start + count) {
            for c in 0..<columns {
                var v = Double((i * 7 + c * 3) % 11) + (i % 5 == 0 ? 0 : Double(i % 3) * 0.25)
                if i == changed { v += 100 }
                values.append(v)
            }
        }
        return FeatureMatrix(
            rows: count, columns: columns, values: values,
            timestamps: (start..<(start + count)).map { Date(timeIntervalSince1970: Double($0) * 60) })
    }

    func scores(_ x: FeatureMatrix, memo: DetectorMemo?) -> [Double] {
        KNNDetector.fit(x, params: ["n_neighbors": .int(4)], memo: memo, memoKey: "m").1
    }

    @Test func updatingAMovingWindowGivesExactlyTheFullResult() {
        let memo = DetectorMemo()
        for (start, count) in [(0, 120), (1, 120), (3, 121), (3, 121), (10, 118), (60, 120), (200, 50)] {
            let x = matrix(from: start, count: count)
            #expect(scores(x, memo: memo) == scores(x, memo: nil), "window \(start)+\(count)")
        }
    }

    @Test func rowsWhoseFeaturesChangedAreTreatedAsNew() {
        let memo = DetectorMemo()
        _ = scores(matrix(from: 0, count: 100), memo: memo)
        let changed = matrix(from: 2, count: 100, changed: 50)
        #expect(scores(changed, memo: memo) == scores(changed, memo: nil))
    }
}
