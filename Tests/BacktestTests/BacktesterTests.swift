import Engine
import Fixtures
import Foundation
import Logging
import Testing

@testable import Backtest

@Suite struct BacktesterTests {
    /// 400 five-minute points of a deterministic wiggle, a spike at row 300, one window around it,
    /// and the timestamp of row 200 repeated (as NAB's clock-change artefacts are).
    static func series() -> NABSeries {
        let start = Date(timeIntervalSince1970: 1_400_000_000)
        var times = (0..<400).map { start.addingTimeInterval(Double($0) * 300) }
        times.insert(times[200], at: 201)
        var values = times.indices.map { 10 + sin(Double($0) / 7) + 0.3 * cos(Double($0) * 1.7) }
        values[301] += 25
        return NABSeries(path: "cat/s.csv", timestamps: times, values: values, windows: [times[290]...times[310]])
    }

    /// The defaults, with NOVELTY's day of learning off: these series are 33 hours of
    /// five-minute points, and the spike at hour 25 is what the backtester's tests look for.
    static func batch(_ overrides: [String] = []) throws -> BatchConfig {
        try BacktestConfig.load(file: nil, overrides: ["train_min_n=30", "model_configs.0.model_params.learn_days=0"] + overrides)
    }

    @Test func segmentsStartAfterProbationAndFollowTheCadence() throws {
        let times = (0..<100).map { Date(timeIntervalSince1970: Double($0) * 300) }
        let every = Backtester(batch: try Self.batch(), retrainEvery: 30)
        #expect(every.segments(times: times, firstScored: 15) == [15...44, 45...74, 75...99])
        // The default train cron (*/5) fires between every two five-minute points: a model per point.
        let cron = Backtester(batch: try Self.batch(), retrainEvery: nil)
        #expect(cron.segments(times: times, firstScored: 15).count == 85)
        let hourly = Backtester(batch: try Self.batch(["train_cron_schedule=0 * * * *"]), retrainEvery: nil)
        #expect(hourly.segments(times: times, firstScored: 15).map(\.lowerBound) == [15, 24, 36, 48, 60, 72, 84, 96])
    }

    @Test func everyRowGetsAResultAndProbationRowsScoreNothing() async throws {
        let s = Self.series()
        let outcome = try await Backtester(batch: try Self.batch(["alert_smooth_n=1"]), retrainEvery: 50).run(s)
        #expect(outcome.scores.count == s.timestamps.count && outcome.alerts.count == s.timestamps.count)
        #expect(outcome.scores[..<s.probation].allSatisfy { $0 == 0 })
        #expect(outcome.scores[s.probation...].contains { $0 > 0 })
        #expect(outcome.scores[200] == outcome.scores[201], "a repeated timestamp repeats its score")
        #expect(outcome.alerts[301], "the spike alerts")
        #expect(outcome.retrainings == 7, "probation of 60 rows, then every 50 of the 340 scored points")
    }

    @Test func parallelRunsGiveTheSerialResults() async throws {
        let corpus = [Self.series(), Self.series(), Self.series()].enumerated().map { i, s in
            var copy = s
            copy.path = "cat/s\(i).csv"
            copy.values = s.values.map { $0 + Double(i) }
            return copy
        }
        let backtester = Backtester(batch: try Self.batch(), retrainEvery: 40)
        let serial = try await BacktestRun(label: "a", overrides: [], backtester: backtester, jobs: 1).run(corpus)
        let parallel = try await BacktestRun(label: "b", overrides: [], backtester: backtester, jobs: 3).run(corpus)
        #expect(serial.outcomes.map(\.scores) == parallel.outcomes.map(\.scores))
        #expect(serial.nab.map(\.normalizedScore) == parallel.nab.map(\.normalizedScore))
    }

