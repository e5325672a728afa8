import Fixtures
import Foundation
import Testing

@testable import Engine

/// Two engine "processes" (job runners with their own lease holders) sharing one store, on the
/// test clock: a run skips while another holds its lease, the holder keeps renewing it while it
/// runs, a dead holder's lease lapses, and a run can wait for it.
@Suite struct RunLeasesTests {
    let start = MetricTimestamp.parse("2026-01-15 12:00:00")!

    func runner(
        _ h: Harness, holder: String, clock: TestClock, log: RunLog, seconds: TimeInterval, wait: TimeInterval = 0,
        gone: @escaping @Sendable (String) -> Bool = { _ in false }
    ) -> JobRunner {
        var context = h.context
        context.clock = clock
        let leases = RunLeases(store: h.database, holder: holder, clock: clock, ttl: 60, wait: wait, holderIsGone: gone)
        return JobRunner(context: context, leases: leases) { kind in
            StandInJob(kind: kind, seconds: seconds, fails: false, log: log)
        }
    }

    @Test func aSecondProcessSkipsWhileTheFirstRunsAndRenewsItsLease() async throws {
        let h = try Harness(now: start)
        let clock = TestClock(start)
        let log = RunLog()
        let b = try batch("metric_batch: b\ningest_sql: select 1\n")
        let first = runner(h, holder: "host-a:1", clock: clock, log: log, seconds: 150)
        let second = runner(h, holder: "host-b:2", clock: clock, log: log, seconds: 0)
        let long = Task { await first.run(.train, batch: b) }
        try await eventually { clock.sleeperCount == 2 }  // the job and its lease renewal
        // Past the lease's first lifetime: renewed at +20 s, +40 s, ... so still held.
        for second in stride(from: 20, through: 100, by: 20) {
            clock.set(start.addingTimeInterval(TimeInterval(second)))
            try await eventually { clock.sleeperCount == 2 && clock.nextDeadline.map { $0 > clock.now } == true }
        }
        let skipped = await second.run(.train, batch: b)
        #expect(skipped.status == .skipped)
        #expect(skipped.error == "host-a:1 holds the lease of train b until 2026-01-15T12:02:40Z")
        // A different job of the same batch is not held up.
        #expect(await second.run(.score, batch: b).status == .success)
        clock.set(start.addingTimeInterval(150))
        let done = await long.value
        #expect(done.status == .success)
        // Released at the end: the other process gets it at once.
        #expect(await second.run(.train, batch: b).status == .success)
        let runs = try h.store().jobRuns(batch: "b")
        #expect(runs.map(\.status) == [.skipped, .success, .success, .success])
    }

    @Test func aDeadHoldersLeaseLapsesAndAWaitingRunTakesIt() async throws {
        let h = try Harness(now: start)
        let clock = TestClock(start)
        let log = RunLog()
        let b = try batch("metric_batch: b\ningest_sql: select 1\n")
        // A process that took the lease and died without releasing it.
        _ = try h.database.acquireLease(job: .ingest, batch: "b", holder: "dead:9", now: start, expires: start.addingTimeInterval(60))
        #expect(await runner(h, holder: "host-b:2", clock: clock, log: log, seconds: 0).run(.ingest, batch: b).status == .skipped)
        let waiting = Task { await runner(h, holder: "host-b:2", clock: clock, log: log, seconds: 0, wait: 120).run(.ingest, batch: b) }
        for _ in 0..<20 where clock.now < start.addingTimeInterval(60) {
            try await eventually { clock.sleeperCount == 1 }
            clock.set(clock.nextDeadline!)
        }
        let run = await waiting.value
        #expect(run.status == .success)
        #expect(await log.lines == ["b ingest start @12:01:00", "b ingest end @12:01:00"])
    }

    /// A crash leaves its lease behind; a retry on the same host takes it over at once instead of
    /// skipping until it lapses (robustness finding D15).
    @Test func aDeadHolderOnThisHostIsTakenOverAtOnce() async throws {
        let h = try Harness(now: start)
        let clock = TestClock(start)
        let log = RunLog()
        let b = try batch("metric_batch: b\ningest_sql: select 1\n")
        _ = try h.database.acquireLease(job: .train, batch: "b", holder: "host-a:111", now: start, expires: start.addingTimeInterval(60))
        let retry = runner(h, holder: "host-a:222", clock: clock, log: log, seconds: 0) { $0 == "host-a:111" }
        #expect(await retry.run(.train, batch: b).status == .success)
        // A live holder is still respected.
        _ = try h.database.acquireLease(job: .score, batch: "b", holder: "host-b:5", now: start, expires: start.addingTimeInterval(60))
        #expect(await retry.run(.score, batch: b).status == .skipped)
    }

    @Test func aProcessIsGoneOnlyOnThisHostAndOnlyWhenItHasExited() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let me = ProcessInfo.processInfo.processIdentifier
        #expect(LocalInstallation.isGoneProcess(holder: "box:\(dead)", host: "box"))
        #expect(!LocalInstallation.isGoneProcess(holder: "box:\(me)", host: "box"))
        #expect(!LocalInstallation.isGoneProcess(holder: "other:\(dead)", host: "box"))
        #expect(!LocalInstallation.isGoneProcess(holder: "box:notapid", host: "box"))
    }
}
