import Foundation
import Logging

/// Runs each batch's jobs when their cron strings fire, on whatever clock the runner's context
/// carries: the live clock in `engine serve`, a simulated one in replay and tests.
///
/// - Sequential mode (replay, tests): a tick's jobs run one after another, and the next tick is
///   computed when they are done, so the same inputs give the same runs in the same order.
/// - Concurrent mode (`engine serve`): a tick starts one task per batch that runs the batch's due
///   jobs in order; batches run side by side up to the run limit, a job still running from an
///   earlier tick is not started twice (the overlap is recorded as a skipped run), and the
///   schedule is re-read at least every `recheckInterval` seconds, so schedules started, stopped
///   or reloaded take effect without a restart.
///
/// Event triggers: when a job succeeds, the jobs of the same batch whose `<job>_after` names it
/// run next, in `JobKind` order (each at most once per chain, so a loop of triggers ends).
///
/// Catch-up rule: ticks missed while the process was down are not replayed. A tick found more
/// than `grace` seconds late (the machine slept, the clock jumped) is skipped; only the ticks of
/// the last `grace` seconds fire.
public struct Scheduler: Sendable {
    /// How runs are started.
    public enum Mode: Sendable {
        case sequential
        case concurrent(limit: Int, recheckInterval: TimeInterval = 60, grace: TimeInterval = 60)
    }

    public let catalog: BatchCatalog
    public let runner: JobRunner
    public let mode: Mode
    /// Admission of runs: shared with "run now" so the two never overlap on one job and batch.
    public let slots: RunSlots

    public init(catalog: BatchCatalog, runner: JobRunner, mode: Mode = .sequential) {
        self.catalog = catalog
        self.runner = runner
        self.mode = mode
        if case .concurrent(let limit, _, _) = mode { slots = RunSlots(limit: limit) } else { slots = RunSlots(limit: 1) }
    }

    /// A sequential scheduler over a fixed set of batches (replay and tests).
    public init(batches: [BatchConfig], runner: JobRunner, startAll: Bool = false) {
        self.init(catalog: BatchCatalog(batches: batches, startAll: startAll), runner: runner)
    }

    /// The schedule in force now.
    public var schedule: JobSchedule { get async { await catalog.snapshot.schedule } }

    /// Runs ticks until the next one would fall after `until` (forever when nil), the task is
    /// cancelled, or (concurrent mode) `stopWhen` returns. Returns the runs of the sequential
    /// mode, in order (concurrent runs are reported through `onRun` only).
    ///
    /// Stopping through `stopWhen` is the graceful way: no new run starts, and the call returns
    /// once the runs already going have finished. Cancelling the task cancels those runs too
    /// (they stop at their next metric).
    @discardableResult
    public func run(
        until: Date? = nil, stopWhen: (@Sendable () async -> Void)? = nil,
        onRun: @escaping @Sendable (JobRun) -> Void = { _ in }
    ) async throws -> [JobRun] {
        switch mode {
        case .sequential:
            return try await runSequentially(until: until, onRun: onRun)
        case .concurrent(_, let recheck, let grace):
            await withDiscardingTaskGroup { group in
                let clock = runner.context.clock
                var cursor = clock.now
                while !Task.isCancelled {
                    let schedule = await catalog.snapshot.schedule
                    let now = clock.now
                    guard let tick = schedule.nextTick(after: cursor) else {
                        // Nothing scheduled: wait for a schedule to be started or reloaded.
                        if await pause(until: now.addingTimeInterval(recheck), stopWhen: stopWhen) { break }
                        cursor = max(cursor, clock.now)
                        continue
                    }
                    if let until, tick.time > until { break }
                    if tick.time > now {
                        if await pause(until: min(tick.time, now.addingTimeInterval(recheck)), stopWhen: stopWhen) { break }
                        continue
                    }
                    if now.timeIntervalSince(tick.time) > grace {
                        runner.context.logger.warning(
                            "skipped the tick of \(MetricTimestamp.format(tick.time)): \(Int(now.timeIntervalSince(tick.time))) s late")
                        cursor = max(tick.time, now.addingTimeInterval(-grace))
                        continue
                    }
                    for (batch, jobs) in Self.byBatch(tick.jobs) {
                        group.addTask { for run in await self.runChain(jobs, batch: batch) { onRun(run) } }
                    }
                    cursor = tick.time
                }
            }
            return []
        }
    }

