import Engine
import Fixtures
import Foundation
import Logging

/// Runs the real train and score jobs over one labelled series as if the batch had been
/// deployed when the series began: the probationary rows (NAB's: the first 15%, at most 750)
/// only train; after them, the model is retrained on the cadence the settings give (every
/// `retrainEvery` points, or whenever `train_cron_schedule` fires on the series' own clock) on
/// the `train_max_n` most recent points *before* the retraining, and each point is scored by the
/// latest model trained strictly before it. Alerts follow the alert job's rules on the
/// smoothed scores, and level changes follow the change job's (unless `disable_change`): its
/// tests over the values it would read, wherever `change_cron_schedule` fires while a scored
/// point is the latest, so its notifications are counted with the rest; so do threshold alerts
/// (`tholdalert_thresholds`, unless `disable_tholdalert`), wherever the ingest cron they follow
/// fires; and so are the alert job's watches when the batch turns them on: trends (the change
/// job's `change_trend_window_n`, counted apart from level changes), silences (`no_data_after`,
/// wherever an alert run falls inside a gap long enough) and stuck runs (`stuck_factor`). The store and models
/// are in memory; nothing is shared between series, so series run in parallel with the same
/// results as in series.
public struct Backtester: Sendable {
    public var batch: BatchConfig
    public var retrainEvery: Int?
    public var seed: UInt64

    public init(batch: BatchConfig, retrainEvery: Int?, seed: UInt64 = 0) {
        self.batch = batch
        self.retrainEvery = retrainEvery
        self.seed = seed
    }

    /// One series' outcome, row by row in the file's order.
    public struct SeriesOutcome: Sendable {
        public var series: NABSeries
        /// The final score (smoothed as the alert job smooths it); 0 where none was computed.
        public var scores: [Double]
        public var alerts: [Bool]
        /// Where the change job flagged a change (and would have sent a `change` notification).
        public var changes: [Bool]
        /// Where the threshold-alert job raised an alert (a `tholdalert` notification).
        public var thresholdAlerts: [Bool]
        /// Where the change job's trend test flagged a trend (a `change` notification with `method: trend`).
        public var trends: [Bool]
        /// The last point before a silence the alert job announced (`nodata`).
        public var silences: [Bool]
        /// The first point of a run of one value the alert job announced as stuck (`stuck`).
        public var stuck: [Bool]
        public var retrainings: Int

        /// An outcome; a kind of mark not given is on no row.
        public init(
            series: NABSeries, scores: [Double], alerts: [Bool], changes: [Bool]? = nil, thresholdAlerts: [Bool]? = nil,
            trends: [Bool]? = nil, silences: [Bool]? = nil, stuck: [Bool]? = nil, retrainings: Int
        ) {
            let none = [Bool](repeating: false, count: alerts.count)
            self.series = series
            self.scores = scores
            self.alerts = alerts
            self.changes = changes ?? none
            self.thresholdAlerts = thresholdAlerts ?? none
            self.trends = trends ?? none
            self.silences = silences ?? none
            self.stuck = stuck ?? none
            self.retrainings = retrainings
        }
    }

