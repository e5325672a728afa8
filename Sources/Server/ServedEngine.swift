import Engine
import Foundation
import Logging

/// Everything the web side reads and drives: the batch catalog, the scheduler (for "run now"),
/// the config watcher (to apply settings), the stores, the clock and the operations metrics.
/// The HTTP layer holds one and never reaches past it to files or the database.
public struct ServedEngine: Sendable {
    public let catalog: BatchCatalog
    public let scheduler: Scheduler
    public let watcher: ConfigWatcher
    public let stores: any MetricStores
    public let overrides: any OverrideStore
    public let mutes: any MuteStore
    public let deliveries: any DeliveryStore
    public let metrics: EngineMetrics
    public let logger: Logger
    /// The batches' rankings and counts, kept while their data is unchanged.
    public let overviews: OverviewMemo
    /// The batch pages' charts, kept the same way, apart so that paging through a large batch
    /// does not push its ranking out.
    public let charts: OverviewMemo

    public init(
        catalog: BatchCatalog, scheduler: Scheduler, watcher: ConfigWatcher, stores: any MetricStores, overrides: any OverrideStore,
        mutes: any MuteStore, deliveries: any DeliveryStore, metrics: EngineMetrics, logger: Logger,
        overviews: OverviewMemo = OverviewMemo(), charts: OverviewMemo = OverviewMemo(capacity: 512)
    ) {
        self.overviews = overviews
        self.charts = charts
        self.catalog = catalog
        self.scheduler = scheduler
        self.watcher = watcher
        self.stores = stores
        self.overrides = overrides
        self.mutes = mutes
        self.deliveries = deliveries
        self.metrics = metrics
        self.logger = logger
    }

    public var clock: any EngineClock { scheduler.runner.context.clock }
    /// What the jobs run with (its model store and memo serve the charts' expected bands).
    public var jobContext: JobContext { scheduler.runner.context }
    public var now: Date { clock.now }
    /// The overviews of the home page, the batch page and the API, through the memo.
    public var overview: BatchOverview { BatchOverview(stores: stores, memo: overviews) }
    /// The alerts of the anomalies page and the API, through the memo.
    public var alertFeed: AlertFeed { AlertFeed(stores: stores, memo: overviews) }

    /// The batch named `name`, or a 404 naming the batches there are.
    public func batch(_ name: String) async throws -> BatchConfig {
        let snapshot = await catalog.snapshot
        if let batch = snapshot.batch(named: name) { return batch }
        let hint = NearestName.nearest(to: name, among: snapshot.batches.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
        throw RequestError.notFound("no batch named '\(name)'\(hint)")
    }

    /// The latest `limit` runs of `batches`, newest first (batches sharing a table list each run once).
    public func latestRuns(of batches: [BatchConfig], limit: Int) throws -> [JobRun] {
        var runs: [JobRun] = []
        for batch in batches { runs += try stores.store(table: batch.tableKey).latestJobRuns(batch: batch.name, limit: limit) }
        var seen = Set<JobRun>()
        runs = runs.filter { seen.insert($0).inserted }
        runs.sort { ($1.startedAt, $0.batch, $0.job.rawValue) < ($0.startedAt, $1.batch, $1.job.rawValue) }
        return Array(runs.prefix(limit))
    }

    /// Starts `job` of `batch` in the background (the dashboard's "run now"); false when the same
    /// job is already running.
    public func startRun(_ job: JobKind, batch: String) async -> Bool {
        guard await !scheduler.slots.isRunning(job, batch: batch) else { return false }
        let scheduler = self.scheduler
        let metrics = self.metrics
        Task { for run in await scheduler.runNow(job, batch: batch) ?? [] { metrics.record(run) } }
        return true
    }

    /// Validates a setting change like the YAML (the whole batch is reloaded with it), stores it
    /// and applies it to the catalog; throws the load's errors for that batch when it is invalid.
    public func changeSetting(_ change: SettingOverride) async throws {
        let problems = try await changeSettings([change])
        guard problems.isEmpty else { throw RequestError.invalid(problems.map(\.description).joined(separator: "; ")) }
    }

    /// Stores and applies `changes` to one batch together, once the batch loads with all of them
    /// as `engine validate` would; otherwise stores none and returns the problems they cause for
    /// the batch's file or its settings, so a form saved with one bad field changes nothing.
    public func changeSettings(_ changes: [SettingOverride]) async throws -> [ConfigError] {
        guard let name = changes.first?.batch else { return [] }
        guard let batch = await catalog.snapshot.batch(named: name) else { throw RequestError.notFound("no batch named '\(name)'") }
        let problems = try watcher.load(adding: changes).errors.filter { $0.file == batch.file || $0.file == "settings" }
        guard problems.isEmpty else { return problems }
        for change in changes { try overrides.setSetting(change) }
        try await watcher.reload()
        return []
    }

    /// Records 👍/👎 on an alert; a 404 when there is no such alert.
    public func recordFeedback(batch name: String, metric: String, timestamp: Date, positive: Bool) async throws {
        let batch = try await batch(name)
        do {
            try AlertFeed(stores: stores).recordFeedback(batch: batch, metric: metric, timestamp: timestamp, positive: positive)
        } catch let error as JobError {
            throw RequestError.notFound(error.message)
        }
    }

    /// Stores and applies a schedule switched on or off.
    public func changeSchedule(_ change: ScheduleOverride) async throws {
        _ = try await batch(change.batch)
        try overrides.setSchedule(change)
        await catalog.apply(change)
    }
}
