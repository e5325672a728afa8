import Foundation

/// Anomstack's environment variables (its `example.env`), so a user's `.env` works as it is: the
/// ones that set a batch key for every batch, the ones the engine reads under Anomstack's name,
/// and the ones of Anomstack's own deployment (Dagster, its tracing and analytics) that have no
/// meaning here, each named by `engine validate` with the reason.
public enum AnomstackEnvironment {
    /// Variables that set a key for every batch, over the batch files (as in Anomstack).
    public static let batchKeys = ["ANOMSTACK_TABLE_KEY": "table_key", "ANOMSTACK_MODEL_PATH": "model_path"]

    /// `ANOMSTACK_IGNORE_EXAMPLES=yes`: batches under `examples/` are not loaded.
    public static let ignoreExamples = "ANOMSTACK_IGNORE_EXAMPLES"

    /// Variables, or prefixes ending in `_`, that are not acted on, with the reason.
    public static let ignored: [(name: String, reason: String)] = [
        ("ANOMSTACK_DAGSTER_", "Dagster's own settings: the engine schedules its jobs itself (engine dagster-definitions runs it under Dagster)"),
        ("DAGSTER_", "Dagster's own settings: the engine schedules its jobs itself (engine dagster-definitions runs it under Dagster)"),
        ("ANOMSTACK_POSTGRES_USER", "the PostgreSQL of Anomstack's Docker deployment; the engine's store is --db or ENGINE_DB"),
        ("ANOMSTACK_POSTGRES_PASSWORD", "the PostgreSQL of Anomstack's Docker deployment; the engine's store is --db or ENGINE_DB"),
        ("ANOMSTACK_POSTGRES_DB", "the PostgreSQL of Anomstack's Docker deployment; the engine's store is --db or ENGINE_DB"),
        ("ANOMSTACK_POSTGRES_FORWARD_PORT", "the PostgreSQL of Anomstack's Docker deployment; the engine's store is --db or ENGINE_DB"),
        ("ANOMSTACK_RETENTION_", "retention of Dagster's run storage; metric rows are kept for delete_after_n_days"),
        ("ANOMSTACK_AUTO_CONFIG_RELOAD", "engine serve reloads the metrics folder by itself, every ANOMSTACK_CONFIG_WATCHER_INTERVAL seconds"),
        ("ANOMSTACK_CONFIG_RELOAD_", "engine serve reloads the metrics folder by itself, every ANOMSTACK_CONFIG_WATCHER_INTERVAL seconds"),
        ("ANOMSTACK_CONFIG_WATCHER", "engine serve always watches the metrics folder"),
        ("ANOMSTACK_HOME", "the engine reads the metrics folder given by --metrics"),
        ("ANOMSTACK_ADMIN_USERNAME", "the dashboard signs in with ENGINE_API_TOKEN"),
        ("ANOMSTACK_ADMIN_PASSWORD", "the dashboard signs in with ENGINE_API_TOKEN"),
        ("ANOMSTACK_LLMALERT_MODELS", "the model is each batch's llmalert_model (or ANOMSTACK_OPENAI_MODEL)"),
        ("LANGSMITH_", "tracing of Anomstack's LangChain agent"),
    ]

    /// Anomstack's name → the variable the engine reads, for variables read under either name
    /// (the engine's own name wins when both are set).
    public static let aliases = [
        "ANOMSTACK_OPENAI_KEY": "OPENAI_API_KEY", "ANOMSTACK_OPENAI_MODEL": "ANOMSTACK_LLM_MODEL",
        "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS_JSON": "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS",
    ]

    /// `environment` with Anomstack's aliases copied to the names the engine reads.
    public static func resolvingAliases(_ environment: [String: String]) -> [String: String] {
        var resolved = environment
        // An empty variable (example.env leaves most of them empty) counts as unset.
        for (alias, name) in aliases where resolved[name]?.isEmpty ?? true {
            if let value = environment[alias], !value.isEmpty { resolved[name] = value }
        }
        return resolved
    }

    /// One note per set variable that is not acted on, with the reason, sorted by name.
    public static func notes(_ environment: [String: String]) -> [String] {
        environment.keys.sorted().compactMap { name in
            guard let value = environment[name], !value.isEmpty else { return nil }
            if name.hasPrefix("ANOMSTACK_ANTHROPIC_"), environment["ANOMSTACK_LLM_PLATFORM"]?.lowercased() != "anthropic" {
                return "environment \(name): not acted on while ANOMSTACK_LLM_PLATFORM is not anthropic"
            }
            guard let rule = ignored.first(where: { $0.name.hasSuffix("_") ? name.hasPrefix($0.name) : name == $0.name }) else { return nil }
            return "environment \(name): accepted, not acted on: \(rule.reason)"
        }
    }

    /// `ANOMSTACK_DASHBOARD_PORT`: where `engine serve` listens when `--port` is not given.
    public static func dashboardPort(_ environment: [String: String]) -> Int? {
        environment["ANOMSTACK_DASHBOARD_PORT"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { (0...65_535).contains($0) ? $0 : nil }
    }

    /// `ANOMSTACK_KILL_RUN_AFTER_MINUTES` and `ANOMSTACK_MAX_RUNTIME_SECONDS_TAG` (the shorter):
    /// when a run is cancelled, when `--run-timeout` is not given.
    public static func runTimeout(_ environment: [String: String]) -> TimeInterval? {
        let minutes = environment["ANOMSTACK_KILL_RUN_AFTER_MINUTES"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map { $0 * 60 }
        let seconds = environment["ANOMSTACK_MAX_RUNTIME_SECONDS_TAG"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        return [minutes, seconds].compactMap { $0 }.filter { $0 > 0 && $0.isFinite }.min()
    }

    /// `ANOMSTACK_CONFIG_WATCHER_INTERVAL`: seconds between checks of the metrics folder, when
    /// `--reload-interval` is not given.
    public static func reloadInterval(_ environment: [String: String]) -> TimeInterval? {
        environment["ANOMSTACK_CONFIG_WATCHER_INTERVAL"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }

    /// Whether `ANOMSTACK_IGNORE_EXAMPLES` asks to leave the examples out (`yes`, as Anomstack reads it, or `true`, `1`).
    static func ignoresExamples(_ environment: [String: String]) -> Bool {
        ["yes", "true", "1"].contains(environment[ignoreExamples]?.lowercased() ?? "")
    }
}
