import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct AlertJobTests {
    /// The previous alert run is the latest successful one before now, among the last ten: a
    /// rerun of this tick, a failed run and another job's run do not count.
    @Test func thePreviousRunIsTheLatestSuccessfulEarlierOne() throws {
        let store = try SQLiteDatabase(path: ":memory:").store(table: "metrics")
        func run(_ hour: Int, _ job: JobKind = .alert, _ status: JobStatus = .success) throws {
            let at = referenceTime.addingTimeInterval(Double(hour) * 3600)
            try store.record(JobRun(job: job, batch: "b", asOf: at, startedAt: at, finishedAt: at, status: status, rowsWritten: 0))
        }
        let now = referenceTime.addingTimeInterval(5 * 3600)
        #expect(try AlertJob.previousRun(store: store, batch: "b", before: now) == nil)
        try run(1)
        try run(2, .alert, .failed)
        try run(3, .score)
        #expect(try AlertJob.previousRun(store: store, batch: "b", before: now) == referenceTime.addingTimeInterval(3600))
        try run(5)  // this tick, run again
        #expect(try AlertJob.previousRun(store: store, batch: "b", before: now) == referenceTime.addingTimeInterval(3600))
        for _ in 0..<10 { try run(5) }
        #expect(try AlertJob.previousRun(store: store, batch: "b", before: now) == nil, "only the last ten are read")
    }

    func decide(
        _ scores: [Double], alerted: Set<Int> = [], threshold: Double = 0.8, recent: Int = 1, smooth: Int = 3,
        snooze: Int = 3, always: Bool = false, firstUnjudged: Int = 0
    ) -> [Int] {
        AlertJob.decide(
            scores: scores, alerted: alerted, threshold: threshold, recentN: recent, smoothN: smooth,
            snoozeN: snooze, always: always, firstUnjudged: firstUnjudged
        ).map(\.index)
    }

    /// Found by the settings fuzzer: `alert_recent_n: 0` made an empty range of points to judge,
    /// which trapped the alert job.
    @Test func noRecentPointsJudgesNothing() {
        #expect(AlertJob.decide(scores: [0.1, 0.99], alerted: [], threshold: 0.5, recentN: 0, smoothN: 1, snoozeN: 0, always: true).isEmpty)
        #expect(AlertJob.decide(scores: [0.1, 0.99], alerted: [], threshold: 0.5, recentN: 1, smoothN: 1, snoozeN: 0, always: false).count == 1)
    }

    @Test func smoothingLooksAtOlderPointsNotNewerOnes() {
        // Anomstack smooths over the following points; a spike at the end would then be judged by itself.
        #expect(decide([0.1, 0.1, 1.0]) == [])
        #expect(decide([0.9, 0.9, 0.9]) == [2])
        let smoothed = AlertJob.decide(scores: [0.3, 0.6, 0.9], alerted: [], threshold: 0, recentN: 1, smoothN: 3, snoozeN: 0, always: false)
        #expect(smoothed.map(\.smoothed) == [0.6])
    }

    /// `alert_for_n` / `alert_for_m`: a point stays pending until the threshold has been reached
    /// on n points in a row (or m of them), it the last; a lone spike never alerts.
    @Test func aPendingPointAlertsOnlyOnceTheConditionHeld() {
        let scores = [0.9, 0.1, 0.9, 0.9, 0.9, 0.1]
        func decide(forN: Int, forM: Int) -> [Int] {
            AlertJob.decide(
                scores: scores, alerted: [], threshold: 0.8, recentN: 6, smoothN: 1, snoozeN: 0, always: false, forN: forN, forM: forM
            ).map(\.index)
        }
        #expect(decide(forN: 1, forM: 1) == [0, 2, 3, 4], "at once, as before")
        #expect(decide(forN: 3, forM: 3) == [4], "three in a row: the first spike and the start of the run stay pending")
        #expect(decide(forN: 3, forM: 2) == [2, 3, 4], "two of three")
        #expect(decide(forN: 3, forM: 0) == [4], "0 means all n")
        #expect(decide(forN: 7, forM: 7) == [], "fewer points than n: still pending")
    }

    @Test func aThreePointAnomalyAlertsOnceWithSnooze() {
        // Every point of the anomaly is recent and above threshold; snooze leaves one alert, not three.
        #expect(decide([0.1, 0.9, 0.95, 0.97], recent: 3, smooth: 1, snooze: 3) == [1])
        #expect(decide([0.1, 0.9, 0.95, 0.97], recent: 3, smooth: 1, snooze: 0) == [1, 2, 3])
    }

    @Test func snoozeCountsPointsSinceAnEarlierAlert() {
        #expect(decide([0.9, 0.9, 0.9, 0.9], alerted: [0], recent: 1, smooth: 1, snooze: 3) == [])
        #expect(decide([0.9, 0.9, 0.9, 0.9, 0.9], alerted: [0], recent: 1, smooth: 1, snooze: 3) == [4])
        #expect(decide([0.9, 0.9, 0.9, 0.9], alerted: [1], recent: 1, smooth: 1, snooze: 3) == [])
    }

    @Test func aPointAlertsAtMostOnceEver() {
        #expect(decide([0.9, 0.9], alerted: [1], recent: 1, smooth: 1, snooze: 0) == [])
    }

    @Test func alertAlwaysForcesTheLatestPoint() {
        #expect(decide([0.1, 0.1], always: true) == [1])
        #expect(decide([0.1, 0.1], alerted: [1], always: true) == [])
    }

    @Test func onlyRecentPointsMayAlert() {
        #expect(decide([0.9, 0.1, 0.1], recent: 1, smooth: 1) == [])
        #expect(decide([0.9, 0.1, 0.1], recent: 3, smooth: 1) == [0])
    }

    @Test func pointsAnEarlierRunJudgedAreNotJudgedAgainButTheLatestAlwaysIs() {
        // Three points scored since the last run: the first of them alerts although it is not the latest.
        #expect(decide([0.1, 0.1, 0.95, 0.5, 0.5], recent: 24, smooth: 1, firstUnjudged: 2) == [2])
        // The high point was there for the previous run (say the metric was excluded then): not again.
        #expect(decide([0.1, 0.95, 0.5, 0.5], recent: 24, smooth: 1, firstUnjudged: 3) == [])
        // A latest point stamped before the previous run (a daily metric stamped at midnight) is still judged.
        #expect(decide([0.1, 0.95], recent: 24, smooth: 1, firstUnjudged: 2) == [1])
    }

    /// A catch-up run (several points scored at once) alerts on the incident's first point, and
    /// the next run does not judge it again.
    @Test func aCatchUpRunAlertsOnTheIncidentsFirstPoint() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: slack\nalert_snooze_n: 0\n")
        let scores = [0.1, 0.2, 0.9, 0.5, 0.4]
        try h.store().insert(
            hourly([1, 2, 3, 4, 5])
                + hourly(scores, type: .score))
        #expect(await JobRunner(context: h.context).run(.alert, batch: b).rowsWritten == 1)
        #expect(try h.all("test", .alert).map(\.timestamp) == [referenceTime.addingTimeInterval(-2 * 3600)])
        h.clock.advance(by: 3600)
        try h.store().insert(
            hourly([6], end: referenceTime.addingTimeInterval(3600))
                + hourly([0.1], type: .score, end: referenceTime.addingTimeInterval(3600)))
        #expect(await JobRunner(context: h.context).run(.alert, batch: b).rowsWritten == 0)
    }

    /// Points the previous alert run saw (here while the metric was excluded) are not judged
    /// again, however many other job runs came in between.
    @Test func thePreviousAlertRunIsFoundBehindManyOtherRuns() async throws {
        let h = try Harness()
        let excluded = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: slack\nalert_exclude_metrics: [m]\n")
        try h.store().insert(
            hourly([1, 2, 3])
                + hourly([0.1, 0.95, 0.2], type: .score))
        #expect(await JobRunner(context: h.context).run(.alert, batch: excluded).rowsWritten == 0)
        for minute in 1...150 {
            let at = referenceTime.addingTimeInterval(Double(minute) * 20)
            try h.store().record(
                JobRun(job: .ingest, batch: "test", asOf: at, startedAt: at, finishedAt: at, status: .success, rowsWritten: 0, error: nil))
        }
        h.clock.advance(by: 3600)
        let included = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: slack\n")
        try h.store().insert(
            hourly([4], end: referenceTime.addingTimeInterval(3600))
                + hourly([0.1], type: .score, end: referenceTime.addingTimeInterval(3600)))
        #expect(await JobRunner(context: h.context).run(.alert, batch: included).rowsWritten == 0)
        #expect(try h.all("test", .alert).isEmpty)
    }

    /// A point that lands after the alert run that followed its timestamp is passed over (that
    /// run is taken to have judged it) unless `alert_evaluation_delay` holds judging back.
    @Test(arguments: [(nil, 0), ("1h", 1), ("3600", 1), ("20m", 0)] as [(String?, Int)])
    func anEvaluationDelayJudgesAPointThatLandsLate(delay: String?, alerts: Int) async throws {
        let h = try Harness()
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\nalert_methods: slack\nalert_snooze_n: 0\n"
                + (delay.map { "alert_evaluation_delay: \($0)\n" } ?? ""))
        try h.store().insert(hourly([1, 2, 3]) + hourly([0.1, 0.1, 0.1], type: .score))
        #expect(await JobRunner(context: h.context).run(.alert, batch: b).rowsWritten == 0)
        // An hour later: the point stamped half an hour before that run lands, anomalous, with a new one.
        h.clock.advance(by: 3600)
        let late = referenceTime.addingTimeInterval(-1800)
        try h.store().insert(
            [
                MetricRow(timestamp: late, batch: "test", name: "m", type: .metric, value: 9),
                MetricRow(timestamp: late, batch: "test", name: "m", type: .score, value: 0.95),
            ]
                + hourly([4], end: referenceTime.addingTimeInterval(3600))
                + hourly([0.1], type: .score, end: referenceTime.addingTimeInterval(3600)))
        #expect(await JobRunner(context: h.context).run(.alert, batch: b).rowsWritten == alerts)
        #expect(try h.all("test", .alert).map(\.timestamp) == (alerts == 1 ? [late] : []))
    }

    @Test func anEvaluationDelayMustBeASpanOrSeconds() throws {
        #expect(throws: (any Error).self) { try batch("metric_batch: test\ningest_sql: select 1\nalert_evaluation_delay: soon\n") }
        #expect(throws: (any Error).self) { try batch("metric_batch: test\ningest_sql: select 1\nalert_evaluation_delay: -5\n") }
        #expect(try batch("metric_batch: test\ningest_sql: select 1\nalert_evaluation_delay: 10m\n").alertEvaluationDelay == 600)
    }

    @Test func theJobWritesAlertsOnceAndNotifies() async throws {
        let h = try Harness()
        // Anomstack's smoothing and latest-point-only alerting, so the alert is the 3-point mean at the last point.
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\nalert_methods: slack\nalert_smooth_n: 3\nalert_recent_n: 1\n"
                + "metric_tags:\n  m:\n    team: core\n")
        let scores = [0.1, 0.2, 0.9, 0.95, 0.99]
        try h.store().insert(
            hourly([1, 2, 3, 4, 5])
                + hourly(scores, type: .score))
        let first = try await AlertJob().run(batch: b, context: h.context)
        #expect(first.rowsWritten == 1)
        let alert = try h.all("test", .alert)
        #expect(alert.map(\.timestamp) == [referenceTime])
        #expect(alert[0].metadata == #"{"score":0.990,"severity":"warning","smoothed_score":0.9467,"threshold":0.8000}"#)
        #expect(h.channel.delivered.count == 1)
        let sent = h.channel.delivered[0]
        #expect(sent.method == "slack")
        #expect(sent.notification.value == 5)
        #expect(sent.notification.tags == ["team": "core"])
        #expect(sent.message.title == "🔥 [m] looks anomalous (2026-01-15 12:00:00) 🔥")
        #expect(sent.attachment.map { $0.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) } == true)
        #expect(try await AlertJob().run(batch: b, context: h.context).rowsWritten == 0)
        #expect(h.channel.delivered.count == 1)
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.delivered])
    }

    @Test func excludedMetricsNeverAlert() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_exclude_metrics: [m]\n")
        try h.store().insert(
            hourly([0.9, 0.9, 0.9], type: .score))
        #expect(try await AlertJob().run(batch: b, context: h.context).rowsWritten == 0)
    }
}

