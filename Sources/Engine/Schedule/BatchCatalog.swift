import Foundation

/// The batches a long-running engine works with, and their schedules, as of the last successful
/// load. The scheduler, the config watcher and the dashboard share one; each reads a consistent
/// snapshot, and a reload swaps it whole.
public actor BatchCatalog {
    /// A consistent view of the catalog.
    public struct Snapshot: Sendable {
        public var batches: [BatchConfig]
        public var schedule: JobSchedule
        /// The problems of the last load (batches with problems keep their previous config).
        public var errors: [ConfigError]
        /// Bumped on every change, so readers can tell that something moved.
        public var generation: Int

        public func batch(named name: String) -> BatchConfig? { batches.first { $0.name == name } }
    }

    public private(set) var snapshot: Snapshot
    private var overrides: [ScheduleOverride]
    private let startAll: Bool

    public init(batches: [BatchConfig], errors: [ConfigError] = [], overrides: [ScheduleOverride] = [], startAll: Bool = false) {
        self.overrides = overrides
        self.startAll = startAll
        snapshot = Snapshot(
            batches: batches.sorted { $0.name < $1.name },
            schedule: JobSchedule(batches: batches, overrides: overrides, startAll: startAll),
            errors: errors, generation: 0)
    }

    /// Takes a new load of the batches. A batch that failed to load but loaded before keeps its
    /// previous config (the errors are kept for the log and the dashboard); a batch whose file is
    /// gone is dropped.
    public func replace(with loaded: BatchLoader.Result) {
        let failedFiles = Set(loaded.errors.map(\.file))
        var batches = Dictionary(uniqueKeysWithValues: loaded.batches.map { ($0.name, $0) })
        for old in snapshot.batches where batches[old.name] == nil && failedFiles.contains(old.file) {
            batches[old.name] = old
        }
        let sorted = batches.values.sorted { $0.name < $1.name }
        snapshot = Snapshot(
            batches: sorted, schedule: JobSchedule(batches: sorted, overrides: overrides, startAll: startAll),
            errors: loaded.errors, generation: snapshot.generation + 1)
    }

    /// Applies a schedule override (already stored by the caller).
    public func apply(_ change: ScheduleOverride) {
        overrides.removeAll { $0.batch == change.batch && $0.job == change.job }
        overrides.append(change)
        snapshot.schedule = JobSchedule(batches: snapshot.batches, overrides: overrides, startAll: startAll)
        snapshot.generation += 1
    }
}
