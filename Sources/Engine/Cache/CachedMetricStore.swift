import Algorithms
import Foundation

/// A metric store that answers reads of one series (one name, one type) from a `SeriesCache`,
/// and everything else, writes included, from the store beneath.
///
/// Each cached read asks the store for the series' version first. Unchanged: the answer comes
/// from memory. Only rows newer than the last kept one arrived: those are read and appended. Any
/// other change (a late row, a deletion, another process's write that does not add up) drops
/// what was kept and reads the series again. A series is kept from the start of the first
/// window asked for; a read reaching further back reads it again from there.
public struct CachedMetricStore: MetricStore {
    public let base: any MetricStore
    public let cache: SeriesCache
    /// The table the store reads, part of each series' key.
    public let table: String

    public init(base: any MetricStore, cache: SeriesCache, table: String) {
        self.base = base
        self.cache = cache
        self.table = table
    }

    public func rows(_ query: MetricQuery) throws -> [MetricRow] {
        guard let (key, version) = try cacheable(query) else { return try base.rows(query) }
        let (series, answer) = try current(key, version: version, query: query)
        return answer ?? Self.rows(of: series, key: key, range: Self.range(of: series, query))
    }

    public func extent(_ query: MetricQuery) throws -> MetricExtent {
        guard let (key, version) = try cacheable(query) else { return try base.extent(query) }
        let (series, _) = try current(key, version: version, query: query)
        let range = Self.range(of: series, query)
        // Compensated (Kahan–Babuška–Neumaier) summation, as SQLite's TOTAL() does.
        var sum = 0.0
        var compensation = 0.0
        for value in series.values[range] {
            let next = sum + value
            compensation += abs(sum) >= abs(value) ? (sum - next) + value : (value - next) + sum
            sum = next
        }
        return MetricExtent(
            count: range.count, first: range.isEmpty ? nil : series.times[range.lowerBound],
            last: range.isEmpty ? nil : series.times[range.upperBound - 1], valueSum: sum + compensation)
    }

    /// The series' key and version when the query reads one series of a store that counts its
    /// rows; nil: the query goes to the store.
    private func cacheable(_ query: MetricQuery) throws -> (SeriesCache.Key, SeriesVersion)? {
        guard cache.budget > 0, let names = query.names, names.count == 1, query.types.count == 1,
            (query.latest ?? 1) > 0
        else { return nil }
        guard let version = try base.seriesVersion(batch: query.batch, name: names[0], type: query.types[0]) else { return nil }
        return (SeriesCache.Key(table: table, batch: query.batch, name: names[0], type: query.types[0]), version)
    }

    /// The kept series brought up to `version` and reaching back as far as `query` needs, kept
    /// again; and, when the series had to be read from the store, the query's own answer.
    private func current(_ key: SeriesCache.Key, version: SeriesVersion, query: MetricQuery) throws
        -> (SeriesCache.Series, [MetricRow]?)
    {
        if var series = cache.take(key) {
            if series.version != version, try !catchUp(&series, key: key, to: version) {
                return try load(key, version: version, query: query)
            }
            guard Self.covers(series, query) else { return try load(key, version: version, query: query) }
            cache.keep(key, series)
            return (series, nil)
        }
        return try load(key, version: version, query: query)
    }

    /// Appends the rows that arrived after the last kept one; false when that does not account
    /// for every row counted since (a late row, a deletion): the series must be read again.
    private func catchUp(_ series: inout SeriesCache.Series, key: SeriesCache.Key, to version: SeriesVersion) throws -> Bool {
        guard version.deleted == series.version.deleted, version.inserted >= series.version.inserted else { return false }
        let last = series.times.last
        let newer = try base.rows(key.rows(from: last ?? series.from)).drop { row in last.map { row.timestamp <= $0 } ?? false }
        guard Int64(newer.count) == version.inserted - series.version.inserted else { return false }
        series.append(newer)
        series.version = version
        return true
    }

