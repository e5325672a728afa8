import Foundation
import Logging

/// The engine wired to the local machine: a metrics folder on disk, the embedded SQLite
/// database, models under `model_path`, Python for `ingest_fn`, notifications to the channels
/// the environment configures, charts under `./plots`. The CLI
/// builds one of these; everything it hands the jobs is a port.
public struct LocalInstallation: Sendable {
    public let metricsDirectory: URL
    public let databasePath: String
    public let environment: [String: String]
    public let overrides: [String]
    public let logger: Logger

    /// The environment variable that overrides the default database path.
    public static let databaseVariable = "ENGINE_DB"
    /// The database path used when neither `--db` nor `ENGINE_DB` is given.
    public static let defaultDatabase = "./engine.db"
    /// The environment variable that says where the plot job writes (default `./plots`).
    public static let plotsVariable = "ENGINE_PLOTS"
    /// The environment variable that sets how many megabytes of NOVELTY channel scores a process
    /// keeps between trainings (`DetectorMemo`): 128 by default, 0 turns it off.
    public static let memoVariable = "ENGINE_MEMO_MB"

    /// The memo's budget in bytes, from `ENGINE_MEMO_MB` (a value that is not a whole number of
    /// megabytes up to a terabyte falls back to the default).
    var channelScoreBudget: Int { megabytes(Self.memoVariable, default: 128) * 1_048_576 }

    /// The environment variable that sets how many megabytes of series a process keeps in memory
    /// between job runs (`SeriesCache`): 128 by default, 0 turns it off.
    public static let seriesCacheVariable = "ENGINE_SERIES_CACHE_MB"

    /// The series cache's budget in bytes, from `ENGINE_SERIES_CACHE_MB`.
    var seriesCacheBudget: Int { megabytes(Self.seriesCacheVariable, default: 128) * 1_048_576 }

    /// A whole number of megabytes from the environment; a value that is not one, up to a
    /// terabyte, falls back to the default.
    private func megabytes(_ variable: String, default fallback: Int) -> Int {
        environment[variable].flatMap(Int.init).flatMap { (0...1_048_576).contains($0) ? $0 : nil } ?? fallback
    }

    public init(metricsDirectory: URL, databasePath: String?, environment: [String: String], overrides: [String], logger: Logger) {
        self.metricsDirectory = metricsDirectory
        self.databasePath = databasePath ?? environment[Self.databaseVariable] ?? Self.defaultDatabase
        // Anomstack's names for variables the engine reads under its own (ANOMSTACK_OPENAI_KEY).
        self.environment = AnomstackEnvironment.resolvingAliases(environment)
        self.overrides = overrides
        self.logger = logger
    }

    public var folder: LocalMetricsFolder { LocalMetricsFolder(root: metricsDirectory) }

    /// Loads every batch (errors included).
    public func loadBatches() -> BatchLoader.Result {
        BatchLoader(folder: folder, environment: environment, overrides: overrides).load()
    }

    /// Builds the job context for `batches` on `clock`; models go where each batch's `model_path` says.
    public func context(clock: any EngineClock, seed: UInt64, batches: [BatchConfig], database: any EngineStore) throws -> JobContext {
        try context(clock: clock, seed: seed, models: modelStore(batches: batches), database: database)
    }

    /// The model stores of `batches`' `model_path`s, relative to the working directory.
    public func modelStore(batches: [BatchConfig]) -> BatchRoutedModelStore {
        BatchRoutedModelStore(
            batches: batches, base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            environment: environment)
    }

    /// Builds the job context on `clock` with the given model store.
    public func context(clock: any EngineClock, seed: UInt64, models: any ModelStore, database: any EngineStore) throws -> JobContext {
        JobContext(
            clock: clock, seed: seed, stores: database,
            models: models,
            sources: LocalDataSourceResolver(database: database as? SQLiteDatabase, environment: environment),
            ingestRunner: PythonIngestRunner(workingDirectory: metricsDirectory),
            deliveries: database, mutes: database, channels: channels, plots: plotSink,
            templates: TemplateRenderer(folder: folder), logger: logger,
            memo: DetectorMemo(channelScoreBudget: channelScoreBudget), llm: languageModel, process: processIdentity,
            preprocessRunner: PythonIngestRunner(workingDirectory: metricsDirectory), series: SeriesCache(budget: seriesCacheBudget),
            watermarks: RunWatermarks())
    }

    /// The language model the environment configures (`OPENAI_BASE_URL`, `OPENAI_API_KEY`,
    /// `ANOMSTACK_LLM_PLATFORM`: openai, openrouter or anthropic), or nil: the LLM features are then off.
    public var languageModel: (any LanguageModel)? { Self.languageModel(environment: environment, logger: logger) }

    public static func languageModel(environment: [String: String], logger: Logger) -> (any LanguageModel)? {
        let timeout = environment["ANOMSTACK_LLM_TIMEOUT_SECONDS"].flatMap(TimeInterval.init) ?? 60
        if environment["ANOMSTACK_LLM_PLATFORM"]?.lowercased() == "anthropic" {
            return AnthropicMessagesModel.fromEnvironment(environment, transport: URLSessionTransport(timeout: timeout), logger: logger)
        }
        return OpenAIChatModel.fromEnvironment(environment, transport: URLSessionTransport(timeout: timeout), logger: logger)
    }

