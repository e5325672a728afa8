import Engine
import Fixtures
import Foundation
import Logging

/// Runs one scenario through the real engine: its batch's jobs fire on their cron strings on a
/// simulated clock, reading the scenario's series through the ingest job, with an in-memory
/// SQLite store and model store, recording channels and plot sink, and the scenario's events applied at
/// their times. Returns the canonical outputs.
public struct ReplayDriver: Sendable {
    public struct Options: Sendable {
        /// Stop at this time instead of the scenario's end.
        public var until: Date?
        /// Shuffle the order of rows that arrive together (the determinism check's third run).
        public var shuffleArrivals = false
        public var logger: Logger
        /// The language model of the LLM jobs (recordings); nil turns them off.
        public var llm: (any LanguageModel)?
        /// Makes the store a run uses (a fresh, empty one each time); nil: in-memory SQLite.
        public var store: (@Sendable () throws -> any EngineStore)?
        /// The model store; nil: in memory. Replays on PostgreSQL and S3 must give the same outputs.
        public var models: (any ModelStore)?
        /// Where arriving rows land before ingest reads them (a real database); nil: handed over directly.
        public var landing: (any ArrivalLanding)?
        /// How many models train fits at once; nil: as many as the runtime runs side by side.
        public var parallelism: Int?

        public init(
            until: Date? = nil, shuffleArrivals: Bool = false, logger: Logger, llm: (any LanguageModel)? = nil,
            store: (@Sendable () throws -> any EngineStore)? = nil, models: (any ModelStore)? = nil,
            landing: (any ArrivalLanding)? = nil, parallelism: Int? = nil
        ) {
            self.until = until
            self.shuffleArrivals = shuffleArrivals
            self.logger = logger
            self.llm = llm
            self.store = store
            self.models = models
            self.landing = landing
            self.parallelism = parallelism
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// `logger` with every message carrying the simulated time (`sim_time`), so a verbose
    /// replay's log reads on the scenario's clock rather than the wall clock's.
    static func stamped(_ logger: Logger, clock: SimulatedClock) -> Logger {
        var stamped = logger
        stamped.handler.metadataProvider = .init { ["sim_time": .string(MetricTimestamp.formatISO(clock.now))] }
        return stamped
    }

    public func run(_ scenario: Scenario) async throws -> ReplayOutputs {
        let folder = InMemoryMetricsFolder(scenario.includedFiles.merging(["\(scenario.name)/scenario.yaml": scenario.batchYAML]) { _, own in own })
        var overrides: [String] = []
        var muted: Set<String> = []
        var ownExclusions: Set<String> = []
        func loadBatch() throws -> BatchConfig {
            let excluded = ownExclusions.union(muted).sorted()
            let extra = muted.isEmpty ? [] : ["alert_exclude_metrics=[\(excluded.map { "\"\($0)\"" }.joined(separator: ", "))]"]
            let result = BatchLoader(folder: folder, overrides: overrides + extra).load()
            if let error = result.errors.first {
                throw ScenarioError(file: scenario.file, key: "batch.\(error.key ?? "")", error.message)
            }
            return result.batches[0]
        }
        var batch = try loadBatch()
        ownExclusions = batch.excluded(for: .alert)
        let end = min(options.until ?? scenario.end, scenario.end)
        let clock = SimulatedClock(scenario.start.addingTimeInterval(-1))
        let database: any EngineStore = try options.store?() ?? SQLiteDatabase(path: ":memory:")
        let channel = RecordingChannel()
        let plots = RecordingPlotSink()
        let faults = FaultPlan()
        let source = ScenarioDataSource(
            series: scenario.series, interval: scenario.interval, clock: clock, seed: scenario.seed,
            shuffleEverything: options.shuffleArrivals, landing: options.landing)
        let context = JobContext(
            clock: clock, seed: scenario.seed, stores: database, models: options.models ?? InMemoryModelStore(), sources: source,
            ingestRunner: scenario.usesIngestFunction
                ? PythonIngestRunner(workingDirectory: scenario.folder, seed: scenario.seed) as any IngestFunctionRunner
                : CannedIngestRunner(),
            deliveries: database, mutes: database,
            channels: channel.everyMethod, plots: plots, templates: TemplateRenderer(folder: folder),
            logger: Self.stamped(options.logger, clock: clock), gate: faults, memo: DetectorMemo(channelScoreBudget: .max), llm: options.llm,
            parallelism: options.parallelism ?? .max, series: SeriesCache(budget: .max), watermarks: RunWatermarks())
        let runner = JobRunner(context: context)
        var runs: [JobRun] = []

