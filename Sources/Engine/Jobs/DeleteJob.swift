import Foundation
import Logging

/// Retention: removes the batch's rows (every type) and job runs older than
/// `delete_after_n_days` days. Deleting what is already gone deletes nothing, so reruns and a
/// run killed half way are harmless.
public struct DeleteJob: BatchJob {
    public let kind = JobKind.delete

    public init() {}

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let days = batch.deleteAfterDays
        guard days > 0 else { return JobOutcome(skipped: ["delete_after_n_days is 0: nothing is deleted"]) }
        let cutoff = context.clock.now.addingTimeInterval(-Double(days) * 86_400)
        let store = try context.store(for: batch)
        // Timestamps are stored to the second: "through" one second before the cutoff keeps the cutoff itself.
        let removed = try store.delete(
            MetricQuery(
                batch: batch.name, types: MetricType.allCases,
                through: cutoff.addingTimeInterval(-1)))
        let runs = try store.deleteJobRuns(batch: batch.name, before: cutoff)
        context.logger.info("delete \(batch.name): \(removed) rows and \(runs) job runs older than \(MetricTimestamp.format(cutoff))")
        return JobOutcome(rowsWritten: removed)
    }
}
