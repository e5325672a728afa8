import Foundation

/// Loads every metric batch of a metrics folder: finds the batch YAML files, merges each over the
/// defaults, then environment overrides, then command-line overrides, then the settings changed
/// at run time (dashboard), and validates the result.
/// Problems are collected, not thrown one at a time, so `engine validate` can list them all.
public struct BatchLoader: Sendable {
    public let folder: any MetricsFolder
    /// The process environment (only `ANOMSTACK__<BATCH>__<KEY>` entries are read).
    public let environment: [String: String]
    /// `key=value` strings from `--set`; a dotted key (`preprocess_params.diff_n=2`) sets a nested value.
    public let overrides: [String]
    /// Settings changed at run time, per batch: key (dotted as for `--set`) to value text.
    public let settings: [String: [String: String]]

    public init(
        folder: any MetricsFolder, environment: [String: String] = [:], overrides: [String] = [],
        settings: [String: [String: String]] = [:]
    ) {
        self.folder = folder
        self.environment = environment
        self.overrides = overrides
        self.settings = settings
    }

    /// The outcome of loading: the valid batches (sorted by name), every error found, and notes
    /// on keys accepted as they are (a file's own template variables, Anomstack keys not acted on).
    public struct Result: Sendable {
        public var batches: [BatchConfig]
        public var errors: [ConfigError]
        public var notes: [ConfigError] = []
    }

