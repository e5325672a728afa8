import Engine
import Fixtures
import Foundation
import Testing

@Suite struct SyntheticSeriesTests {
    @Test func sameSeedSameSeriesOtherNameOtherNoise() {
        let series = SyntheticSeries(start: Date(timeIntervalSince1970: 0), noise: 1)
        let a = series.rows(batch: "b", name: "x", count: 48, seed: 9)
        #expect(a == series.rows(batch: "b", name: "x", count: 48, seed: 9))
        #expect(a.map(\.value) != series.rows(batch: "b", name: "y", count: 48, seed: 9).map(\.value))
        #expect(a[1].timestamp.timeIntervalSince(a[0].timestamp) == 3600)
        let mean = a.map(\.value).reduce(0, +) / 48
        #expect(abs(mean - 100) < 1)
    }
}
