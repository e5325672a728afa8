import Engine
import Foundation
import Logging

/// Builds the served engine on one machine: the metrics folder and SQLite database of a
/// `LocalInstallation`, the stored overrides applied, the scheduler in concurrent mode.
public struct LocalDeployment: Sendable {
    /// Limits of the scheduler.
    public struct Limits: Sendable {
        public var maxConcurrentRuns: Int
        /// Seconds before a run is cancelled; nil for no limit.
        public var runTimeout: TimeInterval?
        /// Seconds between checks of the metrics folder.
        public var reloadInterval: TimeInterval

        public init(maxConcurrentRuns: Int = 4, runTimeout: TimeInterval? = 900, reloadInterval: TimeInterval = 10) {
            self.maxConcurrentRuns = maxConcurrentRuns
            self.runTimeout = runTimeout
            self.reloadInterval = reloadInterval
        }
    }

    public let installation: LocalInstallation
    public let database: any EngineStore
    public let clock: any EngineClock
    public let seed: UInt64
    public let startAll: Bool
    public let limits: Limits

    public init(
        installation: LocalInstallation, database: any EngineStore, clock: any EngineClock, seed: UInt64 = 0,
        startAll: Bool = false, limits: Limits = Limits()
    ) {
        self.installation = installation
        self.database = database
        self.clock = clock
        self.seed = seed
        self.startAll = startAll
        self.limits = limits
    }

    /// The application, with the batches loaded (errors logged, valid batches served).
    public func application(settings: ServeSettings) async throws -> EngineApplication {
        let logger = installation.logger
        let catalog = BatchCatalog(batches: [], overrides: try database.scheduleOverrides(), startAll: startAll)
        let models = installation.modelStore(batches: [])
        let watcher = ConfigWatcher(
            folder: installation.folder, environment: installation.environment, overrides: installation.overrides,
            settings: database, catalog: catalog, clock: clock, logger: logger, interval: limits.reloadInterval
        ) { batches in
            models.register(batches)
        }
        try await watcher.reload()
        let context = try installation.context(clock: clock, seed: seed, models: models, database: database)
        // Engines that share a PostgreSQL store take a lease per run, so that two of them never run
        // the same job of the same batch at once; one engine on its own SQLite file needs none.
        let leases = installation.usesPostgres ? installation.runLeases(database: database, clock: clock) : nil
        let runner = JobRunner(context: context, timeout: limits.runTimeout, leases: leases)
        let scheduler = Scheduler(catalog: catalog, runner: runner, mode: .concurrent(limit: limits.maxConcurrentRuns))
        let engine = ServedEngine(
            catalog: catalog, scheduler: scheduler, watcher: watcher, stores: database, overrides: database,
            mutes: database, deliveries: database, metrics: EngineMetrics(), logger: logger)
        let retries = DeliveryRetryLoop(context: context) { await catalog.snapshot.batches }
        return EngineApplication(engine: engine, settings: settings, metricsDirectory: installation.metricsDirectory.path, retries: retries)
    }
}
