import Foundation
import Testing

@testable import Backtest

@Suite struct VolumeUnderSurfaceTests {
    @Test func withoutABufferTheAreaFollowsTheRangeCurveByHand() {
        let surface = VolumeUnderSurface(series: [.init(scores: [0.1, 0.9, 0.8, 0.2, 0], positive: [false, false, true, true, false])])
        // 0.9: a negative, precision 0. 0.8: half the window's rows, the window found: recall 1/2,
        // precision 1/2. 0.2: recall 1, precision 2/3. Trapezoids: 1/2·(1/2+0)/2 + 1/2·(2/3+1/2)/2.
        #expect(abs(surface.prArea(buffer: 0) - 5.0 / 12) < 1e-12)
        let perfect = VolumeUnderSurface(series: [.init(scores: [0, 0, 1, 1, 0], positive: [false, false, true, true, false])])
        #expect(abs(perfect.prArea(buffer: 0) - 1) < 1e-12)
    }

    @Test func aBufferLabelsTheRowsBesideAWindowSoftly() {
        let labels = VolumeUnderSurface.widened([false, false, false, true, false, false, false], buffer: 4)
        let near = (1 - 1.0 / 4).squareRoot(), far = (1 - 2.0 / 4).squareRoot()
        #expect(labels == [0, far, near, 1, near, far, 0])
        #expect(VolumeUnderSurface.widened([true, false, true], buffer: 4) == [1, 1, 1], "buffers meeting are capped at 1")
    }

    /// What VUS-PR is for: a detector that fires just before a window is better than one that
    /// fires far from it, which average precision cannot tell apart.
    @Test func aNearMissEarnsMoreThanAFarOne() {
        var positive = [Bool](repeating: false, count: 300)
        for i in 150..<160 { positive[i] = true }
        func scores(peakAt row: Int) -> [Double] {
            var s = [Double](repeating: 0, count: 300)
            s[row] = 1
            return s
        }
        let near = VolumeUnderSurface(series: [.init(scores: scores(peakAt: 147), positive: positive)]).prVolume()
        let far = VolumeUnderSurface(series: [.init(scores: scores(peakAt: 20), positive: positive)]).prVolume()
        #expect(near > far + 0.01, "near \(near), far \(far)")
        let inside = VolumeUnderSurface(series: [.init(scores: scores(peakAt: 150), positive: positive)]).prVolume()
        #expect(inside > near)
        #expect(VolumeUnderSurface(series: [.init(scores: [1, 0], positive: [false, false])]).prVolume() == 0, "no windows, no volume")
    }
}
