import Engine
import Fixtures
import Foundation
import Testing

/// A run the watermarks return at once reports, writes and sends exactly what a full run would:
/// the train, score and alert jobs, run with and without them on twin stores fed the same rows,
/// in a seeded random order of new points and spikes, points stamped ahead of the clock,
/// deletions, time that passes with nothing new (windows that lose rows to their age limit,
/// silences, scores an evaluation delay held back), and settings changed.
/// Run on the embedded SQLite database and a real PostgreSQL server, whose triggers count rows.
@Suite(.serialized) struct RunWatermarksTests {
    static let kinds = TestServices.storeKinds
    static let metrics = ["a", "b", "c"]
    let yaml = """
        metric_batch: test
        ingest_sql: select 1
        alert_methods: webhook
        train_min_n: 6
        train_metric_timestamp_max_days_ago: 1
        alert_metric_timestamp_max_days_ago: 1
        no_data_after: 3h
        alert_recovery_n: 2
        alert_snooze_n: 4
        alert_smooth_n: 1
        model_configs:
          - model_name: NOVELTY
            model_tag: novelty
            model_params: {learn_days: 0, quiet_n: 3}

        """

    /// One store with its own model store and job context.
    struct Twin {
        let store: any MetricStore
        let models = InMemoryModelStore()
        let channel = RecordingChannel()
        let context: JobContext

        init(database: any EngineStore, clock: TestClock, watermarks: RunWatermarks?) throws {
            store = try database.store(table: "metrics")
            context = JobContext(
                clock: clock, seed: 7, stores: database, models: models, sources: StaticDataSource(rows: []),
                ingestRunner: CannedIngestRunner(), deliveries: database, mutes: database,
                channels: channel.everyMethod, plots: RecordingPlotSink(),
                templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: quietLogger(),
                memo: DetectorMemo(), series: SeriesCache(budget: .max), watermarks: watermarks)
        }

        func run(_ batch: BatchConfig) async throws -> [JobOutcome] {
            [
                try await TrainJob().run(batch: batch, context: context), try await ScoreJob().run(batch: batch, context: context),
                try await AlertJob().run(batch: batch, context: context),
            ]
        }

        /// What the jobs wrote and sent.
        func written() throws -> ([MetricRow], [String]) {
            (try store.rows(MetricQuery(batch: "test", types: [.score, .alert])), channel.delivered.map(\.id))
        }
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
        let settings = [try batch(yaml), try batch(yaml + "score_max_n: 5\nalert_evaluation_delay: 1h\n")]
        var current = settings[0]
        var random = Xoshiro256(seed: seed)
        func write(_ rows: [MetricRow]) throws {
            #expect(try full.store.insert(rows) == idle.store.insert(rows))
        }
        func point(_ metric: String, at time: Date, spike: Bool = false) -> MetricRow {
            MetricRow(timestamp: time, batch: "test", name: metric, type: .metric, value: spike ? 500 : Double(random.next() % 40) / 4)
        }
        // A history to train on.
        for hour in -12...0 {
            try write(Self.metrics.map { point($0, at: clock.now.addingTimeInterval(Double(hour) * 3600)) })
        }
        for step in 0..<120 {
            let metric = Self.metrics[Int(random.next() % 3)]
            switch random.next() % 13 {
            case 0..<4:  // a new point at the clock's time
                try write([point(metric, at: MetricTimestamp.stored(clock.now))])
            case 12:  // a spike
                try write([point(metric, at: MetricTimestamp.stored(clock.now), spike: true)])
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
            let (fullRows, fullSent) = try full.written()
            let (idleRows, idleSent) = try idle.written()
            #expect(idleRows == fullRows && idleSent == fullSent, "step \(step)")
            clock.advance(by: Double(random.next() % 4) * 900)
        }
        #expect(watermarks.idleRuns >= 30, "most runs had nothing new to do")
        let (rows, sent) = try full.written()
        #expect(rows.contains { $0.type == .score } && rows.contains { $0.type == .alert } && !sent.isEmpty)
    }

    /// Runs the alert job on both twins at each of `times` (seconds after the start), with
    /// `scores` of one metric stored beforehand, and returns what each sent.
    func alertsSent(_ extra: String, scores: [(hour: Double, score: Double)], metricRows: Bool, times: [Double]) async throws
        -> (full: [String], idle: [String], idleRuns: Int)
    {
        let clock = TestClock(referenceTime)
        let watermarks = RunWatermarks()
        let full = try Twin(database: try LocalInstallation.openDatabase(at: ":memory:"), clock: clock, watermarks: nil)
        let idle = try Twin(database: try LocalInstallation.openDatabase(at: ":memory:"), clock: clock, watermarks: watermarks)
        let config = try batch(yaml + extra)
        for twin in [full, idle] {
            try twin.store.insert(
                scores.flatMap { hour, score in
                    let time = referenceTime.addingTimeInterval(hour * 3600)
                    return [MetricRow(timestamp: time, batch: "test", name: "m", type: .score, value: score)]
                        + (metricRows ? [MetricRow(timestamp: time, batch: "test", name: "m", type: .metric, value: 1)] : [])
                })
        }
        for time in times {
            clock.set(referenceTime.addingTimeInterval(time))
            #expect(try await AlertJob().run(batch: config, context: idle.context) == AlertJob().run(batch: config, context: full.context))
        }
        return (full.channel.delivered.map(\.id), idle.channel.delivered.map(\.id), watermarks.idleRuns)
    }

    /// A score the evaluation delay held back is judged once it is old enough, with nothing new written.
    @Test func aScoreHeldBackByTheDelayIsJudgedWhenItsTimeComes() async throws {
        let sent = try await alertsSent(
            "alert_evaluation_delay: 1h\n", scores: [(-2, 0.1), (-1, 0.1), (0, 0.95)], metricRows: true,
            times: [0, 1_200, 2_400, 3_000, 3_660, 4_000])
        #expect(sent.full.count == 1 && sent.idle == sent.full, "\(sent)")
        #expect(sent.idleRuns >= 2)
    }

    /// A snoozing alert that leaves the `alert_metric_timestamp_max_days_ago` window lets the
    /// latest point alert, as a full run finds.
    @Test func anAlertLeavingTheWindowLiftsItsSnooze() async throws {
        let sent = try await alertsSent(
            "", scores: [(-2, 0.1), (-1, 0.95), (0, 0.95)], metricRows: false,
            times: [0, 3_600, 43_200, 82_800 + 60, 86_400 - 60])
        #expect(sent.full.count == 2 && sent.idle == sent.full, "\(sent)")
        #expect(sent.idleRuns >= 1)
    }
}
