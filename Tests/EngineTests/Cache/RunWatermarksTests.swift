import Engine
import Fixtures
import Foundation
import Testing

/// A run the watermarks return at once reports and writes exactly what a full run would: the
/// score and train jobs, run with and without them on twin stores fed the same rows, in a
/// seeded random order of new points, points stamped ahead of the clock, deletions, time that
/// passes with nothing new, windows that lose rows to their age limit, and settings changed.
/// Run on the embedded SQLite database and a real PostgreSQL server, whose triggers count rows.
@Suite(.serialized) struct RunWatermarksTests {
    static let kinds = TestServices.storeKinds
    static let metrics = ["a", "b", "c"]
    let yaml = "metric_batch: test\ningest_sql: select 1\ntrain_min_n: 6\ntrain_metric_timestamp_max_days_ago: 1\n"

    /// One store with its own model store and job context.
    struct Twin {
        let store: any MetricStore
        let models = InMemoryModelStore()
        let context: JobContext

        init(database: any EngineStore, clock: TestClock, watermarks: RunWatermarks?) throws {
            store = try database.store(table: "metrics")
            context = JobContext(
                clock: clock, seed: 7, stores: database, models: models, sources: StaticDataSource(rows: []),
                ingestRunner: CannedIngestRunner(), deliveries: database, mutes: database,
                channels: RecordingChannel().everyMethod, plots: RecordingPlotSink(),
                templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: quietLogger(),
                memo: DetectorMemo(), series: SeriesCache(budget: .max), watermarks: watermarks)
        }

        func run(_ batch: BatchConfig) async throws -> [JobOutcome] {
            [try await TrainJob().run(batch: batch, context: context), try await ScoreJob().run(batch: batch, context: context)]
        }

        func scores() throws -> [MetricRow] { try store.rows(MetricQuery(batch: "test", types: [.score])) }
    }

    @Test(arguments: kinds, [1, 2, 3] as [UInt64]) func idleRunsReportAndWriteWhatFullRunsDo(_ kind: String, seed: UInt64) async throws {
        try await TestServices.withDatabase(kind, prefix: "marks_full") { full in
            try await TestServices.withDatabase(kind, prefix: "marks_idle") { idle in
                try await compare(full: full, idle: idle, seed: seed)
            }
        }
    }

    func compare(full fullDatabase: any EngineStore, idle idleDatabase: any EngineStore, seed: UInt64) async throws {
        let clock = TestClock(referenceTime)
        let watermarks = RunWatermarks()
        let full = try Twin(database: fullDatabase, clock: clock, watermarks: nil)
        let idle = try Twin(database: idleDatabase, clock: clock, watermarks: watermarks)
        let settings = [try batch(yaml), try batch(yaml + "score_max_n: 5\n")]
        var current = settings[0]
        var random = Xoshiro256(seed: seed)
        func write(_ rows: [MetricRow]) throws {
            #expect(try full.store.insert(rows) == idle.store.insert(rows))
        }
        func point(_ metric: String, at time: Date) -> MetricRow {
            MetricRow(timestamp: time, batch: "test", name: metric, type: .metric, value: Double(random.next() % 40) / 4)
        }
        // A history to train on.
        for hour in -12...0 {
            try write(Self.metrics.map { point($0, at: clock.now.addingTimeInterval(Double(hour) * 3600)) })
        }
        for step in 0..<80 {
            let metric = Self.metrics[Int(random.next() % 3)]
            switch random.next() % 12 {
            case 0..<4:  // a new point at the clock's time
                try write([point(metric, at: MetricTimestamp.stored(clock.now))])
            case 4:  // a point stamped ahead of the clock, seen when the clock gets there
                try write([point(metric, at: MetricTimestamp.stored(clock.now).addingTimeInterval(Double(1 + random.next() % 3) * 1800))])
            case 5:  // the oldest points of a metric deleted, as retention does
                let cut = MetricQuery(batch: "test", names: [metric], types: [.metric], through: clock.now.addingTimeInterval(-20 * 3600))
                #expect(try full.store.delete(cut) == idle.store.delete(cut))
            case 6:  // a setting changed
                current = settings[Int(random.next() % 2)]
            default:  // time passes with nothing new
                break
            }
            let expected = try await full.run(current)
            let got = try await idle.run(current)
            #expect(got == expected, "step \(step)")
            #expect(try idle.scores() == full.scores(), "step \(step)")
            clock.advance(by: Double(random.next() % 4) * 900)
        }
        #expect(watermarks.idleRuns >= 20, "most runs had nothing new to do")
        #expect(try !full.scores().isEmpty)
    }
}
