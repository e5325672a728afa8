import Foundation

/// What rows to read from a metric store. Results come back in ascending time order
/// (then name, then type), whatever the store.
public struct MetricQuery: Sendable, Hashable {
    public var batch: String
    public var names: [String]?
    public var types: [MetricType]
    /// Inclusive lower bound.
    public var from: Date?
    /// Inclusive upper bound.
    public var through: Date?
    /// Keep only the most recent `latest` rows per (name, type).
    public var latest: Int?

    public init(
        batch: String, names: [String]? = nil, types: [MetricType], from: Date? = nil,
        through: Date? = nil, latest: Int? = nil
    ) {
        self.batch = batch
        self.names = names
        self.types = types
        self.from = from
        self.through = through
        self.latest = latest
    }
}

/// The long-format metrics table and the job-run log. Implementations keep rows unique on
/// (timestamp, batch, name, type) and write each call's rows in one transaction.
public protocol MetricStore: Sendable {
    /// Inserts the rows whose key is not stored yet, in one transaction; returns how many were new.
    @discardableResult
    func insert(_ rows: [MetricRow]) throws -> Int
    /// Reads rows, ascending by time.
    func rows(_ query: MetricQuery) throws -> [MetricRow]
    /// How many rows a query selects, their first and last timestamps and the sum of their values,
    /// without reading the rows out (meant for one metric and type).
    func extent(_ query: MetricQuery) throws -> MetricExtent
    /// For every metric of the batch, the extent of its rows of each of `types` in its window
    /// ending at `through`: from `from` (nil: no lower bound), or, when `latestValues` is set,
    /// from the time of the metric's `latestValues`-th latest value. One grouped query, so a
    /// page about a thousand metrics costs one round trip, not thousands. Metrics or types
    /// without rows in the window are absent.
    func extentsByMetric(
        batch: String, types: [MetricType], from: Date?, latestValues: Int?, through: Date
    ) throws
        -> [String: [MetricType: MetricExtent]]
    /// The distinct metric names of a batch that have rows of `type`, sorted.
    func metricNames(batch: String, type: MetricType) throws -> [String]
    /// Appends a job run to the log.
    func record(_ run: JobRun) throws
    /// The job-run log, oldest first, optionally for one batch.
    func jobRuns(batch: String?) throws -> [JobRun]
    /// The `limit` most recent job runs, newest first, optionally for one batch and only of
    /// one job and one status.
    func latestJobRuns(batch: String?, job: JobKind?, status: JobStatus?, limit: Int) throws -> [JobRun]
    /// A batch's job runs started in `[from, through]`, counted per UTC day (`YYYY-MM-DD`) in
    /// one grouped query: all runs, and the failed ones.
    func jobRunCountsByDay(batch: String, from: Date, through: Date) throws -> [String: (runs: Int, failed: Int)]
    /// Deletes every row a query selects (`latest` is ignored), in one transaction; returns how many.
    @discardableResult
    func delete(_ query: MetricQuery) throws -> Int
    /// Deletes the job runs of a batch that started before `date`; returns how many.
    @discardableResult
    func deleteJobRuns(batch: String, before date: Date) throws -> Int
    /// How many rows of one series (batch, name, type) the store has ever inserted and deleted,
    /// whoever wrote them, or nil when the store does not count them. A reader that keeps the
    /// series in memory knows from it, with one lookup, whether it is still what the store holds.
    func seriesVersion(batch: String, name: String, type: MetricType) throws -> SeriesVersion?
    /// The sum of the versions of a batch's series of `types`, or nil when the store does not
    /// count them. Each count only grows, so the sum is unchanged exactly when none of the
    /// series changed: a job knows from one lookup that none of its inputs did.
    func batchVersion(batch: String, types: [MetricType]) throws -> SeriesVersion?
    /// A number that changes whenever any row of the batch is written or deleted, by any writer,
    /// or nil when the store keeps none: one lookup tells a reader that what it computed from the
    /// batch's rows still holds (the dashboard's overviews are kept by it).
    func batchGeneration(batch: String) throws -> Int64?
    /// Per type, the count and value sum of the batch's rows in the whole UTC hours from the one
    /// holding `from` through the one holding `through` (so up to an hour more than the span),
    /// from the hourly read model the store keeps in the same transaction as the rows. Types
    /// without rows are absent.
    func hourlyTotals(batch: String, types: [MetricType], from: Date, through: Date) throws -> [MetricType: HourlyTotal]
    /// Recreates the store's read models (the hourly totals) from the rows, for every batch of the
    /// table, in one transaction (`engine reindex`); returns how many batch-hours it keeps.
    @discardableResult
    func rebuildReadModels() throws -> Int
}

/// The counts of rows ever inserted into and deleted from one series. Rows are never updated
/// in place, so a series whose counts are unchanged holds the same rows.
public struct SeriesVersion: Sendable, Hashable {
    public var inserted: Int64
    public var deleted: Int64

    public init(inserted: Int64, deleted: Int64) {
        self.inserted = inserted
        self.deleted = deleted
    }

    /// A series the store has no count for yet: nothing written since counting began.
    public static let zero = SeriesVersion(inserted: 0, deleted: 0)
}

/// The size, time span and value sum of a query's rows: a cheap identity of a window of rows.
/// Rows are never updated in place, so for a window of the most recent rows of one metric the
/// extent changes whenever the window's contents do.
public struct MetricExtent: Sendable, Hashable {
    public var count: Int
    public var first: Date?
    public var last: Date?
    public var valueSum: Double

    public init(count: Int, first: Date?, last: Date?, valueSum: Double) {
        self.count = count
        self.first = first
        self.last = last
        self.valueSum = valueSum
    }
}

extension MetricStore {
    /// Stores that keep no counts: their series are always read from them.
    public func seriesVersion(batch: String, name: String, type: MetricType) throws -> SeriesVersion? { nil }
    public func batchVersion(batch: String, types: [MetricType]) throws -> SeriesVersion? { nil }
    public func batchGeneration(batch: String) throws -> Int64? { nil }
    public func rebuildReadModels() throws -> Int { 0 }

    /// Stores without a read model add the hours up from their rows, with the same whole-hour bounds.
    public func hourlyTotals(batch: String, types: [MetricType], from: Date, through: Date) throws -> [MetricType: HourlyTotal] {
        let bounds = HourlyTotal.bounds(from: from, through: through)
        var totals: [MetricType: HourlyTotal] = [:]
        for type in types {
            let extent = try extent(MetricQuery(batch: batch, types: [type], from: bounds.first, through: bounds.last))
            if extent.count > 0 { totals[type] = HourlyTotal(count: extent.count, valueSum: extent.valueSum) }
        }
        return totals
    }

    /// The `limit` most recent job runs, newest first, optionally for one batch.
    public func latestJobRuns(batch: String?, limit: Int) throws -> [JobRun] {
        try latestJobRuns(batch: batch, job: nil, status: nil, limit: limit)
    }
}