    public func run(_ series: NABSeries) async throws -> SeriesOutcome {
        let metric = series.metric
        let database = try SQLiteDatabase(path: ":memory:")
        let store = try database.store(table: batch.tableKey)
        var seen = Set<Date>()
        var rows: [MetricRow] = []
        for (t, v) in zip(series.timestamps, series.values) where seen.insert(t).inserted {
            rows.append(MetricRow(timestamp: t, batch: batch.name, name: metric, type: .metric, value: v))
        }
        try store.insert(rows)
        // The points as the store holds them: one per time (the first of a repeated one), in time order.
        let stored = rows.sorted { $0.timestamp < $1.timestamp }
        let times = stored.map(\.timestamp)
        guard !times.isEmpty else { return SeriesOutcome(series: series, scores: [], alerts: [], retrainings: 0) }

        // The probation ends with the last of the file's probationary rows; every later point is scored.
        let probationRows = series.probation
        let probationEnd = probationRows > 0 ? series.timestamps[..<probationRows].max()! : times[0].addingTimeInterval(-1)
        let firstScored = times.firstIndex { $0 > probationEnd } ?? times.count
        var logger = Logger(label: "backtest")
        logger.logLevel = .error
        let clock = TestClock(times[0])
        let context = JobContext(
            clock: clock, seed: seed, stores: database, models: InMemoryModelStore(),
            sources: StaticDataSource(rows: []), ingestRunner: CannedIngestRunner(),
            deliveries: database, mutes: database, channels: NotificationChannels(), plots: RecordingPlotSink(),
            templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: logger, memo: DetectorMemo(channelScoreBudget: .max),
            // No run watermarks: the whole file is stored ahead of the clock, so a mark could
            // never hold (every run has a point to take) and keeping one cost three store queries
            // a run, four times the backtest's own work.
            series: SeriesCache(budget: .max))
        var retrainings = 0
        for segment in segments(times: times, firstScored: firstScored) {
            clock.set(times[segment.lowerBound - 1])
            _ = try await TrainJob().run(batch: batch, context: context)
            retrainings += 1
            var scoring = batch
            scoring.set(.scoreMaxN, to: .int(segment.count))
            scoring.set(.scoreMaxDaysAgo, to: .int(1_000_000))
            clock.set(times[segment.upperBound])
            _ = try await ScoreJob().run(batch: scoring, context: context)
        }

        let scoreRows = try store.rows(MetricQuery(batch: batch.name, names: [metric], types: [.score]))
        let raw = scoreRows.map(\.value)
        let smoothed = ScoreSmoothing.smoothed(raw, window: batch.alertSmoothN)
        let alertTimes = scheduledAlerts(scoreTimes: scoreRows.map(\.timestamp), scores: raw, times: times, firstScored: firstScored)
        let flagged =
            batch.isDisabled(.change) || !ChangeJob.watches(metric, in: batch)
            ? [:]
            : flaggedChanges(times: times, values: stored.map(\.value), firstScored: firstScored).filter { $0.key > probationEnd }
        let changeTimes = Set(flagged.filter { $0.value != .trend }.keys)
        let trendTimes = Set(flagged.filter { $0.value == .trend }.keys)
        let thresholdTimes = thresholdAlerts(metric: metric, times: times, values: stored.map(\.value), firstScored: firstScored)
            .filter { $0 > probationEnd }
        let alertWatched = !batch.isDisabled(.alert) && !batch.excluded(for: .alert).contains(metric)
        let silenceTimes = alertWatched ? announcedSilences(times: times, firstScored: firstScored).filter { $0 > probationEnd } : []
        let stuckTimes = alertWatched ? stuckRuns(times: times, values: stored.map(\.value), firstScored: firstScored) : []
        // Each file row takes the score of the latest scored point at or before its time.
        var scores: [Double] = []
        var alerts: [Bool] = []
        var changes: [Bool] = []
        var thresholdAlerts: [Bool] = []
        var reported = Set<Date>()
        var reportedChanges = Set<Date>()
        var reportedThresholds = Set<Date>()
        var marks = (trends: [Bool](), silences: [Bool](), stuck: [Bool]())
        var reportedMarks = (trends: Set<Date>(), silences: Set<Date>(), stuck: Set<Date>())
        for t in series.timestamps {
            var low = 0
            var high = scoreRows.count
            while low < high {
                let mid = (low + high) / 2
                if scoreRows[mid].timestamp <= t { low = mid + 1 } else { high = mid }
            }
            scores.append(low > 0 ? Self.rounded(smoothed[low - 1]) : 0)
            alerts.append(alertTimes.contains(t) && reported.insert(t).inserted)
            changes.append(changeTimes.contains(t) && reportedChanges.insert(t).inserted)
            thresholdAlerts.append(thresholdTimes.contains(t) && reportedThresholds.insert(t).inserted)
            marks.trends.append(trendTimes.contains(t) && reportedMarks.trends.insert(t).inserted)
            marks.silences.append(silenceTimes.contains(t) && reportedMarks.silences.insert(t).inserted)
            marks.stuck.append(stuckTimes.contains(t) && reportedMarks.stuck.insert(t).inserted)
        }
        return SeriesOutcome(
            series: series, scores: scores, alerts: alerts, changes: changes, thresholdAlerts: thresholdAlerts,
            trends: marks.trends, silences: marks.silences, stuck: marks.stuck, retrainings: retrainings)
    }