    /// One line for the log at start-up: whether the LLM features are on, and where they go.
    public var languageModelSummary: String {
        switch languageModel {
        case let model as OpenAIChatModel: return "on, \(model.baseURL.absoluteString)"
        case let model as AnthropicMessagesModel: return "on, Anthropic at \(model.baseURL.absoluteString)"
        default:
            return "off (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, or ANOMSTACK_LLM_PLATFORM=anthropic and ANOMSTACK_ANTHROPIC_KEY)"
        }
    }

    /// The notification channels the environment configures.
    public var channels: NotificationChannels { channelSettings.channels }

    /// One line per channel saying whether it is on, for the log at start-up.
    public var channelSummary: [String] { channelSettings.summary }

    var channelSettings: (channels: NotificationChannels, summary: [String]) {
        ChannelSettings.channels(environment: environment, transport: URLSessionTransport(timeout: alertTimeout))
    }

    var alertTimeout: TimeInterval { environment["ANOMSTACK_ALERT_TIMEOUT_SECONDS"].flatMap(TimeInterval.init) ?? 30 }

    public var plotSink: LocalPlotSink {
        LocalPlotSink(root: URL(fileURLWithPath: environment[Self.plotsVariable] ?? "./plots"))
    }

    /// Where an `engine import --from` reads: the source, the name its cursor and messages use
    /// (no password), and how its SQL names a table.
    public struct ImportSource: Sendable {
        public var source: any DataSource
        public var name: String
        public var dialect: SQLDialect
    }

    /// The warehouses `engine import --from` reaches by name, connected as a batch with that `db`
    /// is (through the `ANOMSTACK_*` variables of each).
    public static let importWarehouses = ["bigquery", "snowflake", "clickhouse", "turso", "motherduck"]

    /// The source of an `engine import --from`: a warehouse by name (`bigquery`, `snowflake`,
    /// `clickhouse`, `turso`, `motherduck`), `duckdb:PATH` (through the DuckDB CLI), a
    /// `postgresql://` URL, or an SQLite file (`sqlite:PATH` or the bare path).
    public func importSource(_ from: String) throws -> ImportSource {
        if Self.importWarehouses.contains(from) {
            let source = try LocalDataSourceResolver(database: nil, environment: environment).dataSource(db: from, file: "--from \(from)")
            return ImportSource(source: source, name: from, dialect: SQLDialect(db: from))
        }
        if from.hasPrefix("duckdb:") {
            let path = String(from.dropFirst("duckdb:".count))
            guard FileManager.default.fileExists(atPath: path) else { throw JobError("--from: the DuckDB file '\(path)' does not exist") }
            return ImportSource(
                source: DuckDBDataSource(cli: environment["ANOMSTACK_DUCKDB_CLI"] ?? "duckdb", path: path), name: "duckdb:\(path)",
                dialect: .duckdb)
        }
        if Self.isPostgres(from) {
            return ImportSource(source: try PostgresDataSource(url: from), name: PostgresConnection.hidePassword(from), dialect: .postgres)
        }
        let path = from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from
        guard FileManager.default.fileExists(atPath: path) else {
            throw JobError(
                "--from: '\(path)' is no SQLite file (give a path, duckdb:PATH, a postgresql:// URL or one of "
                    + Self.importWarehouses.joined(separator: ", ") + ")")
        }
        return ImportSource(source: try SQLiteDataSource(path: path), name: "sqlite:\(path)", dialect: .sqlite)
    }

    /// Whether the store is a PostgreSQL server (`--db` or `ENGINE_DB` is a `postgres://` or
    /// `postgresql://` URL) rather than an SQLite file.
    public var usesPostgres: Bool { Self.isPostgres(databasePath) }

    /// The store, with a password in its URL hidden: for the log.
    public var databaseDescription: String { usesPostgres ? PostgresConnection.hidePassword(databasePath) : databasePath }

    /// Opens the engine's store: PostgreSQL for a URL, else the SQLite file.
    public func openDatabase() throws -> any EngineStore { try Self.openDatabase(at: databasePath) }

    /// Whether `location` names a PostgreSQL server (a `postgres://` or `postgresql://` URL).
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Opens the store at `location`: PostgreSQL for a URL, else the SQLite file.
    public static func openDatabase(at location: String) throws -> any EngineStore {
        isPostgres(location) ? try PostgresDatabase(url: location) : try SQLiteDatabase(path: location)
    }

    /// This process as the holder of leases and delivery claims: host name and process id, with
    /// a holder of this host whose process no longer exists judged gone.
    public var processIdentity: ProcessIdentity {
        let process = ProcessInfo.processInfo
        let host = process.hostName
        return ProcessIdentity(name: "\(host):\(process.processIdentifier)", isGone: { Self.isGoneProcess(holder: $0, host: host) })
    }

    /// Run leases on `database` for this process, on `clock`, the wall clock of the process.
    public func runLeases(database: any EngineStore, clock: any EngineClock, ttl: TimeInterval = 60, wait: TimeInterval = 0) -> RunLeases {
        let identity = processIdentity
        return RunLeases(
            store: database, holder: identity.name, clock: clock, ttl: ttl, wait: wait, holderIsGone: identity.isGone)
    }

    /// Whether `holder` (`host:pid`) names a process of `host` that no longer exists. A process
    /// that exists but belongs to someone else (EPERM) is alive.
    static func isGoneProcess(holder: String, host: String) -> Bool {
        guard let colon = holder.lastIndex(of: ":"), holder[..<colon] == host,
            let pid = Int32(holder[holder.index(after: colon)...]), pid > 0
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
