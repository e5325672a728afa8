import Foundation
import Logging

/// Everything a job may touch, injected by the caller: the clock, the run seed, and the ports.
/// Jobs hold no other state, so the same job runs live, in replay and in tests.
public struct JobContext: Sendable {
    public var clock: any EngineClock
    public var seed: UInt64
    public var stores: any MetricStores
    public var models: any ModelStore
    public var sources: any DataSourceResolver
    public var ingestRunner: any IngestFunctionRunner
    /// The outbox and log of notification deliveries.
    public var deliveries: any DeliveryStore
    /// Mutes set at run time.
    public var mutes: any MuteStore
    /// The channels notifications can go out on.
    public var channels: NotificationChannels
    /// Where the plot job writes charts.
    public var plots: any PlotSink
    public var templates: TemplateRenderer
    public var logger: Logger
    /// Asked before each run; nil admits every run.
    public var gate: (any JobGate)?
    /// Keeps detector state between trainings so a moving window is updated, not refit from
    /// scratch; nil always refits.
    public var memo: DetectorMemo?
    /// Keeps the series jobs read in memory between runs, so each run reads only the rows that
    /// arrived since; nil reads every window from the store.
    public var series: SeriesCache?
    /// Where the score and train jobs left each batch, so a run with nothing new to do returns
    /// at once; nil runs every job in full.
    public var watermarks: RunWatermarks?
    /// The language model of the LLM features; nil turns them off.
    public var llm: (any LanguageModel)?
    /// This process as a holder of delivery claims, and how it judges other holders.
    public var process: ProcessIdentity
    /// Runs batches' own `preprocess_fn`; nil where Python is not at hand (a batch that needs it fails, saying so).
    public var preprocessRunner: (any PreprocessFunctionRunner)?
    /// How many models the train job fits at once (at least 1; by default as many as the runtime
    /// runs side by side). Results never depend on it; the replay's determinism check runs with
    /// another value to show they do not.
    public var parallelism: Int

    public init(
        clock: any EngineClock, seed: UInt64, stores: any MetricStores, models: any ModelStore, sources: any DataSourceResolver,
        ingestRunner: any IngestFunctionRunner, deliveries: any DeliveryStore, mutes: any MuteStore,
        channels: NotificationChannels, plots: any PlotSink, templates: TemplateRenderer, logger: Logger,
        gate: (any JobGate)? = nil, memo: DetectorMemo? = nil, llm: (any LanguageModel)? = nil,
        process: ProcessIdentity = .solitary, preprocessRunner: (any PreprocessFunctionRunner)? = nil,
        parallelism: Int = .max, series: SeriesCache? = nil, watermarks: RunWatermarks? = nil
    ) {
        self.clock = clock
        self.seed = seed
        self.stores = stores
        self.models = models
        self.sources = sources
        self.ingestRunner = ingestRunner
        self.deliveries = deliveries
        self.mutes = mutes
        self.channels = channels
        self.plots = plots
        self.templates = templates
        self.logger = logger
        self.gate = gate
        self.memo = memo
        self.llm = llm
        self.process = process
        self.preprocessRunner = preprocessRunner
        self.parallelism = max(parallelism, 1)
        self.series = series
        self.watermarks = watermarks
    }

    /// The metric store of a batch's table.
    public func store(for batch: BatchConfig) throws -> any MetricStore {
        let store = try stores.store(table: batch.tableKey)
        guard let series else { return store }
        return CachedMetricStore(base: store, cache: series, table: batch.tableKey)
    }
}

/// What one job run did.
public struct JobOutcome: Sendable, Hashable {
    /// Rows written to the metric store (models saved, for train).
    public var rowsWritten: Int
    /// Metrics the job passed over, with the reason, for the log and the run summary.
    public var skipped: [String]
    /// Metrics the job failed on, each with its error; the other metrics were done.
    public var failures: [MetricFailure]

    public init(rowsWritten: Int = 0, skipped: [String] = [], failures: [MetricFailure] = []) {
        self.rowsWritten = rowsWritten
        self.skipped = skipped
        self.failures = failures
    }

    /// One line that names the failed metrics (at most three) and the first error, or nil.
    public var failureSummary: String? {
        guard let first = failures.first else { return nil }
        let names = failures.prefix(3).map { "'\($0.metric)'" }.joined(separator: ", ") + (failures.count > 3 ? ", …" : "")
        return
            "\(failures.count) metric\(failures.count == 1 ? "" : "s") failed (\(names)); the others ran. First: '\(first.metric)': \(first.reason)"
    }
}

/// A metric a job could not handle, and why.
public struct MetricFailure: Sendable, Hashable {
    public var metric: String
    public var reason: String

    public init(metric: String, reason: String) {
        self.metric = metric
        self.reason = reason
    }
}

/// Runs one metric's share of a job, so that a metric whose data or model breaks a step fails
/// alone, named, while the job goes on with the others. Returns the failure, or nil; a
/// cancellation (a timeout, a shutdown) is not a metric's fault and still stops the whole run.
func attemptMetric(_ metric: String, job: JobKind, context: JobContext, _ body: () async throws -> Void) async throws -> MetricFailure? {
    do {
        try await body()
        return nil
    } catch let error as CancellationError {
        throw error
    } catch {
        context.logger.error("\(job.rawValue): metric '\(metric)' failed: \(error)")
        return MetricFailure(metric: metric, reason: "\(error)")
    }
}

/// A job of a metric batch: one file, one entry point.
public protocol BatchJob: Sendable {
    var kind: JobKind { get }
    func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome
}