    @Test func theChangeJobRunsWhereItsCronFiresWhileAScoredPointIsTheLatest() throws {
        let times = (0..<100).map { Date(timeIntervalSince1970: Double($0) * 300) }
        // The default change cron (*/5) fires at each five-minute point: every scored point is looked at.
        #expect(Backtester(batch: try Self.batch(), retrainEvery: nil).runs(of: .change, times: times, firstScored: 15) == Array(15..<100))
        // Hourly: only the points on the hour are ever the latest when it fires, and the last point.
        let hourly = Backtester(batch: try Self.batch(["change_cron_schedule=0 * * * *"]), retrainEvery: nil)
        #expect(hourly.runs(of: .change, times: times, firstScored: 15) == [24, 36, 48, 60, 72, 84, 96, 99])
        // Points a second past the minute: a firing on the minute comes before the point, so the
        // point is looked at by the next firing, at the next minute.
        let late = times.map { $0.addingTimeInterval(1) }
        #expect(Backtester(batch: try Self.batch(), retrainEvery: nil).runs(of: .change, times: late, firstScored: 15) == Array(15..<100))
        #expect(hourly.runs(of: .change, times: late, firstScored: 15) == [23, 35, 47, 59, 71, 83, 95, 99])
        // Threshold alerts follow the ingest cron.
        let ingest = Backtester(batch: try Self.batch(["ingest_cron_schedule=30 * * * *"]), retrainEvery: nil)
        #expect(ingest.runs(of: .tholdalert, times: times, firstScored: 15) == [18, 30, 42, 54, 66, 78, 90, 99])
        #expect(ingest.runs(of: .change, times: times, firstScored: 15) == Array(15..<100))
    }

    /// The wiggle of `series()` with its spike moved to row 250, outside the one window, and its
    /// level up by 30 from row 320 on (beyond the spike: a new level the metric never showed).
    static func shifted() -> NABSeries {
        var s = series()
        s.values[301] -= 25
        s.values[250] += 25
        for i in 320..<s.values.count { s.values[i] += 30 }
        s.windows = [s.timestamps[315]...s.timestamps[330]]
        return s
    }

    @Test func levelChangesAreFlaggedAndCountedApartFromAlerts() async throws {
        let s = Self.shifted()
        let outcome = try await Backtester(batch: try Self.batch(), retrainEvery: 50).run(s)
        #expect(outcome.changes.count == s.timestamps.count)
        #expect(outcome.changes[320], "the first point of the new level is a change")
        #expect(outcome.changes[..<s.probation].allSatisfy { !$0 })
        let metrics = BacktestMetrics(outcome: outcome, snoozeN: 3)
        #expect(metrics.changes == outcome.changes.filter { $0 }.count && metrics.changeWindowsDetected == 1)
        #expect(metrics.falseChanges == metrics.changes - outcome.changes[315...330].filter { $0 }.count)
        #expect(outcome.changes[250] && metrics.falseChanges >= 1, "the spike outside the window is a false change")

        let off = try await Backtester(batch: try Self.batch(["disable_change=True"]), retrainEvery: 50).run(s)
        #expect(!off.changes.contains(true))
        #expect(off.scores == outcome.scores && off.alerts == outcome.alerts, "change detection leaves the scores alone")

        // A change setting swept changes what the backtest reports.
        let strict = try await Backtester(batch: try Self.batch(["change_threshold=1000"]), retrainEvery: 50).run(s)
        #expect(!strict.changes.contains(true))
    }

    /// A quiet job context over `database` on `clock`, as a deployment's jobs would have.
    static func jobContext(_ database: SQLiteDatabase, clock: TestClock) -> JobContext {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return JobContext(
            clock: clock, seed: 0, stores: database, models: InMemoryModelStore(), sources: StaticDataSource(rows: []),
            ingestRunner: CannedIngestRunner(), deliveries: database, mutes: database, channels: NotificationChannels(),
            plots: RecordingPlotSink(), templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: logger)
    }

    /// The times of the rows of `type` the real `job` writes when run over a store holding the
    /// series, after each of `backtester`'s runs of it, as a deployment would run it.
    static func jobRows(
        _ job: some BatchJob, writing type: MetricType, _ backtester: Backtester, times: [Date], values: [Double],
        firstScored: Int
    ) async throws -> Set<Date> {
        let batch = backtester.batch
        let database = try SQLiteDatabase(path: ":memory:")
        let store = try database.store(table: batch.tableKey)
        try store.insert(zip(times, values).map { MetricRow(timestamp: $0, batch: batch.name, name: "value", type: .metric, value: $1) })
        let clock = TestClock(times[0])
        let context = jobContext(database, clock: clock)
        for i in backtester.runs(of: job.kind, times: times, firstScored: firstScored) {
            clock.set(times[i])
            _ = try await job.run(batch: batch, context: context)
        }
        return Set(try store.rows(MetricQuery(batch: batch.name, names: ["value"], types: [type])).map(\.timestamp))
    }

