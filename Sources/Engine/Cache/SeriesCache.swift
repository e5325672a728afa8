import Foundation
import Synchronization

/// Series read from the metric store, kept in memory between the job runs of one process, so a
/// job that reads a metric's window every few minutes reads only the rows that arrived since.
/// Only ever a shortcut: each read first asks the store for the series' version (one lookup)
/// and anything that does not add up is read again from the store (see `CachedMetricStore`).
public final class SeriesCache: Sendable {
    /// One series of one metrics table.
    struct Key: Hashable, Sendable {
        var table: String
        var batch: String
        var name: String
        var type: MetricType

        /// The query for the series' rows from `from` on (nil: all of them).
        func rows(from: Date?) -> MetricQuery { MetricQuery(batch: batch, names: [name], types: [type], from: from) }
    }

    /// What is kept of one series: every row from `from` on, as of `version`, in time order.
    struct Series: Sendable {
        var version: SeriesVersion
        /// The rows are complete from this time on; nil: from the series' first row.
        var from: Date?
        var times: [Date] = []
        var values: [Double] = []
        /// Metadata by row index: few rows carry any.
        var metadata: [Int: String] = [:]

        /// What the series takes in memory, roughly.
        var byteCount: Int { 64 + times.count * 16 + metadata.count * 64 }

        mutating func append(_ rows: some Sequence<MetricRow>) {
            for row in rows {
                if let text = row.metadata { metadata[times.count] = text }
                times.append(row.timestamp)
                values.append(row.value)
            }
        }
    }

    private struct Entries {
        var series: [Key: Series] = [:]
        var bytes = 0
    }

    private let entries = Mutex(Entries())
    /// How many bytes of series are kept (0: none; `.max`: all). Past the budget a series not
    /// kept yet is not admitted, and those kept stay, as in `DetectorMemo`: evicting would make
    /// every metric miss in turn as the jobs walk them all in the same order.
    public let budget: Int

    public init(budget: Int) {
        self.budget = max(budget, 0)
    }

    /// Takes a series out while it is brought up to date, so that appending to it does not copy
    /// it; a concurrent reader of the same series meanwhile reads the store.
    func take(_ key: Key) -> Series? {
        entries.withLock { entries in
            guard let series = entries.series.removeValue(forKey: key) else { return nil }
            entries.bytes -= series.byteCount
            return series
        }
    }

    /// Puts a series (back) if the budget holds it.
    func keep(_ key: Key, _ series: Series) {
        let size = series.byteCount
        entries.withLock { entries in
            let held = entries.series[key]?.byteCount ?? 0
            guard entries.bytes - held <= budget - size else { return }
            entries.series[key] = series
            entries.bytes += size - held
        }
    }

    /// The bytes of series kept.
    public var byteCount: Int { entries.withLock { $0.bytes } }
}
