import Engine
import Fixtures
import Foundation
import Testing

@testable import Backtest

/// Feedback as labels, read from the embedded SQLite store and from a real PostgreSQL server (a
/// fresh database on the server scripts/test-services.sh starts), as `--feedback-db` opens them.
@Suite struct FeedbackCorpusTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func hour(_ i: Int) -> Date { start.addingTimeInterval(Double(i) * 3600) }

    /// A fresh store of `kind`, opened by location as the backtest command opens it.
    func withStore(_ kind: String, _ body: (any MetricStore) throws -> Void) throws {
        try TestServices.withDatabase(kind, prefix: "feedback") { try body(try $0.store(table: "metrics")) }
    }

    @Test(arguments: TestServices.storeKinds) func thumbsUpBecomeNABWindowsAndThumbsDownDoNot(_ kind: String) throws {
        try withStore(kind) { store in try thumbsUpBecomeNABWindows(store) }
    }

    func thumbsUpBecomeNABWindows(_ store: any MetricStore) throws {
        try store.insert(
            (0..<1000).flatMap { i in
                [
                    MetricRow(timestamp: hour(i), batch: "shop", name: "orders", type: .metric, value: Double(i % 24)),
                    MetricRow(timestamp: hour(i), batch: "shop", name: "quiet", type: .metric, value: 1),
                ]
            })
        try store.insert([
            MetricRow(timestamp: hour(500), batch: "shop", name: "orders", type: .thumbsup, value: 1),
            MetricRow(timestamp: hour(700), batch: "shop", name: "orders", type: .thumbsdown, value: 1),
            MetricRow(timestamp: hour(100), batch: "shop", name: "orders", type: .thumbsup, value: 1),
        ])
        let corpus = try FeedbackCorpus.load(store: store, batch: "shop")
        #expect(corpus.map(\.path) == ["shop/orders.csv"], "metrics without feedback are left out")
        #expect(corpus.map(\.metric) == ["orders"], "a backtest runs it under its own name")
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
