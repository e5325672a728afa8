import Foundation

/// One scheduled job of one batch: its cron expression, as the batch configures it.
public struct ScheduledJob: Sendable, Hashable {
    public var batch: String
    public var job: JobKind
    public var cron: CronExpression
}

/// The schedules of a set of batches: every job whose `<job>_default_schedule_status` is
/// RUNNING (or all of them when `startAll` is set) and that is not disabled. A job that follows
/// another (`JobKind.follows`) fires on that job's cron, right after it.
public struct JobSchedule: Sendable {
    public let entries: [ScheduledJob]

    public init(batches: [BatchConfig], jobs: [JobKind] = JobKind.allCases, startAll: Bool = false) {
        var entries: [ScheduledJob] = []
        for batch in batches.sorted(by: { $0.name < $1.name }) where !batch.disabled {
            for job in jobs where !batch.isDisabled(job) {
                let owner = job.follows ?? job
                if job.follows != nil && batch.isDisabled(owner) { continue }
                let running = startAll || batch.values["\(owner.rawValue)_default_schedule_status"]?.stringValue == "RUNNING"
                guard running, let text = batch.cronSchedule(owner.rawValue), let cron = try? CronExpression(text) else { continue }
                entries.append(ScheduledJob(batch: batch.name, job: job, cron: cron))
            }
        }
        self.entries = entries
    }

    /// The earliest firing time strictly after `date`, and every job due then, in run order:
    /// batch name, then `JobKind` order (ingest → tholdalert → train → score → alert → change → plot), so a tick's data flows through its jobs.
    public func nextTick(after date: Date) -> (time: Date, jobs: [ScheduledJob])? {
        var earliest: Date?
        var due: [ScheduledJob] = []
        for entry in entries {
            guard let next = entry.cron.next(after: date) else { continue }
            if earliest == nil || next < earliest! {
                earliest = next
                due = [entry]
            } else if next == earliest {
                due.append(entry)
            }
        }
        guard let time = earliest else { return nil }
        let order = Dictionary(uniqueKeysWithValues: JobKind.allCases.enumerated().map { ($1, $0) })
        return (time, due.sorted { ($0.batch, order[$0.job]!) < ($1.batch, order[$1.job]!) })
    }
}
