import Foundation
import Synchronization

/// What the dashboard's overviews computed from a batch's rows (its metrics ranked over a
/// window, which ones are stale, how many it has), kept while the batch's generation
/// (`MetricStore.batchGeneration`) holds: one lookup tells a request that nothing was written or
/// deleted since, so ten thousand metrics are ranked once per change of data, not once per
/// request. An entry is also given up after `maxAge` of engine time, because a window that ends
/// now moves with the clock: a page is at most that far behind the clock, never behind the data.
public final class OverviewMemo: Sendable {
    /// One overview of one batch: the table and batch, and what was asked (kind and parameters).
    public struct Key: Hashable, Sendable {
        public var table: String
        public var batch: String
        public var question: String

        public init(table: String, batch: String, question: String) {
            self.table = table
            self.batch = batch
            self.question = question
        }
    }

    private struct Entry {
        var generation: Int64
        var computedAt: Date
        var value: any Sendable
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// How many overviews are kept; past it the oldest is dropped, so requests with ever new
    /// searches cannot grow the server's memory.
    public let capacity: Int
    public let maxAge: TimeInterval

    public init(capacity: Int = 256, maxAge: TimeInterval = 60) {
        self.capacity = max(capacity, 1)
        self.maxAge = maxAge
    }

    /// How long an answer that does not move with the clock is kept while its generation holds
    /// (a count of metrics, a ranking over each metric's latest points): only a row stamped
    /// ahead of the clock can change it without a write, as it comes into view.
    public static let timelessAge: TimeInterval = 3600

    /// The value kept for `key` at `generation` if it is younger than `maxAge` (the memo's own,
    /// unless the caller gives another) at `now`, or else `compute()`'s, kept. Without a
    /// generation (a store that keeps none) nothing is kept.
    public func value<Value: Sendable>(
        _ key: Key, generation: Int64?, now: Date, maxAge: TimeInterval? = nil, compute: () throws -> Value
    ) rethrows -> Value {
        guard let generation else { return try compute() }
        if let kept: Value = kept(key, generation: generation, now: now, maxAge: maxAge ?? self.maxAge) { return kept }
        let value = try compute()
        keep(value, key, generation: generation, now: now)
        return value
    }

    /// The same for work that suspends (a chart that reads a model).
    public func value<Value: Sendable>(
        _ key: Key, generation: Int64?, now: Date, maxAge: TimeInterval? = nil, compute: () async throws -> Value
    ) async rethrows -> Value {
        guard let generation else { return try await compute() }
        if let kept: Value = kept(key, generation: generation, now: now, maxAge: maxAge ?? self.maxAge) { return kept }
        let value = try await compute()
        keep(value, key, generation: generation, now: now)
        return value
    }

    private func kept<Value>(_ key: Key, generation: Int64, now: Date, maxAge: TimeInterval) -> Value? {
        entries.withLock { entries -> Value? in
            guard let entry = entries[key], entry.generation == generation,
                abs(now.timeIntervalSince(entry.computedAt)) < maxAge
            else { return nil }
            return entry.value as? Value
        }
    }

    private func keep(_ value: some Sendable, _ key: Key, generation: Int64, now: Date) {
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.computedAt < $1.value.computedAt })?.key
            {
                entries[oldest] = nil
            }
            entries[key] = Entry(generation: generation, computedAt: now, value: value)
        }
    }

    /// How many overviews are kept now.
    public var count: Int { entries.withLock { $0.count } }
}
