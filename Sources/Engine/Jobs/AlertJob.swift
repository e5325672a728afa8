import Foundation
import Logging

/// Alert, with Anomstack's defects fixed: the smoothed score of a point is the mean of the last
/// `alert_smooth_n` scores up to and including it (older points, in time order); a point among
/// the `alert_recent_n` most recent scored points alerts when its smoothed score is at least
/// `alert_threshold`, unless the metric alerted within the previous `alert_snooze_n` scored
/// points; a point alerts at most once, ever. Of those recent points, the ones stamped at or
/// before the previous successful alert run are not judged again (that run judged them, or the
/// metric was excluded then), except the latest, which is always judged as in Anomstack. With
/// `alert_evaluation_delay`, both "recent" and "previous run" are read that much earlier, so a
/// point that arrives late (within the delay) is judged rather than passed over.
/// `alert_always` forces an alert on the latest point. Notifications are queued in the delivery
/// log first (idempotently), then the alert rows are written in one transaction, then due
/// deliveries are sent. With `alert_recovery_n` set, a metric whose last alert is followed by
/// that many smoothed scores under the threshold (by `recoveryMargin`) gets one recovery
/// notification. With `no_data_after` set, a metric that has gone silent is announced too
/// (`NoDataWatch`), and with `stuck_factor`, one that repeats a value far longer than before (`StuckWatch`).
public struct AlertJob: BatchJob {
    public let kind = JobKind.alert

    public init() {}

    /// The decision for one metric's scored points, kept free of I/O so its rules can be tested
    /// case by case.
    public struct Decision: Sendable, Hashable {
        public var index: Int
        public var smoothed: Double
    }

