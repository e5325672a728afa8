import Foundation

/// What an outside orchestrator (Kubernetes CronJobs, Dagster schedules) must run for a set of
/// batches so that it does what `engine serve`'s scheduler does: one entry per batch and
/// scheduled job, on that job's cron, with the jobs that follow it (`tholdalert` after ingest,
/// `<job>_after`) run right after it in the same invocation, and whether its schedule starts
/// running (`<job>_default_schedule_status`). Disabled jobs and jobs without a cron are left out.
public struct OrchestrationPlan: Sendable {
    public struct Entry: Sendable, Hashable {
        public var batch: String
        /// The job whose cron this is; it runs first.
        public var job: JobKind
        public var cron: String
        /// `job`, then its followers in the order the scheduler would run them.
        public var jobs: [JobKind]
        public var running: Bool
    }

    public let entries: [Entry]

    public init(batches: [BatchConfig]) {
        var entries: [Entry] = []
        let statuses = JobSchedule(batches: batches).statuses
        for batch in batches.sorted(by: { $0.name < $1.name }) {
            let mine = statuses.filter { $0.batch == batch.name && !$0.disabled }
            func followers(of job: JobKind, seen: inout Set<JobKind>) -> [JobKind] {
                var out: [JobKind] = []
                for status in mine where (status.job.follows == job || status.after == job) && !seen.contains(status.job) {
                    seen.insert(status.job)
                    out.append(status.job)
                    out += followers(of: status.job, seen: &seen)
                }
                return out
            }
            for status in mine where status.job.follows == nil {
                guard let cron = status.cron, (try? CronExpression(cron)) != nil else { continue }
                var seen: Set<JobKind> = [status.job]
                entries.append(
                    Entry(
                        batch: batch.name, job: status.job, cron: cron, jobs: [status.job] + followers(of: status.job, seen: &seen),
                        running: batch.scheduledByDefault(status.job)))
            }
        }
        self.entries = entries
    }
}
