@testable import Backtest
import Engine
import Foundation
import Testing

@Suite struct FeedbackCorpusTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func hour(_ i: Int) -> Date { start.addingTimeInterval(Double(i) * 3600) }

    @Test func thumbsUpBecomeNABWindowsAndThumbsDownDoNot() throws {
        let store = try SQLiteDatabase(path: ":memory:").store(table: "metrics")
        try store.insert((0..<1000).flatMap { i in
            [MetricRow(timestamp: hour(i), batch: "shop", name: "orders", type: .metric, value: Double(i % 24)),
             MetricRow(timestamp: hour(i), batch: "shop", name: "quiet", type: .metric, value: 1)]
        })
        try store.insert([
            MetricRow(timestamp: hour(500), batch: "shop", name: "orders", type: .thumbsup, value: 1),
            MetricRow(timestamp: hour(700), batch: "shop", name: "orders", type: .thumbsdown, value: 1),
            MetricRow(timestamp: hour(100), batch: "shop", name: "orders", type: .thumbsup, value: 1),
        ])
        let corpus = try FeedbackCorpus.load(store: store, batch: "shop")
        #expect(corpus.map(\.path) == ["shop/orders.csv"], "metrics without feedback are left out")
        // Two confirmed anomalies: windows of 0.1 × 1000 / 2 = 50 rows; the one at row 100 reaches
        // into the 150 probationary rows and is dropped.
        #expect(corpus[0].windows == [hour(475)...hour(525)])
        #expect(corpus[0].timestamps.count == 1000)
    }

    @Test func overlappingWindowsMerge() {
        let times = (0..<1000).map(hour)
        #expect(FeedbackCorpus.windows(times: times, anomalies: [hour(500), hour(520)]) == [hour(475)...hour(545)])
    }
}
