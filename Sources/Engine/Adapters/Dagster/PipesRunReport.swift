import Foundation

/// What one `engine run` tells Dagster through Pipes: a log line per job run, then for the asset
/// in scope a materialization (rows written in all and per job, alerts raised, the batch, the
/// as-of time), the `runs_succeeded` check, which fails, with the errors, when a job failed, and,
/// when the run ingested, the `new_data` check (a warning): the source gave rows not seen before.
public struct PipesRunReport: Sendable {
    public let runs: [JobRun]
    public let asOf: Date

    public init(runs: [JobRun], asOf: Date) {
        self.runs = runs
        self.asOf = asOf
    }

    /// The jobs that write alerts, whose rows count as alerts raised.
    static let alerting: Set<JobKind> = [.alert, .tholdalert, .llmalert]

    public func send(to session: DagsterPipesSession) throws {
        for run in runs {
            try session.log(
                "\(run.batch) \(run.job.rawValue): \(run.status.rawValue), \(run.rowsWritten) rows written"
                    + (run.error.map { " (\($0))" } ?? ""), level: run.status == .failed ? "ERROR" : "INFO")
        }
        guard let batch = runs.first?.batch, let assetKey = Self.assetKey(in: session.assetKeys, batch: batch, job: runs[0].job) else { return }
        let failed = runs.filter { $0.status == .failed }
        var metadata: [String: DagsterPipesSession.Metadata] = [
            "batch": .text(batch),
            "jobs": .text(runs.map(\.job.rawValue).joined(separator: ",")),
            "as_of": .timestamp(asOf),
            "rows_written": .int(runs.reduce(0) { $0 + $1.rowsWritten }),
            "alerts_raised": .int(runs.filter { Self.alerting.contains($0.job) }.reduce(0) { $0 + $1.rowsWritten }),
            "skipped_runs": .int(runs.filter { $0.status == .skipped }.count),
        ]
        for run in runs { metadata["\(run.job.rawValue)_rows_written"] = .int(run.rowsWritten) }
        if failed.isEmpty { try session.reportMaterialization(assetKey: assetKey, metadata: metadata) }
        var check: [String: DagsterPipesSession.Metadata] = ["failed_jobs": .int(failed.count)]
        if !failed.isEmpty { check["errors"] = .text(failed.map { "\($0.job.rawValue): \($0.error ?? "failed")" }.joined(separator: "\n")) }
        try session.reportCheck(assetKey: assetKey, name: "runs_succeeded", passed: failed.isEmpty, severity: "ERROR", metadata: check)
        let ingests = runs.filter { $0.job == .ingest }
        if !ingests.isEmpty {
            let rows = ingests.reduce(0) { $0 + $1.rowsWritten }
            try session.reportCheck(assetKey: assetKey, name: "new_data", passed: rows > 0, severity: "WARN", metadata: ["new_rows": .int(rows)])
        }
    }

    /// The asset this run materializes: the only one in scope, or the one named `…/<batch>/<job>`.
    static func assetKey(in keys: [String], batch: String, job: JobKind) -> String? {
        if keys.count == 1 { return keys[0] }
        return keys.first { $0.hasSuffix("/\(batch)/\(job.rawValue)") }
    }
}