    @Test(arguments: [
        [], ["change_detect_last_n=4", "change_snooze_n=10"], ["change_shift_window_n=12"], ["change_beyond_range=False"],
        ["change_max_n=60", "change_threshold=5"], ["change_cron_schedule=0 * * * *"],
        ["change_metric_timestamp_max_days_ago=1"],
    ])
    func theBacktestsChangesAreTheChangeJobsOwn(_ settings: [String]) async throws {
        // Noise with spikes, dips and two level shifts, over three and a half days of five-minute points.
        var random = Xoshiro256(seed: 7)
        let times = (0..<1_000).map { Date(timeIntervalSince1970: 1_400_000_000 + Double($0) * 300) }
        let values = times.indices.map { i -> Double in
            let level = i < 400 ? 50.0 : (i < 750 ? 65.0 : 35.0)
            let burst = i % 97 == 0 ? 9.0 : (i % 131 == 0 ? -7.0 : 0)
            return level + burst + random.nextGaussian()
        }
        let backtester = Backtester(batch: try Self.batch(settings), retrainEvery: nil)
        let expected = try await Self.jobRows(ChangeJob(), writing: .change, backtester, times: times, values: values, firstScored: 200)
        #expect(expected.count >= 2, "the series gives the job something to flag")
        #expect(backtester.flaggedChanges(times: times, values: values, firstScored: 200).keys.sorted() == expected.sorted())
    }

