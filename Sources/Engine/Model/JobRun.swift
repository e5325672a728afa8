import Foundation

/// The jobs a batch runs, in the order a tick runs them. `tholdalert` follows every
/// ingest (as in Anomstack, where it is part of the ingest job) rather than keeping its own cron.
/// `llmalert` (off by default, and needing a language model), `delete` (retention) and `summary`
/// (the daily digest) are scheduled like the others, but not part of `engine run all`.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    case ingest, tholdalert, train, score, alert, llmalert, change, plot, delete, summary

    /// The job whose cron string and schedule status this job follows, when it has none of its own.
    public var follows: JobKind? { self == .tholdalert ? .ingest : nil }

    /// The jobs `engine run all` runs, in order: the data path from ingest to plot.
    public static let pipeline: [JobKind] = [.ingest, .tholdalert, .train, .score, .alert, .change, .plot]
}

/// How a job run ended.
public enum JobStatus: String, Sendable, Codable {
    case success, failed, skipped
}

/// One row of the `job_runs` table: what ran, for which batch, at which simulated or real time.
public struct JobRun: Sendable, Hashable, Codable {
    public var job: JobKind
    public var batch: String
    public var asOf: Date
    public var startedAt: Date
    public var finishedAt: Date
    public var status: JobStatus
    public var rowsWritten: Int
    public var error: String?
    /// The process whose lease kept this run from running (a skipped run); not stored.
    public var heldBy: String?

    public init(
        job: JobKind, batch: String, asOf: Date, startedAt: Date, finishedAt: Date,
        status: JobStatus, rowsWritten: Int, error: String? = nil
    ) {
        self.job = job
        self.batch = batch
        self.asOf = asOf
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.rowsWritten = rowsWritten
        self.error = error
    }
}