    /// Reads the series from the store from where `query` needs it on, keeps it, and returns it
    /// with the query's answer. The version was read before the rows: a row written in between
    /// makes the next count not add up, and the series is read again then.
    private func load(_ key: SeriesCache.Key, version: SeriesVersion, query: MetricQuery) throws
        -> (SeriesCache.Series, [MetricRow]?)
    {
        var series = SeriesCache.Series(version: version, from: nil)
        let answer: [MetricRow]?
        if let latest = query.latest {
            // The window itself, then whatever is newer than its end.
            let window = try base.rows(query)
            let through = query.through.map(MetricTimestamp.stored)
            let newer = try through.map { end in
                try base.rows(key.rows(from: end)).drop { $0.timestamp <= end }
            } ?? []
            series.from = window.count < latest ? query.from.map(MetricTimestamp.stored) : window.first?.timestamp
            series.append(window)
            series.append(newer)
            answer = window
        } else {
            series.from = query.from.map(MetricTimestamp.stored)
            series.append(try base.rows(key.rows(from: query.from)))
            answer = nil
        }
        cache.keep(key, series)
        return (series, answer)
    }

    /// Whether the kept rows answer `query` whole.
    static func covers(_ series: SeriesCache.Series, _ query: MetricQuery) -> Bool {
        guard let start = series.from else { return true }
        if let from = query.from, MetricTimestamp.stored(from) >= start { return true }
        guard let latest = query.latest else { return false }
        // Enough kept rows up to the window's end: the window lies inside what is kept.
        let end = query.through.map { upperBound(series.times, MetricTimestamp.stored($0)) } ?? series.times.count
        return end >= latest
    }

    /// The indices of the kept rows `query` selects.
    static func range(of series: SeriesCache.Series, _ query: MetricQuery) -> Range<Int> {
        let lower = query.from.map { lowerBound(series.times, MetricTimestamp.stored($0)) } ?? 0
        let upper = query.through.map { upperBound(series.times, MetricTimestamp.stored($0)) } ?? series.times.count
        guard lower < upper else { return lower..<lower }
        return max(lower, upper - (query.latest ?? upper))..<upper
    }

    static func rows(of series: SeriesCache.Series, key: SeriesCache.Key, range: Range<Int>) -> [MetricRow] {
        let hasMetadata = !series.metadata.isEmpty
        return range.map { index in
            MetricRow(
                timestamp: series.times[index], batch: key.batch, name: key.name, type: key.type,
                value: series.values[index], metadata: hasMetadata ? series.metadata[index] : nil)
        }
    }

    /// The first index whose time is at or after `time`.
    static func lowerBound(_ times: [Date], _ time: Date) -> Int { times.partitioningIndex { $0 >= time } }

    /// The first index whose time is after `time`.
    static func upperBound(_ times: [Date], _ time: Date) -> Int { times.partitioningIndex { $0 > time } }

    // Everything else goes to the store beneath.

    @discardableResult public func insert(_ rows: [MetricRow]) throws -> Int { try base.insert(rows) }
    public func extentsByMetric(batch: String, types: [MetricType], from: Date?, latestValues: Int?, through: Date) throws
        -> [String: [MetricType: MetricExtent]]
    {
        try base.extentsByMetric(batch: batch, types: types, from: from, latestValues: latestValues, through: through)
    }
    public func metricNames(batch: String, type: MetricType) throws -> [String] { try base.metricNames(batch: batch, type: type) }
    public func record(_ run: JobRun) throws { try base.record(run) }
    public func jobRuns(batch: String?) throws -> [JobRun] { try base.jobRuns(batch: batch) }
    public func latestJobRuns(batch: String?, job: JobKind?, status: JobStatus?, limit: Int) throws -> [JobRun] {
        try base.latestJobRuns(batch: batch, job: job, status: status, limit: limit)
    }
    public func jobRunCountsByDay(batch: String, from: Date, through: Date) throws -> [String: (runs: Int, failed: Int)] {
        try base.jobRunCountsByDay(batch: batch, from: from, through: through)
    }
    @discardableResult public func delete(_ query: MetricQuery) throws -> Int { try base.delete(query) }
    public func deleteJobRuns(batch: String, before date: Date) throws -> Int { try base.deleteJobRuns(batch: batch, before: date) }
    public func seriesVersion(batch: String, name: String, type: MetricType) throws -> SeriesVersion? {
        try base.seriesVersion(batch: batch, name: name, type: type)
    }

    public func batchVersion(batch: String, types: [MetricType]) throws -> SeriesVersion? {
        try base.batchVersion(batch: batch, types: types)
    }

    public func batchGeneration(batch: String) throws -> Int64? { try base.batchGeneration(batch: batch) }

    public func hourlyTotals(batch: String, types: [MetricType], from: Date, through: Date) throws -> [MetricType: HourlyTotal] {
        try base.hourlyTotals(batch: batch, types: types, from: from, through: through)
    }

    @discardableResult public func rebuildReadModels() throws -> Int { try base.rebuildReadModels() }
}
