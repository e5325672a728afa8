import Engine
import Fixtures
import Foundation
import Testing

/// The live scheduler's rules on the test clock: limits, overlap, timeout, catch-up, event
/// triggers, run-time schedule changes and graceful stop.
@Suite struct ConcurrentSchedulerTests {
    let start = MetricTimestamp.parse("2026-01-15 12:00:30")!

    func batches(_ names: [String], extra: String = "") throws -> [BatchConfig] {
        try names.map { name in
            try batch("metric_batch: \(name)\ningest_sql: select 1\ningest_default_schedule_status: RUNNING\n" + extra)
        }
    }

    func scheduler(
        _ batches: [BatchConfig], clock: any EngineClock, log: RunLog, seconds: [JobKind: TimeInterval] = [:],
        failing: Set<JobKind> = [], timeout: TimeInterval? = nil, mode: Scheduler.Mode
    ) throws -> (Scheduler, Harness) {
        let h = try Harness()
        var context = h.context
        context.clock = clock
        let runner = JobRunner(context: context, timeout: timeout) { kind in
            StandInJob(kind: kind, seconds: seconds[kind] ?? 0, fails: failing.contains(kind), log: log)
        }
        return (Scheduler(catalog: BatchCatalog(batches: batches), runner: runner, mode: mode), h)
    }

    @Test func aSimulatedDayFiresEachJobOnItsOwnCron() async throws {
        let log = RunLog()
        let b = try batch(
            """
            metric_batch: day
            ingest_sql: select 1
            ingest_default_schedule_status: RUNNING
            train_default_schedule_status: RUNNING
            score_default_schedule_status: RUNNING
            alert_default_schedule_status: RUNNING
            delete_default_schedule_status: RUNNING
            """)
        let clock = SimulatedClock(MetricTimestamp.parse("2026-01-15 00:00:00")!)
        let (scheduler, _) = try scheduler([b], clock: clock, log: log, mode: .sequential)
        let runs = try await scheduler.run(until: MetricTimestamp.parse("2026-01-15 23:59:59")!)
        let counts = Dictionary(grouping: runs, by: \.job).mapValues(\.count)
        // */3, */5, */4, */5 and 0 6 * * * over the 24 hours after midnight (midnight itself excluded).
        #expect(counts == [.ingest: 479, .train: 287, .score: 359, .alert: 287, .delete: 1])
        #expect(runs.first { $0.job == .delete }.map { MetricTimestamp.format($0.asOf) } == "2026-01-15 06:00:00")
    }