    /// A score to the 4 decimals the results file writes, so that file, scored again (by
    /// `engine score-nab` or read back by `--resume`), gives exactly the run's results.
    static func rounded(_ score: Double) -> Double { (score * 10_000).rounded() / 10_000 }

    /// The runs of points scored by one model: split every `retrainEvery` points, or where the
    /// train cron fires between two points.
    func segments(times: [Date], firstScored: Int) -> [ClosedRange<Int>] {
        guard firstScored > 0, firstScored < times.count else { return [] }
        var starts = [firstScored]
        if let every = retrainEvery, every > 0 {
            starts = Array(stride(from: firstScored, to: times.count, by: every))
        } else if let text = batch.cronSchedule("train"), let cron = try? CronExpression(text) {
            for i in (firstScored + 1)..<max(times.count, firstScored + 1) {
                if let next = cron.next(after: times[i - 1]), next <= times[i] { starts.append(i) }
            }
        }
        return zip(starts, starts.dropFirst().map { $0 - 1 } + [times.count - 1]).map { $0...$1 }
    }

    /// The times the change job flags, run after each of its `runs`: at each run, its tests over
    /// the values it would read then (the latest `change_max_n` within its days, up to the
    /// point), with the changes flagged so far. The same decisions as the job's own runs over a
    /// store (a test checks it), without reading the store once per point.
    func flaggedChanges(times: [Date], values: [Double], firstScored: Int) -> [Date: ChangeDetection.Method] {
        let detection = ChangeDetection(batch: batch)
        var flagged: [Int: ChangeDetection.Method] = [:]
        var lower = 0
        for i in runs(of: .change, times: times, firstScored: firstScored) {
            let from = ChangeJob.earliest(at: times[i], batch: batch)
            lower = max(lower, i + 1 - max(batch.changeMaxN, 0))
            while lower <= i && times[lower] < from { lower += 1 }
            guard i + 1 - lower >= detection.minimumReference + 1 else { continue }
            let known = Set(flagged.keys.filter { $0 >= lower && $0 <= i }.map { $0 - lower })
            for change in detection.detect(Array(values[lower...i]), flagged: known) { flagged[lower + change.index] = change.method }
        }
        return Dictionary(uniqueKeysWithValues: flagged.map { (times[$0.key], $0.value) })
    }

    /// The silences the alert job announces (`no_data_after`), each stamped with the last point
    /// before it: a gap in which one of the job's runs falls more than the limit after that point
    /// (the limit read, for `n` intervals, from the points before it, as the job reads them). A
    /// job that runs with every point (no cron) never sees a silence.
    func announcedSilences(times: [Date], firstScored: Int) -> Set<Date> {
        guard let watch = NoDataWatch(batch: batch), let text = batch.cronSchedule(JobKind.alert.rawValue),
            let cron = try? CronExpression(text)
        else { return [] }
        var silences = Set<Date>()
        for i in max(firstScored, 1)..<max(times.count, 1) {
            let recent = Array(times[max(0, i - NoDataWatch.spacingPoints)..<i])
            guard let limit = watch.limitSeconds(recent), let run = cron.next(after: times[i - 1].addingTimeInterval(limit)),
                run < times[i]
            else { continue }
            silences.insert(times[i - 1])
        }
        return silences
    }

    /// The runs of one value the alert job announces as stuck (`stuck_factor`), each stamped with
    /// the run's first point: at each of its runs, the watch over the latest `alert_max_n` values.
    func stuckRuns(times: [Date], values: [Double], firstScored: Int) -> Set<Date> {
        guard let watch = StuckWatch(batch: batch) else { return [] }
        var starts = Set<Date>()
        let window = max(batch.alertMaxN, 1)
        for i in runs(of: .alert, times: times, firstScored: firstScored) {
            let lower = max(0, i + 1 - window)
            if let start = watch.stuckRunStart(Array(values[lower...i])) { starts.insert(times[lower + start]) }
        }
        return starts
    }

