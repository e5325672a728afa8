import Foundation

/// Runs jobs for batches and records each run in `job_runs`. A failing job is recorded with its
/// error and reported; it does not stop the other batches.
public struct JobRunner: Sendable {
    public let context: JobContext

    public init(context: JobContext) {
        self.context = context
    }

    /// The job that implements a kind.
    public static func job(_ kind: JobKind) -> BatchJob {
        switch kind {
        case .ingest: return IngestJob()
        case .train: return TrainJob()
        case .score: return ScoreJob()
        case .alert: return AlertJob()
        case .change: return ChangeJob()
        case .tholdalert: return ThresholdAlertJob()
        case .plot: return PlotJob()
        }
    }

    /// Runs one job for one batch and records it. Never throws: the returned run says how it went.
    @discardableResult
    public func run(_ kind: JobKind, batch: BatchConfig) async -> JobRun {
        let started = context.clock.now
        var run = JobRun(job: kind, batch: batch.name, asOf: started, startedAt: started, finishedAt: started,
                         status: .success, rowsWritten: 0)
        if batch.disabled || batch.isDisabled(kind) {
            run.status = .skipped
            context.logger.info("\(kind.rawValue) \(batch.name): disabled")
        } else {
            do {
                try context.gate?.admit(kind, batch: batch.name)
                let outcome = try await Self.job(kind).run(batch: batch, context: context)
                run.rowsWritten = outcome.rowsWritten
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
        return run
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
