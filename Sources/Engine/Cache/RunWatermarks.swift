import Foundation
import Synchronization

/// Where the score, train and alert jobs left each batch, kept in memory between the runs of one
/// process, so that a run with nothing to do costs one lookup instead of a read of every metric.
///
/// A job records a mark after a run that finished every metric: the summed version of the
/// batch's input series (`MetricStore.batchVersion`) as the run left them, the settings it ran
/// with, what a run with nothing new reports, and until when that holds without a write (the
/// first moment a row stamped in the future comes into view, or a row leaves the job's window).
/// A later run with the same version and settings before that moment would read the same rows
/// and write nothing, so it reports the mark's outcome without reading. Anything else (a row
/// written or deleted by anyone, a setting changed, the time reached) runs the job in full.
public final class RunWatermarks: Sendable {
    /// One job's view of one batch after a run that left nothing undone.
    struct Mark: Sendable {
        var inputs: SeriesVersion
        var settings: [String: ConfigValue]
        var preprocessFunction: String?
        var validUntil: Date
        var outcome: JobOutcome
    }

    struct Key: Hashable, Sendable {
        var job: JobKind
        var table: String
        var batch: String
    }

    private struct State {
        var marks: [Key: Mark] = [:]
        var idleRuns: [JobKind: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// How many runs returned at once, with nothing to do.
    public var idleRuns: Int { state.withLock { $0.idleRuns.values.reduce(0, +) } }

    /// How many runs of each job returned at once (what `/metrics` exposes).
    public var idleRunsByJob: [JobKind: Int] { state.withLock { $0.idleRuns } }

    /// The outcome of a run of `job` over `batch` at `now` whose inputs are at `inputs`, when the
    /// job's mark says the run would do nothing; nil when it must run.
    private func idleOutcome(job: JobKind, batch: BatchConfig, inputs: SeriesVersion, now: Date) -> JobOutcome? {
        let key = Key(job: job, table: batch.tableKey, batch: batch.name)
        return state.withLock { state in
            guard let mark = state.marks[key], mark.inputs == inputs, now < mark.validUntil,
                mark.preprocessFunction == batch.preprocessFunction, mark.settings == batch.values
            else { return nil }
            state.idleRuns[job, default: 0] += 1
            return mark.outcome
        }
    }

    /// Records that a run of `job` over `batch` left its inputs at `inputs` with nothing undone
    /// until `validUntil`, and that a run with nothing new reports `outcome`.
    private func record(job: JobKind, batch: BatchConfig, inputs: SeriesVersion, validUntil: Date, outcome: JobOutcome) {
        let key = Key(job: job, table: batch.tableKey, batch: batch.name)
        let mark = Mark(
            inputs: inputs, settings: batch.values, preprocessFunction: batch.preprocessFunction, validUntil: validUntil,
            outcome: outcome)
        state.withLock { $0.marks[key] = mark }
    }

    /// Drops every job's mark of a batch: something the versions do not count changed (a model
    /// found unreadable and marked for retraining).
    func forget(batch: String) {
        state.withLock { state in state.marks = state.marks.filter { $0.key.batch != batch } }
    }

    /// How a run of `job` over `batch` at `now` starts: the version of its input series `types`,
    /// and, when its mark says it has nothing to do, the outcome to report at once.
    func begin(job: JobKind, batch: BatchConfig, store: any MetricStore, types: [MetricType], now: Date) throws
        -> (inputs: SeriesVersion?, idle: JobOutcome?)
    {
        guard let inputs = try store.batchVersion(batch: batch.name, types: types) else { return (nil, nil) }
        return (inputs, idleOutcome(job: job, batch: batch, inputs: inputs, now: now))
    }

    /// Records the mark of a run that finished every metric, begun at `inputs` and having
    /// inserted `written` rows of `types`, if the store's count says no one else wrote meanwhile;
    /// it holds until `holdsUntil` or until a future-stamped row comes into view. A run with
    /// nothing new then reports `outcome`.
    func end(
        job: JobKind, batch: BatchConfig, store: any MetricStore, types: [MetricType], inputs: SeriesVersion?, written: Int,
        now: Date, holdsUntil: Date = .distantFuture, outcome: JobOutcome = JobOutcome()
    ) throws {
        guard let inputs, try store.batchVersion(batch: batch.name, types: types) == inputs.adding(inserted: written) else { return }
        let validUntil = min(holdsUntil, try Self.nextArrival(store: store, batch: batch, now: now))
        record(job: job, batch: batch, inputs: inputs.adding(inserted: written), validUntil: validUntil, outcome: outcome)
    }

    /// The first moment a run at `now` over `batch` could see a metric row it does not see now:
    /// never, unless rows stamped after `now`'s second are stored (a source ahead of the clock),
    /// then the next second, so such a batch is always read.
    static func nextArrival(store: any MetricStore, batch: BatchConfig, now: Date) throws -> Date {
        let second = MetricTimestamp.stored(now)
        let ahead = try store.extent(MetricQuery(batch: batch.name, types: [.metric], from: second))
        guard let last = ahead.last, last > second else { return .distantFuture }
        return second.addingTimeInterval(1)
    }
}

extension SeriesVersion {
    /// The version after `rows` more inserts.
    func adding(inserted rows: Int) -> SeriesVersion {
        SeriesVersion(inserted: inserted + Int64(rows), deleted: deleted)
    }
}