    /// The times the alert job alerts on, run after each of its `runs` as it runs over a store
    /// (a test checks it): at each, `AlertJob.decide` over the scores it would read then (the
    /// latest it needs, within `alert_metric_timestamp_max_days_ago`, stamped at or before the run
    /// less `alert_evaluation_delay`), judging the `alert_recent_n` most recent but not those the
    /// previous run judged (the latest always), with the alerts raised so far. So `alert_recent_n`,
    /// the alert cron and the delay weigh in a backtest as they do live.
    func scheduledAlerts(scoreTimes: [Date], scores: [Double], times: [Date], firstScored: Int) -> Set<Date> {
        let needed = AlertJob.scoresNeeded(batch)
        let delay = batch.alertEvaluationDelay
        var alerted = Set<Int>()
        var previousRun: Date?
        var upper = 0
        var earliest = 0
        for i in runs(of: .alert, times: times, firstScored: firstScored) {
            let now = times[i]
            let judgedThrough = now.addingTimeInterval(-delay)
            while upper < scoreTimes.count && scoreTimes[upper] <= judgedThrough { upper += 1 }
            let from = now.addingTimeInterval(-Double(batch.alertMaxDaysAgo) * 86_400)
            while earliest < upper && scoreTimes[earliest] < from { earliest += 1 }
            let lower = max(earliest, upper - max(needed, 0))
            defer { previousRun = judgedThrough }
            guard lower < upper else { continue }
            let firstUnjudged = previousRun.map { run in (lower..<upper).first { scoreTimes[$0] > run } ?? upper } ?? lower
            let decisions = AlertJob.decide(
                scores: Array(scores[lower..<upper]), alerted: Set(alerted.filter { $0 >= lower && $0 < upper }.map { $0 - lower }),
                threshold: batch.alertThreshold, recentN: batch.alertRecentN, smoothN: batch.alertSmoothN,
                snoozeN: batch.alertSnoozeN, always: false, firstUnjudged: firstUnjudged - lower,
                forN: batch.alertForN, forM: batch.alertForM)
            for decision in decisions { alerted.insert(lower + decision.index) }
        }
        return Set(alerted.map { scoreTimes[$0] })
    }

    /// The times the threshold-alert job raises an alert for `metric`, run after each of its
    /// `runs`: at each, its decision over the values it would read then (the latest
    /// `tholdalert_recent_n` + `tholdalert_snooze_n` up to the point), with the alerts raised so
    /// far. None when the batch sets no bounds for the metric, excludes it or disables the job.
    func thresholdAlerts(metric: String, times: [Date], values: [Double], firstScored: Int) -> Set<Date> {
        guard !batch.isDisabled(.tholdalert), let bounds = ThresholdAlertJob.bounds(for: metric, in: batch) else { return [] }
        let recentN = max(batch.tholdalertRecentN, 1)
        let snoozeN = max(batch.tholdalertSnoozeN, 0)
        var raised = Set<Int>()
        for i in runs(of: .tholdalert, times: times, firstScored: firstScored) {
            let lower = max(0, i + 1 - recentN - snoozeN)
            let known = Set(raised.filter { $0 >= lower }.map { $0 - lower })
            for alert in ThresholdAlertJob.decide(
                Array(values[lower...i]), breached: known, lower: bounds.lower, upper: bounds.upper,
                recentN: recentN, snoozeN: snoozeN)
            {
                raised.insert(lower + alert.index)
            }
        }
        return Set(raised.map { times[$0] })
    }

    /// The scored points after which `job` runs: those where its cron (for a job that follows
    /// another, as `tholdalert` follows ingest, that job's cron) fires at or after the point and
    /// before the next one arrives (every point when it fires at least as often as the data
    /// comes; the last point always). A point the cron skips is never the latest when the job
    /// looks, as in a deployment with that schedule.
    func runs(of job: JobKind, times: [Date], firstScored: Int) -> [Int] {
        guard firstScored < times.count else { return [] }
        guard let text = batch.cronSchedule((job.follows ?? job).rawValue), let cron = try? CronExpression(text) else {
            return Array(firstScored..<times.count)
        }
        return (firstScored..<times.count).filter { i in
            guard i + 1 < times.count else { return true }
            return cron.next(after: times[i].addingTimeInterval(-0.001)).map { $0 < times[i + 1] } ?? false
        }
    }
}
