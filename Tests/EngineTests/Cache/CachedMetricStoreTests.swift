import Engine
import Fixtures
import Foundation
import Testing

/// The series cache is only a shortcut: whatever was written, by whom and in what order, a
/// cached read answers what the store itself answers.
/// Run on the embedded SQLite database and a real PostgreSQL server, whose triggers count rows.
@Suite(.serialized) struct CachedMetricStoreTests {
    static let kinds = TestServices.storeKinds

    func row(_ hour: Int, _ name: String = "m", _ type: MetricType = .metric, _ value: Double = 1) -> MetricRow {
        MetricRow(timestamp: referenceTime.addingTimeInterval(Double(hour) * 3600), batch: "b", name: name, type: type, value: value)
    }

    func time(_ hour: Int) -> Date { referenceTime.addingTimeInterval(Double(hour) * 3600) }

    /// Every shape of query the jobs make of one series, and a few they do not.
    func queries(now hour: Int, name: String = "m") -> [MetricQuery] {
        var queries: [MetricQuery] = []
        for latest in [nil, 1, 3, 10, 40] as [Int?] {
            for from in [nil, hour - 30, hour - 5, hour + 2] as [Int?] {
                for through in [nil, hour, hour - 7] as [Int?] {
                    queries.append(
                        MetricQuery(
                            batch: "b", names: [name], types: [.metric], from: from.map(time), through: through.map(time), latest: latest))
                }
            }
        }
        // Bounds between stored seconds compare as the store compares them.
        queries.append(MetricQuery(batch: "b", names: [name], types: [.metric], from: time(hour - 4).addingTimeInterval(0.5)))
        queries.append(MetricQuery(batch: "b", names: [name], types: [.metric], through: time(hour - 2).addingTimeInterval(0.5), latest: 4))
        return queries
    }

    func expectSameAnswers(_ cached: CachedMetricStore, _ store: any MetricStore, now hour: Int, step: Int) throws {
        for query in queries(now: hour) {
            let expected = try store.rows(query)
            #expect(try cached.rows(query) == expected, "step \(step): \(query)")
            let extent = try cached.extent(query)
            #expect(extent == (try store.extent(query)), "step \(step): \(query)")
        }
    }

    /// New rows, late rows, rows already stored, deletions, and rows another process writes
    /// straight to the store, in a seeded random order: every read agrees with the store's.
    @Test(arguments: kinds, [1, 2, 3] as [UInt64]) func readsAgreeWithTheStoreWhateverIsWritten(_ kind: String, seed: UInt64) throws {
        try TestServices.withDatabase(kind, prefix: "series") { try readsAgree(database: $0, seed: seed) }
    }

    func readsAgree(database: any EngineStore, seed: UInt64) throws {
        let store = try database.store(table: "metrics")
        let cache = SeriesCache(budget: .max)
        let cached = CachedMetricStore(base: store, cache: cache, table: "metrics")
        var random = Xoshiro256(seed: seed)
        var hour = 0
        func value() -> Double { Double(random.next() % 64) / 4 }
        for step in 0..<120 {
            switch random.next() % 10 {
            case 0..<5:  // the next points, through the cached store or past it
                let count = Int(random.next() % 3) + 1
                let rows = (0..<count).map { row(hour + $0, "m", .metric, value()) }
                hour += count
                try (random.next() % 2 == 0 ? cached : store).insert(rows)
            case 5: try store.insert([row(hour - Int(random.next() % 20) - 1, "m", .metric, value())])  // a late row
            case 6: try cached.insert([row(max(hour - 1, 0), "m", .metric, 99)])  // already stored: ignored
            case 7: try store.delete(MetricQuery(batch: "b", types: [.metric], through: time(hour - 25)))  // retention
            case 8: try store.insert([row(hour, "other"), row(hour, "m", .score, value())])  // other series
            default: break
            }
            try expectSameAnswers(cached, store, now: hour, step: step)
        }
        #expect(cache.byteCount > 0)
    }

    /// The store counts each series' rows as they are written and deleted, by anyone: a row it
    /// already had is not counted.
    @Test(arguments: kinds) func theStoreCountsEachSeriesWritesAndDeletions(_ kind: String) throws {
        try TestServices.withDatabase(kind, prefix: "series") { try counts(database: $0) }
    }

    func counts(database: any EngineStore) throws {
        let store = try database.store(table: "metrics")
        #expect(try store.seriesVersion(batch: "b", name: "m", type: .metric) == .zero)
        try store.insert([row(0), row(1), row(2), row(0, "m", .score), row(0, "n")])
        try store.insert([row(2), row(3)])
        #expect(try store.seriesVersion(batch: "b", name: "m", type: .metric) == SeriesVersion(inserted: 4, deleted: 0))
        try store.delete(MetricQuery(batch: "b", names: ["m"], types: [.metric], through: time(1)))
        #expect(try store.seriesVersion(batch: "b", name: "m", type: .metric) == SeriesVersion(inserted: 4, deleted: 2))
        #expect(try store.seriesVersion(batch: "b", name: "m", type: .score) == SeriesVersion(inserted: 1, deleted: 0))
        #expect(try store.seriesVersion(batch: "b", name: "n", type: .metric) == SeriesVersion(inserted: 1, deleted: 0))
        // Another table's rows are its own.
        try database.store(table: "other").insert([row(0)])
        #expect(try store.seriesVersion(batch: "b", name: "m", type: .metric) == SeriesVersion(inserted: 4, deleted: 2))
    }

    /// Past its budget the cache admits no new series, keeps the ones it holds, and the reads
    /// it does not keep still answer from the store.
    @Test func theBudgetBoundsWhatIsKept() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let store = try database.store(table: "metrics")
        try store.insert((0..<50).flatMap { [row($0, "a"), row($0, "b")] })
        // What one series' window takes.
        let probe = SeriesCache(budget: .max)
        _ = try CachedMetricStore(base: store, cache: probe, table: "metrics").rows(
            MetricQuery(batch: "b", names: ["a"], types: [.metric], latest: 10))
        let size = probe.byteCount
        let cache = SeriesCache(budget: size + size / 2)
        let cached = CachedMetricStore(base: store, cache: cache, table: "metrics")
        for name in ["a", "b", "a", "b"] {
            let query = MetricQuery(batch: "b", names: [name], types: [.metric], latest: 10)
            #expect(try cached.rows(query) == (try store.rows(query)))
        }
        #expect(cache.byteCount == size)
        let none = SeriesCache(budget: 0)
        _ = try CachedMetricStore(base: store, cache: none, table: "metrics").rows(MetricQuery(batch: "b", names: ["a"], types: [.metric]))
        #expect(none.byteCount == 0)
    }
}