    @Test(arguments: [["no_data_after=6", "stuck_factor=4"], ["no_data_after=45m", "stuck_factor=8", "alert_max_n=120"]])
    func theBacktestsSilencesAndStuckRunsAreTheAlertJobsOwn(_ settings: [String]) async throws {
        // Five-minute noise with gaps of two hours and of 50 minutes (silences under both settings) and
        // one of 20 minutes (none), and a run of one value 60 points long (the noise never repeats a value).
        var random = Xoshiro256(seed: 5)
        var times: [Date] = []
        var t = Date(timeIntervalSince1970: 1_400_000_000)
        for i in 0..<900 {
            times.append(t)
            t.addTimeInterval(i == 500 ? 7_200 : i == 600 ? 3_000 : i == 650 ? 1_200 : 300)
        }
        let values = times.indices.map { i in (700..<760).contains(i) ? 40 : 50 + random.nextGaussian() }
        let backtester = Backtester(batch: try Self.batch(settings), retrainEvery: nil)
        // The real alert job, run on its cron over a store that holds the points up to each run.
        let batch = backtester.batch
        let database = try SQLiteDatabase(path: ":memory:")
        let store = try database.store(table: batch.tableKey)
        let clock = TestClock(times[0])
        let context = Self.jobContext(database, clock: clock)
        let cron = try CronExpression(try #require(batch.cronSchedule("alert")))
        var next = 0
        var run = try #require(cron.next(after: times[200]))
        while run <= times[times.count - 1] {
            var arrived: [MetricRow] = []
            while next < times.count && times[next] <= run {
                arrived.append(MetricRow(timestamp: times[next], batch: batch.name, name: "value", type: .metric, value: values[next]))
                next += 1
            }
            try store.insert(arrived)
            clock.set(run)
            _ = try await AlertJob().run(batch: batch, context: context)
            run = try #require(cron.next(after: run))
        }
        let queued = try database.deliveries(batch: batch.name).map(\.notification)
        let silences = Set(queued.filter { $0.kind == .nodata }.map(\.timestamp))
        let stuck = Set(queued.filter { $0.kind == .stuck }.map(\.timestamp))
        #expect(silences.count == 2 && stuck.count == 1, "the series gives the watches something to announce: \(silences) \(stuck)")
        #expect(backtester.announcedSilences(times: times, firstScored: 201) == silences)
        #expect(backtester.stuckRuns(times: times, values: values, firstScored: 201) == stuck)
    }

    @Test(arguments: [
        ["tholdalert_thresholds.value.upper=52"], ["tholdalert_thresholds.value.lower=47", "tholdalert_snooze_n=0"],
        ["tholdalert_thresholds.value.upper=55", "tholdalert_thresholds.value.lower=48", "tholdalert_recent_n=5"],
        ["tholdalert_thresholds.value.upper=52", "tholdalert_snooze_n=30"],
        ["tholdalert_thresholds.value.upper=52", "ingest_cron_schedule=0 * * * *", "tholdalert_recent_n=12"],
    ])
    func theBacktestsThresholdAlertsAreTheJobsOwn(_ settings: [String]) async throws {
        // Noise with bursts up and down, over three and a half days of five-minute points.
        var random = Xoshiro256(seed: 11)
        let times = (0..<1_000).map { Date(timeIntervalSince1970: 1_400_000_000 + Double($0) * 300) }
        let values = times.indices.map { i -> Double in
            let burst = i % 97 < 3 ? 6.0 : (i % 131 == 0 ? -6.0 : 0)
            return 50 + burst + random.nextGaussian()
        }
        let backtester = Backtester(batch: try Self.batch(["disable_tholdalert=False"] + settings), retrainEvery: nil)
        let expected = try await Self.jobRows(
            ThresholdAlertJob(), writing: .tholdalert, backtester, times: times, values: values,
            firstScored: 200)
        #expect(expected.count >= 3, "the series gives the job something to raise")
        #expect(backtester.thresholdAlerts(metric: "value", times: times, values: values, firstScored: 200).sorted() == expected.sorted())
    }

    /// The backtest's alerts are those of the alert job as scheduled: run (through the job
    /// runner, which records its runs) after each of the backtester's runs of it, over a store
    /// holding every point and score, each run reading only what it could see then.
    @Test(arguments: [
        ["alert_cron_schedule=0 * * * *", "alert_recent_n=1", "alert_smooth_n=3", "alert_snooze_n=20"],
        ["alert_for_n=3", "alert_smooth_n=1", "alert_metric_timestamp_max_days_ago=1", "alert_recovery_n=2"],
        ["alert_evaluation_delay=1h", "alert_cron_schedule=*/30 * * * *"],
    ])
    func theBacktestsAlertsAreTheAlertJobsOwn(_ settings: [String]) async throws {
        var random = Xoshiro256(seed: 3)
        let times = (0..<300).map { Date(timeIntervalSince1970: 1_400_000_000 + Double($0) * 300) }
        let firstScored = 60
        // Scores of noise with lone points and bursts of over an hour that reach the threshold.
        let scores = times.indices.map { i -> Double in
            let burst = i % 97 < 14 || i % 41 == 0
            return burst ? 0.85 + 0.1 * random.nextUnit() : 0.6 * random.nextUnit()
        }
        let backtester = Backtester(batch: try Self.batch(settings), retrainEvery: nil)
        let batch = backtester.batch
        let database = try SQLiteDatabase(path: ":memory:")
        let store = try database.store(table: batch.tableKey)
        try store.insert(
            times.indices.map { MetricRow(timestamp: times[$0], batch: batch.name, name: "value", type: .metric, value: 1) }
                + (firstScored..<times.count).map { MetricRow(timestamp: times[$0], batch: batch.name, name: "value", type: .score, value: scores[$0]) })
        let clock = TestClock(times[0])
        let context = Self.jobContext(database, clock: clock)
        for i in backtester.runs(of: .alert, times: times, firstScored: firstScored) {
            clock.set(times[i])
            #expect(await JobRunner(context: context).run(.alert, batch: batch).status == .success)
        }
        let expected = Set(try store.rows(MetricQuery(batch: batch.name, names: ["value"], types: [.alert])).map(\.timestamp))
        #expect(expected.count >= 3, "the scores give the job something to raise")
        let simulated = backtester.scheduledAlerts(
            scoreTimes: Array(times[firstScored...]), scores: Array(scores[firstScored...]), times: times, firstScored: firstScored)
        #expect(simulated.sorted() == expected.sorted())
    }

    @Test func thresholdAlertsAreCountedWrittenAndRanked() async throws {
        let s = Self.shifted()
        // Off by default (Anomstack's disable_tholdalert: True), and with no bounds.
        let plain = try await Backtester(batch: try Self.batch(), retrainEvery: 50).run(s)
        #expect(!plain.thresholdAlerts.contains(true))
        let bounded = ["disable_tholdalert=False", "tholdalert_thresholds.value.upper=13.5"]
        let outcome = try await Backtester(batch: try Self.batch(bounded), retrainEvery: 50).run(s)
        #expect(outcome.thresholdAlerts[250], "the spike outside the window breaches the bound")
        #expect(outcome.thresholdAlerts[320], "so does the first point of the new level, inside the window")
        #expect(outcome.thresholdAlerts[..<s.probation].allSatisfy { !$0 })
        #expect(outcome.scores == plain.scores && outcome.alerts == plain.alerts && outcome.changes == plain.changes)
        let metrics = BacktestMetrics(outcome: outcome, snoozeN: 3)
        #expect(metrics.thresholdAlerts == outcome.thresholdAlerts.filter { $0 }.count && metrics.thresholdWindowsDetected == 1)
        #expect(metrics.falseThresholdAlerts == metrics.thresholdAlerts - outcome.thresholdAlerts[315...330].filter { $0 }.count)
        #expect(metrics.falseThresholdAlerts >= 1)
        #expect(metrics.falseNotifications == metrics.falseAlerts + metrics.falseChanges + metrics.falseThresholdAlerts)
        #expect(
            metrics.falseNotificationsPerDay > BacktestMetrics(outcome: plain, snoozeN: 3).falseNotificationsPerDay,
            "a bound that breaches outside the window adds to the false notifications")
        for settings in [
            bounded + ["tholdalert_exclude_metrics=[value]"], bounded + ["disable_tholdalert=True"],
            ["disable_tholdalert=False", "tholdalert_thresholds.orders.upper=13.5"],
        ] {
            let silent = try await Backtester(batch: try Self.batch(settings), retrainEvery: 50).run(s)
            #expect(!silent.thresholdAlerts.contains(true), "\(settings)")
        }

        let output = BacktestOutput(folder: FileManager.default.temporaryDirectory.appendingPathComponent("thresholds-\(UUID().uuidString)"))
        try output.writeSeries(outcome)
        let table = try CSVTable.read(output.folder.appendingPathComponent(s.path))
        #expect(try table.numbers("tholdalert").map { $0 == 1 } == outcome.thresholdAlerts)
        var results: [BacktestRun.Result] = []
        for bound in ["13.5", "1000"] {
            let settings = bounded.dropLast() + ["tholdalert_thresholds.value.upper=\(bound)"]
            results.append(
                try await BacktestRun(
                    label: bound, overrides: Array(settings),
                    backtester: Backtester(batch: try Self.batch(Array(settings)), retrainEvery: 50), jobs: 1
                ).run([s]))
        }
        #expect(BacktestOutput.ranked(results, by: "threshold_windows_detected").map(\.label) == ["13.5", "1000"])
        #expect(BacktestOutput.ranked(results, by: "false_threshold_alerts").map(\.label) == ["1000", "13.5"])
        let row = BacktestOutput.leaderboard(results)[0]
        let column = { (name: String) in row[BacktestOutput.leaderboardColumns.firstIndex(of: name)!] }
        #expect(column("threshold_windows_detected") == "1" && column("false_threshold_alerts") == String(results[0].total.falseThresholdAlerts))
    }

