import Foundation

/// One scheduled job of one batch: its cron expression, as the batch configures it.
public struct ScheduledJob: Sendable, Hashable {
    public var batch: String
    public var job: JobKind
    public var cron: CronExpression
}

/// Whether one job of one batch is scheduled, and why: what the settings page and the API show.
public struct ScheduleStatus: Sendable, Hashable, Codable {
    public var batch: String
    public var job: JobKind
    /// The cron string (the followed job's for `tholdalert`), nil when the batch sets none.
    public var cron: String?
    public var running: Bool
    /// The job or the batch is disabled (`disable_<job>`, `disable_batch`): never scheduled.
    public var disabled: Bool
    /// The run-time override in force, if any (otherwise the default status decides).
    public var override: ScheduleOverride?
    /// The job this one runs after (`<job>_after`), if any.
    public var after: JobKind?
}

/// The schedules of a set of batches: every job whose `<job>_default_schedule_status` is
/// RUNNING (or all of them when `startAll` is set), unless a run-time override says otherwise,
/// and that is not disabled. A job that follows another (`JobKind.follows`) fires on that job's
/// cron, right after it.
public struct JobSchedule: Sendable {
    public let entries: [ScheduledJob]
    public let statuses: [ScheduleStatus]

    public init(batches: [BatchConfig], overrides: [ScheduleOverride] = [], jobs: [JobKind] = JobKind.allCases, startAll: Bool = false) {
        let overridden = Dictionary(overrides.map { ("\($0.batch)/\($0.job.rawValue)", $0) }, uniquingKeysWith: { $1 })
        var entries: [ScheduledJob] = []
        var statuses: [ScheduleStatus] = []
        for batch in batches.sorted(by: { $0.name < $1.name }) {
            for job in jobs {
                let owner = job.follows ?? job
                let disabled = batch.disabled || batch.isDisabled(job) || batch.isDisabled(owner)
                let change = overridden["\(batch.name)/\(owner.rawValue)"]
                let text = batch.cronSchedule(owner.rawValue)
                let cron = text.flatMap { try? CronExpression($0) }
                let running = !disabled && cron != nil && (change?.running ?? (startAll || batch.scheduledByDefault(owner)))
                statuses.append(
                    ScheduleStatus(
                        batch: batch.name, job: job, cron: text, running: running, disabled: disabled,
                        override: change, after: batch.runsAfter(job)))
                if running, let cron { entries.append(ScheduledJob(batch: batch.name, job: job, cron: cron)) }
            }
        }
        self.entries = entries
        self.statuses = statuses
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
