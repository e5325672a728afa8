import Engine
import Fixtures
import Foundation
import Testing

@Suite struct SchedulerTests {
    func batchConfig(_ extra: String = "") throws -> BatchConfig {
        try batch(
            """
            metric_batch: test
            ingest_sql: select 1
            ingest_default_schedule_status: RUNNING
            train_default_schedule_status: RUNNING
            score_default_schedule_status: RUNNING
            alert_default_schedule_status: RUNNING
            """ + extra)
    }

    @Test func jobsFireOnTheirOwnCronStringsInDataOrder() throws {
        let schedule = JobSchedule(batches: [try batchConfig()])
        let start = MetricTimestamp.parse("2026-01-15 12:00:00")!
        var ticks: [String] = []
        var cursor = start
        while let tick = schedule.nextTick(after: cursor), tick.time <= start.addingTimeInterval(20 * 60) {
            ticks.append("\(MetricTimestamp.format(tick.time).suffix(8)) \(tick.jobs.map(\.job.rawValue).joined(separator: ","))")
            cursor = tick.time
        }
        #expect(
            ticks == [
                "12:03:00 ingest", "12:04:00 score", "12:05:00 train,alert", "12:06:00 ingest", "12:08:00 score",
                "12:09:00 ingest", "12:10:00 train,alert", "12:12:00 ingest,score", "12:15:00 ingest,train,alert",
                "12:16:00 score", "12:18:00 ingest", "12:20:00 train,score,alert",
            ])
    }

    @Test func stoppedAndDisabledJobsAreNotScheduled() throws {
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\ningest_default_schedule_status: RUNNING\ndisable_ingest: true\nscore_default_schedule_status: RUNNING\n"
        )
        #expect(JobSchedule(batches: [b]).entries.map(\.job) == [.score])
        #expect(JobSchedule(batches: [b], startAll: true).entries.map(\.job) == [.train, .score, .alert, .change, .plot, .delete])
    }

    @Test func thresholdAlertsFollowIngest() throws {
        let b = try batch("metric_batch: test\ningest_sql: select 1\ningest_default_schedule_status: RUNNING\ndisable_tholdalert: false\n")
        let schedule = JobSchedule(batches: [b])
        #expect(schedule.entries.map(\.job) == [.ingest, .tholdalert])
        let tick = try #require(schedule.nextTick(after: MetricTimestamp.parse("2026-01-15 12:00:30")!))
        #expect(tick.jobs.map(\.job) == [.ingest, .tholdalert])
        let stopped = try batch("metric_batch: test\ningest_sql: select 1\ndisable_tholdalert: false\n")
        #expect(JobSchedule(batches: [stopped]).entries.isEmpty)
    }

    @Test func theSchedulerRunsJobsOnASimulatedClock() async throws {
        let h = try Harness()
        let clock = SimulatedClock(MetricTimestamp.parse("2026-01-15 12:00:30")!)
        var context = h.context
        context.clock = clock
        let scheduler = Scheduler(batches: [try batchConfig()], runner: JobRunner(context: context))
        let runs = try await scheduler.run(until: MetricTimestamp.parse("2026-01-15 12:05:00")!)
        #expect(
            runs.map { "\($0.job.rawValue)@\(MetricTimestamp.format($0.asOf).suffix(5))" }
                == ["ingest@03:00", "score@04:00", "train@05:00", "alert@05:00"])
        #expect(try h.store().jobRuns(batch: "test").count == 4)
        #expect(clock.now == MetricTimestamp.parse("2026-01-15 12:05:00")!)
    }
}