        var pending = scenario.events.filter { $0.at <= end }
        while true {
            let stop = pending.first.map { min($0.at, end) } ?? end
            runs += try await Scheduler(batches: [batch], runner: runner).run(until: stop)
            guard let event = pending.first, event.at <= end else { break }
            pending.removeFirst()
            if clock.now < event.at { try await clock.sleep(until: event.at) }
            switch event.event {
            case .feedback(let metric, let alertAt, let positive):
                try database.store(table: batch.tableKey).insert([
                    MetricRow(
                        timestamp: alertAt, batch: batch.name, name: metric,
                        type: positive ? .thumbsup : .thumbsdown, value: 1)
                ])
            case .snooze(let metric, let until):
                muted.insert(metric)
                batch = try loadBatch()
                pending.append(TimedEvent(at: until, event: .unmute(metric: metric), order: Int.max))
                pending.sort { ($0.at, $0.order) < ($1.at, $1.order) }
            case .mute(let metric, let until):
                try database.setMute(Mute(batch: batch.name, metric: metric, until: until ?? .distantFuture, reason: "scenario"))
            case .maintenance(let window, let reason):
                try database.addMaintenanceWindow(
                    StoredMaintenanceWindow(batch: batch.name, window: window, reason: reason ?? "scenario", createdAt: clock.now))
            case .unmute(let metric):
                if let metric, muted.remove(metric) != nil { batch = try loadBatch() }
                try database.clearMute(batch: batch.name, metric: metric)
            case .set(let assignments):
                overrides += assignments
                batch = try loadBatch()
            case .clockJump(let to):
                clock.set(to)
            case .fail(let job):
                faults.failNext(job)
            }
        }
        if scenario.usesIngestFunction { try Self.checkIngested(scenario, store: database.store(table: batch.tableKey), batch: batch, runs: runs) }
        return try ReplayOutputs.collect(
            scenario: scenario, batch: batch, store: database.store(table: batch.tableKey),
            deliveries: database.deliveries(batch: batch.name), plots: plots.files, runs: runs)
    }

    /// What a scenario's expectations could not be checked against before its `ingest_fn` ran:
    /// the function must have produced rows, and every metric an expectation names.
    static func checkIngested(_ scenario: Scenario, store: any MetricStore, batch: BatchConfig, runs: [JobRun]) throws {
        let ingested = try store.metricNames(batch: batch.name, type: .metric)
        guard !ingested.isEmpty else {
            let failure = runs.last { $0.job == .ingest && $0.status == .failed }?.error
            throw ScenarioError(
                file: scenario.file, key: "batch.ingest_fn",
                "the ingest_fn returned no rows over the whole replay: the replay would ingest nothing"
                    + (failure.map { " (its last run failed: \($0.prefix(400)))" } ?? ""))
        }
        for expectation in scenario.expectations {
            guard let metric = expectation.metric, !ingested.contains(metric) else { continue }
            let hint = NearestName.nearest(to: metric, among: ingested).map { " (did you mean '\($0)'?)" } ?? ""
            throw ScenarioError(
                file: scenario.file, key: expectation.label.prefix { $0 != ":" }.description,
                "'\(metric)' never came out of the ingest_fn\(hint); it made: \(ingested.joined(separator: ", "))")
        }
    }
}