/// `alert_digest_min_n`: the alerts of one run in one message, most urgent first.
@Suite struct AlertDigestTests {
    @Test func aRunWithSeveralAlertsSendsOneRankedDigest() async throws {
        let h = try Harness()
        let store = try h.store()
        // Three metrics alert now: "a" critical, "b" and "c" warnings; "c" is tagged high priority.
        for (metric, score) in [("a", 0.99), ("b", 0.85), ("c", 0.85)] {
            let values = hourly(Array(repeating: 10.0, count: 6), name: metric)
            try store.insert(values)
            try store.insert(values.map { MetricRow(timestamp: $0.timestamp, batch: "test", name: metric, type: .score, value: score) })
        }
        let b = try batch(
            """
            metric_batch: test
            ingest_sql: select 1
            alert_methods: webhook
            alert_digest_min_n: 2
            alert_recent_n: 1
            metric_tags:
              c:
                priority: high
            """)
        let run = await JobRunner(context: h.context).run(.alert, batch: b)
        #expect(run.rowsWritten == 3)  // every alert row is still written
        let sent = h.channel.delivered
        #expect(sent.count == 1)
        #expect(sent.first?.message.title == "[critical] 🔥 [test] 3 metrics look anomalous (2026-01-15 12:00:00) 🔥")
        let text = try #require(sent.first?.message.text)
        let order = ["a:", "c:", "b:"].compactMap { text.range(of: "\n" + $0)?.lowerBound }
        #expect(order.count == 3 && order == order.sorted(), "\(text)")
        #expect(await JobRunner(context: h.context).run(.alert, batch: b).rowsWritten == 0)
        #expect(h.channel.delivered.count == 1)
    }

    @Test func feedbackPrecisionBreaksTiesBetweenEquals() {
        let t = referenceTime
        func alert(_ metric: String) -> AlertNotification {
            AlertNotification(
                kind: .alert, batch: "b", metric: metric, timestamp: t, value: 1, score: 0.9, smoothedScore: 0.9,
                threshold: 0.8, severity: .warning, methods: [], tags: [:])
        }
        let ranked = AlertDigest.prioritise([alert("x"), alert("y"), alert("z")], precision: ["z": 1.0, "x": 0.0])
        #expect(ranked.map(\.metric) == ["z", "y", "x"])
    }
}