    @Test func settingsKeyedByMetricNameSeeTheSeriesOwnName() async throws {
        var orders = Self.shifted()
        orders.metric = "orders"
        let plain = try await Backtester(batch: try Self.batch(), retrainEvery: 50).run(orders)
        #expect(plain.alerts.contains(true) && plain.changes.contains(true))
        // As deployed, a metric the score job leaves out never alerts, and one the change job
        // leaves out never changes; other metrics' names change nothing.
        let unscored = try await Backtester(batch: try Self.batch(["score_exclude_metrics=[orders]"]), retrainEvery: 50).run(orders)
        #expect(!unscored.alerts.contains(true) && unscored.scores.allSatisfy { $0 == 0 })
        let unwatched = try await Backtester(batch: try Self.batch(["change_exclude_metrics=[orders]"]), retrainEvery: 50).run(orders)
        #expect(!unwatched.changes.contains(true) && unwatched.alerts == plain.alerts)
        let others = try await Backtester(
            batch: try Self.batch(["score_exclude_metrics=[value]", "change_include_metrics=[orders]"]),
            retrainEvery: 50
        ).run(orders)
        #expect(others.alerts == plain.alerts && others.changes == plain.changes)
    }

    @Test func changeOutcomesAreWrittenAndRanked() async throws {
        let s = Self.shifted()
        let output = BacktestOutput(folder: FileManager.default.temporaryDirectory.appendingPathComponent("changes-\(UUID().uuidString)"))
        let outcome = try await Backtester(batch: try Self.batch(), retrainEvery: 50).run(s)
        try output.writeSeries(outcome)
        let table = try CSVTable.read(output.folder.appendingPathComponent(s.path))
        #expect(try table.numbers("change").map { $0 == 1 } == outcome.changes)

        var results: [BacktestRun.Result] = []
        for setting in ["change_threshold=3.5", "change_threshold=1000"] {
            results.append(
                try await BacktestRun(
                    label: setting, overrides: [setting],
                    backtester: Backtester(batch: try Self.batch([setting]), retrainEvery: 50), jobs: 1
                ).run([s]))
        }
        #expect(BacktestOutput.ranked(results, by: "change_windows_detected").map(\.label) == ["change_threshold=3.5", "change_threshold=1000"])
        #expect(BacktestOutput.ranked(results, by: "false_changes").map(\.label) == ["change_threshold=1000", "change_threshold=3.5"])
        let row = BacktestOutput.leaderboard(results)[0]
        let column = { (name: String) in row[BacktestOutput.leaderboardColumns.firstIndex(of: name)!] }
        #expect(column("change_windows_detected") == "1" && column("false_changes") == String(results[0].total.falseChanges))
        #expect(BacktestOutput.rankable.allSatisfy(BacktestOutput.leaderboardColumns.contains))
    }

