import Foundation

/// Runs each batch's jobs when their cron strings fire, on whatever clock the context carries:
/// the live clock in `engine serve`, a simulated one in replay and tests.
///
/// Jobs run one at a time, in the order `JobSchedule.nextTick` gives. Catch-up rule: ticks
/// missed while the process was down, or while earlier jobs were still running, are not
/// replayed; after each tick the next one is computed from the clock's current time.
public struct Scheduler: Sendable {
    public let schedule: JobSchedule
    public let batches: [String: BatchConfig]
    public let runner: JobRunner

    public init(batches: [BatchConfig], runner: JobRunner, startAll: Bool = false) {
        schedule = JobSchedule(batches: batches, startAll: startAll)
        self.batches = Dictionary(uniqueKeysWithValues: batches.map { ($0.name, $0) })
        self.runner = runner
    }

    /// Runs ticks until the next one would fall after `until` (forever when nil) or the task is
    /// cancelled. Returns the runs, in order.
    @discardableResult
    public func run(until: Date? = nil, onRun: @Sendable (JobRun) -> Void = { _ in }) async throws -> [JobRun] {
        let clock = runner.context.clock
        var runs: [JobRun] = []
        var cursor = clock.now
        while !Task.isCancelled {
            guard let tick = schedule.nextTick(after: cursor) else { break }
            if let until, tick.time > until { break }
            try await clock.sleep(until: tick.time)
            for entry in tick.jobs {
                guard let batch = batches[entry.batch] else { continue }
                let run = await runner.run(entry.job, batch: batch)
                onRun(run)
                runs.append(run)
            }
            cursor = max(tick.time, clock.now)
        }
        return runs
    }
}
