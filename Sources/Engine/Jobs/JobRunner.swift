import Foundation
import Logging

/// Runs jobs for batches and records each run in `job_runs`. A failing job is recorded with its
/// error and reported; it does not stop the other batches.
public struct JobRunner: Sendable {
    public let context: JobContext
    /// A run still going after this many seconds (on the context's clock) is cancelled and
    /// recorded as failed; nil lets runs take as long as they take (replay, `engine run`).
    public var timeout: TimeInterval?
    /// The job that implements each kind: the real ones, or stand-ins in tests of the scheduler.
    public var jobs: @Sendable (JobKind) -> any BatchJob
    /// Leases shared with other engine processes on the same store; nil when this process is alone.
    public var leases: RunLeases?

    public init(
        context: JobContext, timeout: TimeInterval? = nil, leases: RunLeases? = nil,
        jobs: @escaping @Sendable (JobKind) -> any BatchJob = JobRunner.job
    ) {
        self.context = context
        self.timeout = timeout
        self.leases = leases
        self.jobs = jobs
    }

    /// The job that implements a kind.
    public static func job(_ kind: JobKind) -> any BatchJob {
        switch kind {
        case .ingest: return IngestJob()
        case .train: return TrainJob()
        case .score: return ScoreJob()
        case .alert: return AlertJob()
        case .change: return ChangeJob()
        case .tholdalert: return ThresholdAlertJob()
        case .plot: return PlotJob()
        case .llmalert: return LLMAlertJob()
        case .delete: return DeleteJob()
        case .summary: return SummaryJob()
        }
    }

    /// Runs one job for one batch and records it. Never throws: the returned run says how it went.
    @discardableResult
    public func run(_ kind: JobKind, batch: BatchConfig) async -> JobRun {
        let started = context.clock.now
        var run = JobRun(
            job: kind, batch: batch.name, asOf: started, startedAt: started, finishedAt: started,
            status: .success, rowsWritten: 0)
        if batch.disabled || batch.isDisabled(kind) {
            run.status = .skipped
            context.logger.info("\(kind.rawValue) \(batch.name): disabled")
        } else {
            do {
                try context.gate?.admit(kind, batch: batch.name)
                if let held = try await leases?.acquire(kind, batch: batch.name) {
                    run.status = .skipped
                    run.heldBy = held.holder
                    run.error = "\(held.holder) holds the lease of \(kind.rawValue) \(batch.name) until \(MetricTimestamp.formatISO(held.expiresAt))"
                    context.logger.warning("\(kind.rawValue) \(batch.name): skipped, \(run.error ?? "")")
                } else {
                    defer { releaseLease(kind, batch: batch) }
                    let outcome = try await execute(jobs(kind), batch: batch)
                    run.rowsWritten = outcome.rowsWritten
                    // Some metrics failed and the others ran: the run stands, with its error naming them.
                    if let summary = outcome.failureSummary {
                        run.error = summary
                        context.logger.error("\(kind.rawValue) \(batch.name): \(summary)")
                    }
                }
            } catch {
                run.status = .failed
                run.error = "\(error)"
                context.logger.error("\(kind.rawValue) \(batch.name) failed: \(error)")
            }
        }
        run.finishedAt = context.clock.now
        do {
            try context.store(for: batch).record(run)
        } catch {
            context.logger.error("\(kind.rawValue) \(batch.name): could not record the run: \(error)")
        }
        if (run.status == .failed || run.status == .success && run.error != nil) && batch.jobFailureAlert {
            await notifyFailure(run, batch: batch)
        }
        return run
    }

    private func releaseLease(_ kind: JobKind, batch: BatchConfig) {
        guard let leases else { return }
        do {
            try leases.release(kind, batch: batch.name)
        } catch {
            // The lease then lapses by itself after its lifetime.
            context.logger.warning("\(kind.rawValue) \(batch.name): could not release the lease: \(error)")
        }
    }

    /// Queues and sends the failure notice of a run (`job_failure_alert`); its id is the run's
    /// job and start, so it is sent once. A notice that cannot be queued is logged, never thrown.
    private func notifyFailure(_ run: JobRun, batch: BatchConfig) async {
        let notice = AlertNotification(
            kind: .failure, batch: batch.name, metric: run.job.rawValue, timestamp: run.startedAt,
            value: nil, score: 0, smoothedScore: 0, threshold: 0, severity: .critical,
            details: ["error": run.error ?? "unknown error"], methods: batch.jobFailureMethods, tags: [:])
        do {
            try await NotificationOutbox(context: context).post([notice], batch: batch)
            await DeliveryDispatcher(context: context).dispatch(batch: batch)
        } catch {
            context.logger.error("\(run.job.rawValue) \(batch.name): could not queue the failure notice: \(error)")
        }
    }

    /// Runs the job, racing it against the timeout when there is one, and renewing its lease
    /// while it runs when there are leases. Jobs check for cancellation between metrics, so a
    /// timed-out job stops at the next metric and what it wrote so far stays (each metric's rows
    /// are written whole).
    private func execute(_ job: any BatchJob, batch: BatchConfig) async throws -> JobOutcome {
        if timeout == nil && leases == nil { return try await job.run(batch: batch, context: context) }
        let context = self.context
        let timeout = self.timeout
        let leases = self.leases
        return try await withThrowingTaskGroup(of: JobOutcome?.self) { group in
            group.addTask { try await job.run(batch: batch, context: context) }
            if let timeout {
                let deadline = context.clock.now.addingTimeInterval(timeout)
                group.addTask {
                    try await context.clock.sleep(until: deadline)
                    throw RunTimeout(seconds: timeout)
                }
            }
            if let leases {
                group.addTask {
                    try await leases.keepAlive(job.kind, batch: batch.name)
                    return nil
                }
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let outcome = next { return outcome }
            }
            throw CancellationError()
        }
    }

    /// Runs `kinds` in order for one batch, as one run of a pipeline. A job skipped because
    /// another process holds its lease skips every job after it (they would read that process's
    /// half-written state); with `stopAfterFailure`, a failed job skips the jobs after it too.
    public func runSequence(_ kinds: [JobKind], batch: BatchConfig, stopAfterFailure: Bool) async -> [JobRun] {
        var runs: [JobRun] = []
        var failed = false
        var heldBy: String?
        for kind in kinds {
            let now = context.clock.now
            func skipped(_ reason: String) -> JobRun {
                JobRun(job: kind, batch: batch.name, asOf: now, startedAt: now, finishedAt: now, status: .skipped, rowsWritten: 0, error: reason)
            }
            var run: JobRun
            if let holder = heldBy {
                run = skipped("an earlier job of this run was skipped: \(holder) holds its lease")
                run.heldBy = holder
            } else if failed && stopAfterFailure {
                run = skipped("an earlier job of this run failed")
            } else {
                run = await self.run(kind, batch: batch)
            }
            failed = failed || run.status == .failed
            heldBy = heldBy ?? run.heldBy
            runs.append(run)
        }
        return runs
    }

    /// Runs the given jobs, in order, for each batch (batches in name order).
    public func run(_ kinds: [JobKind], batches: [BatchConfig]) async -> [JobRun] {
        var runs: [JobRun] = []
        for batch in batches.sorted(by: { $0.name < $1.name }) {
            for kind in kinds { runs.append(await run(kind, batch: batch)) }
        }
        return runs
    }
}

/// A run went past the runner's timeout and was cancelled.
public struct RunTimeout: Error, Sendable, CustomStringConvertible {
    public var seconds: TimeInterval
    public var description: String { "timed out after \(Fixed.format(seconds, 0)) s and was cancelled" }
}