    @Test func runsBeyondTheLimitWaitForASlot() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let (scheduler, _) = try scheduler(
            try batches(["a", "b", "c"]), clock: clock, log: log, seconds: [.ingest: 100],
            mode: .concurrent(limit: 2))
        let task = Task { try await scheduler.run() }
        try await eventually { clock.sleeperCount == 1 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:00")!)
        try await eventually { await log.lines.count == 2 }
        // Which two of the three batches win the slots is up to the task scheduler; the third waits.
        let first = await log.lines
        let started = first.compactMap { $0.hasSuffix(" ingest start @12:03:00") ? String($0.prefix(1)) : nil }
        #expect(Set(started).count == 2, "two runs start at once: \(first)")
        let waiting = Set(["a", "b", "c"]).subtracting(started).sorted()
        try await eventually { clock.sleeperCount == 3 }  // two runs and the loop
        clock.set(MetricTimestamp.parse("2026-01-15 12:04:40")!)
        try await eventually { await log.lines.count == 5 }
        #expect(
            await log.lines.suffix(3).sorted()
                == (started.map { "\($0) ingest end @12:04:40" } + waiting.map { "\($0) ingest start @12:04:40" }).sorted())
        task.cancel()
        _ = try await task.value
    }

    @Test func aJobStillRunningIsNotStartedAgain() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let (scheduler, h) = try scheduler(try batches(["a"]), clock: clock, log: log, seconds: [.ingest: 250], mode: .concurrent(limit: 4))
        let task = Task { try await scheduler.run() }
        try await eventually { clock.sleeperCount == 1 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:00")!)
        try await eventually { clock.sleeperCount == 2 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:04:00")!)
        try await eventually { clock.sleeperCount == 2 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:05:00")!)
        try await eventually { clock.sleeperCount == 2 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:06:00")!)
        try await eventually { (try? h.store().jobRuns(batch: "a").count) == 1 }
        let skipped = try h.store().jobRuns(batch: "a")[0]
        #expect(skipped.status == .skipped)
        #expect(skipped.error == "the previous run of this job is still going")
        #expect(await log.lines == ["a ingest start @12:03:00"])
        task.cancel()
        _ = try await task.value
    }

    @Test func aRunPastTheTimeoutIsCancelledAndRecordedAsFailed() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let (scheduler, h) = try scheduler(
            try batches(["a"]), clock: clock, log: log, seconds: [.ingest: 600], timeout: 60,
            mode: .concurrent(limit: 4))
        let task = Task { try await scheduler.run() }
        try await eventually { clock.sleeperCount == 1 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:00")!)
        try await eventually { clock.sleeperCount == 3 }  // the job, its timeout, the loop
        clock.set(MetricTimestamp.parse("2026-01-15 12:04:00")!)
        try await eventually { (try? h.store().jobRuns(batch: "a").count) == 1 }
        let run = try h.store().jobRuns(batch: "a")[0]
        #expect(run.status == .failed)
        #expect(run.error == "timed out after 60 s and was cancelled")
        #expect(await log.lines == ["a ingest start @12:03:00"])  // it never reached its end
        task.cancel()
        _ = try await task.value
    }

    @Test func ticksMissedWhileAwayAreNotReplayed() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let (scheduler, _) = try scheduler(try batches(["a"]), clock: clock, log: log, mode: .concurrent(limit: 4))
        let task = Task { try await scheduler.run() }
        try await eventually { clock.sleeperCount == 1 }
        // The machine sleeps for half an hour: ten ingest ticks pass; only the one within the grace minute fires.
        clock.set(MetricTimestamp.parse("2026-01-15 12:30:20")!)
        try await eventually { await log.lines.count == 2 }
        try await eventually { clock.sleeperCount == 1 }
        #expect(await log.lines == ["a ingest start @12:30:20", "a ingest end @12:30:20"])
        task.cancel()
        _ = try await task.value
    }

    @Test func aJobRunsAfterTheOneItFollowsSucceeds() async throws {
        let log = RunLog()
        let clock = SimulatedClock(start)
        let b = try batch(
            """
            metric_batch: chain
            ingest_sql: select 1
            ingest_default_schedule_status: RUNNING
            score_after: ingest
            alert_after: score
            """)
        let (scheduler, _) = try scheduler([b], clock: clock, log: log, mode: .sequential)
        let runs = try await scheduler.run(until: MetricTimestamp.parse("2026-01-15 12:03:00")!)
        #expect(runs.map(\.job) == [.ingest, .score, .alert])

        let failingLog = RunLog()
        let (failing, _) = try self.scheduler([b], clock: SimulatedClock(start), log: failingLog, failing: [.ingest], mode: .sequential)
        let failed = try await failing.run(until: MetricTimestamp.parse("2026-01-15 12:03:00")!)
        #expect(failed.map(\.job) == [.ingest])
        #expect(failed[0].status == .failed)
    }

    @Test func aScheduleStartedAtRunTimeFiresWithoutARestart() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let b = try batch("metric_batch: late\ningest_sql: select 1\n")
        let (scheduler, _) = try scheduler([b], clock: clock, log: log, mode: .concurrent(limit: 4))
        let task = Task { try await scheduler.run() }
        try await eventually { clock.sleeperCount == 1 }
        await scheduler.catalog.apply(ScheduleOverride(batch: "late", job: .ingest, running: true, changedBy: "test", changedAt: start))
        // The loop re-reads the schedule at least every minute.
        clock.set(MetricTimestamp.parse("2026-01-15 12:01:30")!)
        try await eventually { clock.sleeperCount == 1 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:00")!)
        try await eventually { await log.lines.count == 2 }
        #expect(await log.lines.first == "late ingest start @12:03:00")
        task.cancel()
        _ = try await task.value
    }

    @Test func stoppingLetsTheRunningJobsFinish() async throws {
        let log = RunLog()
        let clock = TestClock(start)
        let (scheduler, _) = try scheduler(try batches(["a"]), clock: clock, log: log, seconds: [.ingest: 30], mode: .concurrent(limit: 4))
        let stop = Latch()
        let task = Task { try await scheduler.run(stopWhen: { await stop.wait() }) }
        try await eventually { clock.sleeperCount == 1 }
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:00")!)
        try await eventually { clock.sleeperCount == 2 }
        stop.open()
        try await eventually { clock.sleeperCount == 1 }  // the loop has stopped; the run sleeps on
        clock.set(MetricTimestamp.parse("2026-01-15 12:03:30")!)
        _ = try await task.value
        #expect(await log.lines == ["a ingest start @12:03:00", "a ingest end @12:03:30"])
    }
}