    @Test func eventMetricsCountWindowsOnceAndFalseAlertsOutside() {
        let s = Self.series()
        var alerts = Array(repeating: false, count: s.timestamps.count)
        alerts[10] = true  // in probation: not counted
        alerts[100] = true  // false alert
        alerts[295] = true  // detects the window, 5 rows in
        alerts[300] = true  // same window: counts once
        let metrics = BacktestMetrics(outcome: Backtester.SeriesOutcome(series: s, scores: [], alerts: alerts, retrainings: 0), snoozeN: 3)
        #expect(metrics.windows == 1 && metrics.windowsDetected == 1 && metrics.falseAlerts == 1)
        #expect(metrics.precision == 0.5 && metrics.recall == 1)
        #expect(metrics.delays == [1500])
        #expect(metrics.snoozedPoints == 9)
    }

    @Test func sweepGridsCombineEveryValue() throws {
        let grid = try SweepGrid(["alert_threshold=0.7,0.9", "alert_smooth_n=1,3"])
        #expect(
            grid.points == [
                ["alert_threshold=0.7", "alert_smooth_n=1"], ["alert_threshold=0.7", "alert_smooth_n=3"],
                ["alert_threshold=0.9", "alert_smooth_n=1"], ["alert_threshold=0.9", "alert_smooth_n=3"],
            ])
        #expect(throws: BacktestError.self) { try SweepGrid(["alert_threshold"]) }
        #expect(throws: BacktestError.self) { try SweepGrid(["a=1", "a=2"]) }
        #expect(throws: BacktestError.self) { try BacktestConfig.load(file: nil, overrides: ["alert_treshold=0.5"]) }
    }
}
