import Fixtures
import Foundation
import Testing

@testable import Engine

/// A long window is drawn with each part's lowest and highest point, so a one-point spike or dip
/// survives thinning; short windows are left as they are.
@Suite struct PlotThinningTests {
    static func month() -> PlotData {
        // 30 days of five-minute points: a daily wave, one spike and one dip of a single point each.
        let start = referenceTime.addingTimeInterval(-30 * 86_400)
        let values = (0..<8_640).map { i -> PlotData.Point in
            let wave = 10 + sin(Double(i) * 2 * .pi / 288)
            return PlotData.Point(start.addingTimeInterval(Double(i) * 300), i == 5_000 ? 95 : i == 7_000 ? -40 : wave)
        }
        var data = PlotData(
            batch: "shop", metric: "orders", values: values, scores: values.map { .init($0.time, $0.value > 50 ? 0.97 : 0.1) },
            alerts: [values[5_000].time], changes: [], thresholdAlerts: [], threshold: 0.8)
        data.band = values.map { .init($0.time, 8...12) }
        return data
    }

    @Test func aSpikeAndADipOfOnePointSurviveAMonthDrawnIn400Parts() {
        let data = Self.month()
        let thinned = data.thinned(toAtMost: 400)
        #expect(thinned.values.count <= 800 && thinned.values.count >= 400, "\(thinned.values.count)")
        #expect(thinned.values.map(\.value).max() == 95 && thinned.values.map(\.value).min() == -40)
        #expect(thinned.scores.map(\.value).max() == 0.97)
        #expect(thinned.values.first == data.values.first && thinned.values.last?.time == data.values.last?.time)
        #expect(zip(thinned.values, thinned.values.dropFirst()).allSatisfy { $0.time < $1.time }, "in time order")
        #expect(thinned.band.count <= 400 && thinned.band.allSatisfy { $0.low == 8 && $0.high == 12 })
        #expect(thinned.alerts == data.alerts, "marks are kept")
    }

    @Test func aShortWindowIsLeftAsItIs() {
        let day = Self.month()
        var short = day
        short.values = Array(day.values.prefix(288))
        short.scores = Array(day.scores.prefix(288))
        short.band = Array(day.band.prefix(288))
        #expect(short.thinned(toAtMost: 400) == short)
    }
}
