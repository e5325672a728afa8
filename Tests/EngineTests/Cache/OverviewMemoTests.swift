import Engine
import Fixtures
import Foundation
import Testing

/// The dashboard's overviews are kept while their batch's data is unchanged, and never past it.
@Suite struct OverviewMemoTests {
    let key = OverviewMemo.Key(table: "metrics", batch: "b", question: "standings 90n")

    @Test func aValueIsKeptWhileTheGenerationHoldsAndItIsYoung() throws {
        let memo = OverviewMemo(capacity: 4, maxAge: 60)
        var computed = 0
        func ask(_ generation: Int64?, at seconds: Double) -> Int {
            memo.value(key, generation: generation, now: referenceTime.addingTimeInterval(seconds)) {
                computed += 1
                return computed
            }
        }
        #expect(ask(7, at: 0) == 1)
        #expect(ask(7, at: 59) == 1)  // kept
        #expect(ask(8, at: 59) == 2)  // a write moved the generation on
        #expect(ask(8, at: 119) == 3)  // a minute of clock: a window ending now has moved
        #expect(ask(8, at: 60) == 3)  // a clock set back within the minute keeps it
        #expect(ask(nil, at: 60) == 4 && ask(nil, at: 60) == 5)  // a store without generations: never kept
    }

    /// An answer that does not move with the clock (a ranking over each metric's latest points)
    /// is kept past the memo's minute, for `timelessAge`, and still not past a write.
    @Test func aTimelessValueOutlivesTheMinuteButNotAWrite() {
        let memo = OverviewMemo(capacity: 4, maxAge: 60)
        var computed = 0
        func ask(_ generation: Int64, at seconds: Double) -> Int {
            memo.value(key, generation: generation, now: referenceTime.addingTimeInterval(seconds), maxAge: OverviewMemo.timelessAge) {
                computed += 1
                return computed
            }
        }
        #expect(ask(7, at: 0) == 1)
        #expect(ask(7, at: 600) == 1)  // ten minutes on, the same data: kept
        #expect(ask(8, at: 601) == 2)  // a write
        #expect(ask(8, at: 601 + OverviewMemo.timelessAge) == 3)  // a row stamped ahead of the clock may have come into view
    }

    @Test func theMemoHoldsAtMostItsCapacity() {
        let memo = OverviewMemo(capacity: 3, maxAge: 60)
        for i in 0..<10 {
            _ = memo.value(OverviewMemo.Key(table: "t", batch: "b", question: "q\(i)"), generation: 1, now: referenceTime.addingTimeInterval(Double(i))) { i }
        }
        #expect(memo.count == 3)
        // The newest stay.
        #expect(memo.value(OverviewMemo.Key(table: "t", batch: "b", question: "q9"), generation: 1, now: referenceTime.addingTimeInterval(10)) { -1 } == 9)
        #expect(memo.value(OverviewMemo.Key(table: "t", batch: "b", question: "q0"), generation: 1, now: referenceTime.addingTimeInterval(10)) { -1 } == -1)
    }

    /// Through the memo, a batch's ranking follows a write at once, and searches filter the kept
    /// ranking rather than ranking again.
    @Test func aRankingFollowsAWriteAtOnce() throws {
        let h = try Harness()
        let b = try batch("metric_batch: b\ningest_sql: select 1\n")
        let store = try h.store()
        try store.insert(hourly([1, 2, 3], batch: "b", name: "calm") + hourly([1, 2, 3], batch: "b", name: "loud"))
        try store.insert(
            ["calm", "loud"].flatMap { name in
                (0..<3).map { MetricRow(timestamp: referenceTime.addingTimeInterval(Double($0 - 2) * 3600), batch: "b", name: name, type: .score, value: 0.1) }
            })
        let memo = OverviewMemo()
        let overview = BatchOverview(stores: h.database, memo: memo)
        func ranking(_ search: String = "") throws -> [String] {
            try overview.standings(b, window: .lastPoints(90), now: referenceTime, filter: MetricFilter(search)).map { "\($0.metric) \($0.alerts)" }
        }
        #expect(try ranking() == ["calm 0", "loud 0"])
        try store.insert([MetricRow(timestamp: referenceTime, batch: "b", name: "loud", type: .alert, value: 1)])
        #expect(try ranking() == ["loud 1", "calm 0"])
        #expect(try ranking("^c") == ["calm 0"])
        #expect(memo.count == 1)
    }
}