    /// Which of `scores` (ascending) alert, given the indices that already alerted.
    /// Each metric's share of 👍 among its alerts' feedback (metrics without feedback are absent).
    static func feedbackPrecision(store: any MetricStore, batch: BatchConfig, metrics: Set<String>) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for metric in metrics.sorted() {
            let rows = try store.rows(MetricQuery(batch: batch.name, names: [metric], types: [.thumbsup, .thumbsdown]))
            let up = rows.filter { $0.type == .thumbsup }.count
            if !rows.isEmpty { result[metric] = Double(up) / Double(rows.count) }
        }
        return result
    }

    /// Points before `firstUnjudged`, other than the latest, are not judged.
    public static func decide(
        scores: [Double], alerted: Set<Int>, threshold: Double, recentN: Int,
        smoothN: Int, snoozeN: Int, always: Bool, firstUnjudged: Int = 0, forN: Int = 1, forM: Int = 0
    ) -> [Decision] {
        guard !scores.isEmpty else { return [] }
        var alerted = alerted
        var decisions: [Decision] = []
        let last = scores.count - 1
        // `alert_recent_n: 0` judges no point at all, so the range can be empty.
        let first = max(0, scores.count - max(recentN, 0), min(firstUnjudged, last))
        guard first <= last else { return [] }
        for i in first...last where !alerted.contains(i) {
            let smoothed = ScoreSmoothing.smoothed(scores, at: i, window: smoothN)
            let forced = always && i == last
            let snoozed = snoozeN > 0 && (max(0, i - snoozeN)..<i).contains { alerted.contains($0) }
            // Pending: the point must reach the threshold, and so must forM of the forN points
            // ending with it (all of them when forM is 0). Before forN points exist it stays pending.
            let required = forM < 1 || forM > forN ? forN : forM
            let pending =
                forN > 1
                && (i + 1 < forN
                    || (i - forN + 1...i).filter { ScoreSmoothing.smoothed(scores, at: $0, window: smoothN) >= threshold }.count
                        < required)
            if forced || (smoothed >= threshold && !snoozed && !pending) {
                alerted.insert(i)
                decisions.append(Decision(index: i, smoothed: smoothed))
            }
        }
        return decisions
    }

    /// The index of the point at which a metric that alerted at `alertIndex` counts as recovered:
    /// the first point ending a run of `recoveryN` smoothed scores at least `recoveryMargin` under
    /// the threshold, all after the alert. Nil while it has not recovered.
    public static func recovery(smoothed: [Double], alertIndex: Int, threshold: Double, recoveryN: Int) -> Int? {
        guard recoveryN > 0 else { return nil }
        var run = 0
        for i in (alertIndex + 1)..<max(smoothed.count, alertIndex + 1) {
            run = smoothed[i] < threshold - recoveryMargin ? run + 1 : 0
            if run >= recoveryN { return i }
        }
        return nil
    }

    /// When the latest successful alert run before `now` ran (its `as_of`), among the last ten;
    /// nil when there is none. A rerun of this tick does not count. Almost always the latest
    /// run is an earlier tick's, so it is read alone first: this runs at every alert run.
    static func previousRun(store: any MetricStore, batch: String, before now: Date) throws -> Date? {
        for limit in [1, 10] {
            let runs = try store.latestJobRuns(batch: batch, job: .alert, status: .success, limit: limit)
            if let run = runs.first(where: { $0.asOf < now }) { return run.asOf }
            if runs.count < limit { return nil }
        }
        return nil
    }

    /// The time of the first score stamped after `judgedThrough`'s second, which a later run
    /// judges (a score the evaluation delay holds back), or never.
    static func nextScore(store: any MetricStore, batch: BatchConfig, judgedThrough: Date) throws -> Date {
        let next = MetricTimestamp.stored(judgedThrough).addingTimeInterval(1)
        return try store.extent(MetricQuery(batch: batch.name, types: [.score], from: next)).first ?? .distantFuture
    }

    /// How far under the threshold a score must fall to count towards recovery. A detector that
    /// holds an ongoing incident just under the threshold after alerting on its first point (as
    /// NOVELTY's quiet period does, 0.001 under it) must not look recovered while the incident lasts.
    public static let recoveryMargin = 0.05

    /// How many of a metric's latest scores one run reads: the recent points and, before them,
    /// enough to smooth over, to see an earlier alert that snoozes them and to fill a pending
    /// period; with recovery, the whole `alert_max_n`.
    public static func scoresNeeded(_ batch: BatchConfig) -> Int {
        batch.alertRecoveryN > 0
            ? batch.alertMaxN
            : min(batch.alertMaxN, batch.alertRecentN + max(batch.alertSmoothN, batch.alertSnoozeN) + batch.alertForN)
    }

    /// The series a run reads: while none of them changed, and until time alone could change a
    /// decision, a run only sends what is due (`RunWatermarks`).
    static let inputs: [MetricType] = [.metric, .score, .alert]

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let store = try context.store(for: batch)
        let start = try context.watermarks?.begin(job: kind, batch: batch, store: store, types: Self.inputs, now: now)
        if let idle = start?.idle {
            // Deliveries due for a retry fall due with time alone.
            await DeliveryDispatcher(context: context).dispatch(batch: batch)
            return idle
        }
        // The first time a score read now leaves the `alert_metric_timestamp_max_days_ago` window
        // (which can lift a snooze), or a silence or a late score comes into view.
        var holdsUntil = Date.distantFuture
        // Each metric's last two points, read with its scores, so the no-data watch need not read them again.
        var latestPoints: [String: [Date]] = [:]
        let excluded = batch.excluded(for: .alert)
        let from = now.addingTimeInterval(-Double(batch.alertMaxDaysAgo) * 86_400)
        var alerts: [MetricRow] = []
        var notifications: [AlertNotification] = []
        var failures: [MetricFailure] = []
        // The decision needs the recent points and, before them, enough scores to smooth over and
        // to see an earlier alert that snoozes them; alert_max_n caps it (as it caps a plot).
        // Recovery looks back to the metric's last alert, so it reads the whole alert_max_n.
        // The previous alert run: a rerun of this tick (or a later one) does not count.
        // With an evaluation delay a run judges only points at least that old, and the previous
        // run judged up to its own time less the delay: a point that lands late, but within the
        // delay, is still ahead of what any run has judged.
        let delay = batch.alertEvaluationDelay
        let judgedThrough = now.addingTimeInterval(-delay)
        let previousRun = try Self.previousRun(store: store, batch: batch.name, before: now).map { $0.addingTimeInterval(-delay) }
        let recoveryN = batch.alertRecoveryN
        let needed = Self.scoresNeeded(batch)
        for metric in try store.metricNames(batch: batch.name, type: .score) where !excluded.contains(metric) {
            try Task.checkCancellation()
            var metricAlerts: [MetricRow] = []
            var metricNotifications: [AlertNotification] = []
            let failure = try await attemptMetric(metric, job: kind, context: context) {
                let scores = try store.rows(
                    MetricQuery(
                        batch: batch.name, names: [metric], types: [.score],
                        from: from, through: judgedThrough, latest: needed))
                guard let first = scores.first else { return }
                holdsUntil = min(holdsUntil, first.timestamp.addingTimeInterval(Double(batch.alertMaxDaysAgo) * 86_400))
                // One series a query, so each is read from the series cache where there is one.
                func window(_ type: MetricType) throws -> [MetricRow] {
                    try store.rows(MetricQuery(batch: batch.name, names: [metric], types: [type], from: first.timestamp, through: now))
                }
                let alertedTimes = Set(try window(.alert).map(\.timestamp))
                let valueRows = try window(.metric)
                if valueRows.count >= 2 { latestPoints[metric] = valueRows.suffix(2).map(\.timestamp) }
                let values = Dictionary(valueRows.map { ($0.timestamp, $0.value) }, uniquingKeysWith: { a, _ in a })
                let alreadyAlerted = Set(scores.indices.filter { alertedTimes.contains(scores[$0].timestamp) })
                let decisions = Self.decide(
                    scores: scores.map(\.value), alerted: alreadyAlerted, threshold: batch.alertThreshold,
                    recentN: batch.alertRecentN, smoothN: batch.alertSmoothN,
                    snoozeN: batch.alertSnoozeN, always: batch.alertAlways,
                    firstUnjudged: previousRun.map { run in scores.firstIndex { $0.timestamp > run } ?? scores.count } ?? 0,
                    forN: batch.alertForN, forM: batch.alertForM)
                let tags = batch.tags(for: metric)
                // What the detector expected instead, so the reader sees how far off a value is:
                // one band over the values from the first alerted point to the last.
                var expected: [Date: PlotData.Band] = [:]
                if let earliest = decisions.map({ scores[$0.index].timestamp }).min(),
                    let latest = decisions.map({ scores[$0.index].timestamp }).max()
                {
                    let points = valueRows.filter { $0.timestamp >= earliest && $0.timestamp <= latest }
                        .map { PlotData.Point($0.timestamp, $0.value) }
                    let bands = try await ExpectedBand.load(for: points, batch: batch, metric: metric, store: store, context: context)
                    expected = Dictionary(bands.map { ($0.time, $0) }, uniquingKeysWith: { a, _ in a })
                }
                for decision in decisions {
                    let score = scores[decision.index]
                    let severity: Severity = decision.smoothed >= batch.alertCriticalThreshold ? .critical : .warning
                    let metadata =
                        "{\"score\":\(Fixed.format(score.value, 3)),\"severity\":\"\(severity.rawValue)\",\"smoothed_score\":\(Fixed.format(decision.smoothed, 4)),\"threshold\":\(Fixed.format(batch.alertThreshold, 4))}"
                    metricAlerts.append(
                        MetricRow(
                            timestamp: score.timestamp, batch: batch.name, name: metric, type: .alert,
                            value: 1, metadata: metadata))
                    metricNotifications.append(
                        AlertNotification(
                            kind: .alert, batch: batch.name, metric: metric,
                            timestamp: score.timestamp, value: values[score.timestamp],
                            score: score.value, smoothedScore: decision.smoothed,
                            threshold: batch.alertThreshold, severity: severity,
                            details: expected[score.timestamp].map { ["expected": "\(Fixed.format($0.low, 4)) to \(Fixed.format($0.high, 4))"] } ?? [:],
                            methods: batch.alertMethods, tags: tags))
                }
                let lastAlert = alreadyAlerted.union(decisions.map(\.index)).max()
                if let lastAlert {
                    let smoothed = ScoreSmoothing.smoothed(scores.map(\.value), window: batch.alertSmoothN)
                    if let r = Self.recovery(smoothed: smoothed, alertIndex: lastAlert, threshold: batch.alertThreshold, recoveryN: recoveryN) {
                        let point = scores[r]
                        metricNotifications.append(
                            AlertNotification(
                                kind: .recovery, batch: batch.name, metric: metric, timestamp: point.timestamp, value: values[point.timestamp],
                                score: point.value, smoothedScore: smoothed[r], threshold: batch.alertThreshold, severity: .info,
                                details: ["alerted_at": MetricTimestamp.format(scores[lastAlert].timestamp)],
                                methods: batch.alertMethods, tags: tags))
                    }
                }
            }
            if let failure {
                failures.append(failure)
            } else {
                alerts += metricAlerts
                notifications += metricNotifications
            }
        }
        if batch.alertExplain, let model = context.llm {
            let explainer = AlertExplainer(model: model, budget: TokenBudget(limit: batch.llmMaxTokensPerRun))
            for index in notifications.indices where notifications[index].kind == .alert {
                if let text = await explainer.explain(notifications[index], batch: batch, store: store, context: context) {
                    notifications[index].details["explanation"] = text
                }
            }
        }
        if let watch = NoDataWatch(batch: batch) {
            let silences = try watch.notifications(for: batch, store: store, excluded: excluded, context: context, latest: latestPoints)
            notifications += silences.notifications
            holdsUntil = min(holdsUntil, silences.holdsUntil)
        }
        if let watch = StuckWatch(batch: batch) {
            notifications += try watch.notifications(for: batch, store: store, excluded: excluded, now: now)
        }
        let scoreAlerts = notifications.filter { $0.kind == .alert }
        if batch.alertDigestMinN >= 2 && scoreAlerts.count >= batch.alertDigestMinN {
            let precision = try Self.feedbackPrecision(store: store, batch: batch, metrics: Set(scoreAlerts.map(\.metric)))
            let ranked = AlertDigest.prioritise(scoreAlerts, precision: precision)
            // Stamped with its latest alert's time, so a rerun after a crash makes the same digest, not a second one.
            let latest = scoreAlerts.map(\.timestamp).max() ?? now
            notifications = [AlertDigest.digest(ranked, batch: batch, time: latest)] + notifications.filter { $0.kind != .alert }
        }
        try await NotificationOutbox(context: context).post(notifications, batch: batch)
        let written = try store.insert(alerts)
        if let watermarks = context.watermarks, start?.inputs != nil, failures.isEmpty {
            let nextScore = try Self.nextScore(store: store, batch: batch, judgedThrough: judgedThrough).addingTimeInterval(delay)
            try watermarks.end(
                job: kind, batch: batch, store: store, types: Self.inputs, inputs: start?.inputs, written: written, now: now,
                holdsUntil: min(holdsUntil, nextScore))
        }
        await DeliveryDispatcher(context: context).dispatch(batch: batch)
        context.logger.info("alert \(batch.name): \(written) alerts")
        return JobOutcome(rowsWritten: written, failures: failures)
    }
}