    public func load() -> Result {
        var errors: [ConfigError] = []
        var notes: [ConfigError] = []
        let builtin: ConfigDocument
        do {
            builtin = try ConfigDocument(path: "(built-in defaults)", text: BuiltinDefaults.yaml)
        } catch {
            return Result(
                batches: [], errors: [error as? ConfigError ?? ConfigError(file: "(built-in defaults)", key: nil, line: nil, message: "\(error)")])
        }
        let schema = ConfigSchema(defaults: builtin.values)
        var defaults = ConfigValue.map(builtin.values)
        var defaultsOrigin: [String: (String, Int?)] = [:]

        let files: [String]
        do {
            files = try folder.files()
        } catch {
            return Result(batches: [], errors: [ConfigError(file: ".", key: nil, line: nil, message: "cannot list the metrics folder: \(error)")])
        }
        if files.contains(BuiltinDefaults.path) {
            do {
                var document = try ConfigDocument(path: BuiltinDefaults.path, text: try folder.read(BuiltinDefaults.path))
                errors += AnomstackKeys.translate(&document)
                let check = schema.checkKeys(document.values, file: document.path, lines: document.keyLines, ownKeys: true)
                errors += check.errors
                notes += check.notes
                defaults = defaults.merged(with: .map(document.values))
                for key in document.values.keys { defaultsOrigin[key] = (document.path, document.keyLines[key]) }
            } catch {
                errors.append(Self.error(error, file: BuiltinDefaults.path))
            }
        }

        var batches: [BatchConfig] = []
        var seen: [String: String] = [:]
        // The same for every batch: parsed once; its problems invalidate every batch and are
        // listed once (the de-duplication below).
        let (setValues, setErrors) = commandLineOverrides()
        let setProblems = setErrors + schema.checkKeys(setValues, file: "--set", lines: [:]).errors
        // profiles/ holds setting sets to copy or pass to `engine backtest --metrics-config`, not batches.
        let ignoreExamples = AnomstackEnvironment.ignoresExamples(environment)
        let yamlFiles = files.filter {
            ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix("defaults/") && !$0.hasPrefix("profiles/")
                && !(ignoreExamples && $0.hasPrefix("examples/"))
        }
        // ANOMSTACK_TABLE_KEY and ANOMSTACK_MODEL_PATH set their key for every batch, over the files.
        var everyBatch: [String: ConfigValue] = [:]
        var everyBatchVariables: [String: String] = [:]
        for (variable, key) in AnomstackEnvironment.batchKeys {
            guard let text = environment[variable], !text.isEmpty else { continue }
            everyBatch[key] = .string(text)
            everyBatchVariables[key] = variable
        }
        for file in yamlFiles {
            var document: ConfigDocument
            do {
                document = try ConfigDocument(path: file, text: try folder.read(file))
            } catch {
                errors.append(Self.error(error, file: file))
                continue
            }
            guard let name = document.values["metric_batch"]?.stringValue, !name.isEmpty else {
                errors.append(ConfigError(file: file, key: "metric_batch", line: nil, message: "missing: every batch file names its batch"))
                continue
            }
            if let other = seen[name] {
                errors.append(
                    ConfigError(
                        file: file, key: "metric_batch", line: document.keyLines["metric_batch"],
                        message: "batch '\(name)' is already defined in \(other)"))
                continue
            }
            seen[name] = file
            var fileErrors = AnomstackKeys.translate(&document)
            let check = schema.checkKeys(document.values, file: file, lines: document.keyLines, ownKeys: true)
            fileErrors += check.errors
            notes += check.notes

            var merged = defaults.merged(with: .map(document.values))
            var origin: [String: (String, Int?)] = defaultsOrigin
            for key in document.values.keys { origin[key] = (file, document.keyLines[key]) }

            merged = merged.merged(with: .map(everyBatch))
            for (key, variable) in everyBatchVariables { origin[key] = ("environment \(variable)", nil) }

            let environmentValues = environmentOverrides(batch: name)
            fileErrors += schema.checkKeys(environmentValues.values, file: "environment", lines: [:]).errors
                .map {
                    var e = $0
                    e.key = environmentValues.variables[$0.key ?? ""] ?? $0.key
                    return e
                }
            merged = merged.merged(with: .map(environmentValues.values))
            for key in environmentValues.values.keys { origin[key] = ("environment \(environmentValues.variables[key] ?? key)", nil) }

            fileErrors += setProblems
            merged = merged.merged(with: .map(setValues))
            for key in setValues.keys { origin[key] = ("--set", nil) }

            let changed = Self.values(of: (settings[name] ?? [:]).sorted { $0.key < $1.key })
            fileErrors += schema.checkKeys(changed, file: "settings", lines: [:]).errors
            merged = merged.merged(with: .map(changed))
            for key in changed.keys { origin[key] = ("settings", nil) }

            let values = merged.mapValue ?? [:]
            fileErrors += schema.checkValues(values) { key in
                let (f, l) = origin[key] ?? (file, nil)
                return (f, l)
            }
            // Found at load, so `engine serve` refuses the batch on reload instead of recursing at its ingest.
            for key in ["ingest_sql", "ingest_fn"] {
                guard let template = values[key]?.stringValue, let problem = IncludeGraph(folder: folder).problem(in: template) else { continue }
                let (f, l) = origin[key] ?? (file, nil)
                fileErrors.append(ConfigError(file: f, key: key, line: l, message: problem))
            }
            if fileErrors.isEmpty {
                var batch = BatchConfig(name: name, file: file, values: values)
                if let own = document.values["preprocess_fn"]?.stringValue, !own.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    batch.preprocessFunction = own
                }
                batches.append(batch)
            }
            errors += fileErrors
        }
        var unique: [ConfigError] = []
        for error in errors where !unique.contains(error) { unique.append(error) }
        return Result(batches: batches.sorted { $0.name < $1.name }, errors: unique, notes: notes)
    }

    /// Loads and throws all errors at once if there are any.
    public func loadValid() throws -> [BatchConfig] {
        let result = load()
        if !result.errors.isEmpty { throw ConfigErrors(result.errors) }
        return result.batches
    }

    private func environmentOverrides(batch: String) -> (values: [String: ConfigValue], variables: [String: String]) {
        let prefix = "ANOMSTACK__" + batch.uppercased().replacingOccurrences(of: "-", with: "_") + "__"
        var values: [String: ConfigValue] = [:]
        var variables: [String: String] = [:]
        for (name, text) in environment where name.hasPrefix(prefix) {
            let key = String(name.dropFirst(prefix.count)).lowercased()
            guard !key.isEmpty else { continue }
            values[key] = ConfigValue.scalar(text)
            variables[key] = name
        }
        return (values, variables)
    }

    private func commandLineOverrides() -> ([String: ConfigValue], [ConfigError]) {
        var pairs: [(String, String)] = []
        var errors: [ConfigError] = []
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                errors.append(ConfigError(file: "--set", key: nil, line: nil, message: "'\(item)' is not key=value"))
                continue
            }
            pairs.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        return (Self.values(of: pairs), errors)
    }

    /// Config values from (dotted key, value text) pairs, later pairs winning.
    static func values(of pairs: [(String, String)]) -> [String: ConfigValue] {
        var result = ConfigValue.map([:])
        for (key, text) in pairs {
            let path = key.split(separator: ".").map(String.init)
            guard let head = path.first else { continue }
            var value = ConfigValue.scalar(text)
            for component in path.dropFirst().reversed() { value = .map([component: value]) }
            result = result.merged(with: .map([head: value]))
        }
        return result.mapValue ?? [:]
    }

    private static func error(_ error: any Error, file: String) -> ConfigError {
        if var e = error as? ConfigError {
            e.file = file
            return e
        }
        return ConfigError(file: file, key: nil, line: nil, message: "cannot read: \(error)")
    }
}
