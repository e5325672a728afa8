import Foundation

/// Admission for job runs in a long-running engine: at most one run of a given job and batch at
/// a time, and at most `limit` runs at once overall. Runs over the limit wait their turn, first
/// come first served.
public actor RunSlots {
    public let limit: Int
    private var running: Set<String> = []
    private var busy = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Claims the run of `job` for `batch`: false at once if one is going already; otherwise
    /// waits for a free slot and returns true. Every true must be paired with `release`.
    public func acquire(_ job: JobKind, batch: String) async -> Bool {
        let key = Self.key(job, batch)
        guard !running.contains(key) else { return false }
        running.insert(key)
        if busy >= limit {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy += 1
        }
        return true
    }

    /// Frees the slot of a finished run; the longest waiter takes it over.
    public func release(_ job: JobKind, batch: String) {
        running.remove(Self.key(job, batch))
        if waiting.isEmpty {
            busy -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Whether a run of `job` for `batch` is going (or waiting for a slot).
    public func isRunning(_ job: JobKind, batch: String) -> Bool { running.contains(Self.key(job, batch)) }

    /// Runs going and waiting.
    public var counts: (running: Int, waiting: Int) { (busy, waiting.count) }

    private static func key(_ job: JobKind, _ batch: String) -> String { "\(batch)/\(job.rawValue)" }
}