    /// Sleeps until `deadline` on the runner's clock; true when woken to stop instead (the stop
    /// signal came, or the task was cancelled).
    private func pause(until deadline: Date, stopWhen: (@Sendable () async -> Void)?) async -> Bool {
        let clock = runner.context.clock
        guard let stopWhen else {
            do { try await clock.sleep(until: deadline) } catch { return true }
            return Task.isCancelled
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { try await clock.sleep(until: deadline) } catch { return true }
                return false
            }
            group.addTask {
                await stopWhen()
                return true
            }
            let stopped = await group.next() ?? true
            group.cancelAll()
            return stopped || Task.isCancelled
        }
    }

    private func runSequentially(until: Date?, onRun: @Sendable (JobRun) -> Void) async throws -> [JobRun] {
        let clock = runner.context.clock
        var runs: [JobRun] = []
        var cursor = clock.now
        while !Task.isCancelled {
            guard let tick = await catalog.snapshot.schedule.nextTick(after: cursor) else { break }
            if let until, tick.time > until { break }
            try await clock.sleep(until: tick.time)
            for (batch, jobs) in Self.byBatch(tick.jobs) {
                for run in await runChain(jobs, batch: batch) {
                    onRun(run)
                    runs.append(run)
                }
            }
            cursor = max(tick.time, clock.now)
        }
        return runs
    }

    /// Runs one job of one batch now (the API's and dashboard's "run now"), then what its success
    /// triggers. Nil when the batch is unknown or the same job is running already.
    public func runNow(_ job: JobKind, batch name: String) async -> [JobRun]? {
        guard await catalog.snapshot.batch(named: name) != nil, await !slots.isRunning(job, batch: name) else { return nil }
        let runs = await runChain([job], batch: name)
        return runs.isEmpty ? nil : runs
    }

    /// Runs `jobs` of a batch in order, each followed by the jobs its success triggers. The
    /// batch's config is read when each job starts, so a reload between jobs is picked up.
    func runChain(_ jobs: [JobKind], batch name: String) async -> [JobRun] {
        var queue = jobs
        var done: Set<JobKind> = []
        var runs: [JobRun] = []
        while !queue.isEmpty {
            let job = queue.removeFirst()
            guard !done.contains(job), let batch = await catalog.snapshot.batch(named: name) else { continue }
            done.insert(job)
            guard await slots.acquire(job, batch: name) else {
                let now = runner.context.clock.now
                let skipped = JobRun(
                    job: job, batch: name, asOf: now, startedAt: now, finishedAt: now, status: .skipped,
                    rowsWritten: 0, error: "the previous run of this job is still going")
                runner.context.logger.warning("\(job.rawValue) \(name): skipped, the previous run is still going")
                try? runner.context.store(for: batch).record(skipped)
                runs.append(skipped)
                continue
            }
            let run = await runner.run(job, batch: batch)
            await slots.release(job, batch: name)
            runs.append(run)
            if run.status == .success {
                let triggered = JobKind.allCases.filter { batch.runsAfter($0) == job && !done.contains($0) }
                queue.insert(contentsOf: triggered, at: 0)
            }
        }
        return runs
    }

    /// A tick's jobs grouped by batch, batches in name order, jobs in run order.
    static func byBatch(_ jobs: [ScheduledJob]) -> [(String, [JobKind])] {
        var groups: [(String, [JobKind])] = []
        for entry in jobs {
            if let last = groups.indices.last, groups[last].0 == entry.batch {
                groups[last].1.append(entry.job)
            } else {
                groups.append((entry.batch, [entry.job]))
            }
        }
        return groups
    }
}
