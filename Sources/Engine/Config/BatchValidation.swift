import Foundation

/// `engine validate`: loads every batch and also renders its ingest template, so a broken
/// include or template is found before a job runs. Returns every problem, not the first.
public struct BatchValidation: Sendable {
    public let folder: MetricsFolder
    public let environment: [String: String]
    public let overrides: [String]

    public init(folder: MetricsFolder, environment: [String: String], overrides: [String]) {
        self.folder = folder
        self.environment = environment
        self.overrides = overrides
    }

    /// The result: valid batches, errors, and warnings about settings accepted but not acted on.
    public struct Report: Sendable {
        public var batches: [BatchConfig]
        public var errors: [ConfigError]
        public var warnings: [String]
    }

    public func validate(now: Date) -> Report {
        let loaded = BatchLoader(folder: folder, environment: environment, overrides: overrides).load()
        var errors = loaded.errors
        var warnings: [String] = []
        var valid: [BatchConfig] = []
        let renderer = TemplateRenderer(folder: folder)
        for batch in loaded.batches {
            let key = batch.ingestSQL != nil ? "ingest_sql" : "ingest_fn"
            do {
                let rendered = try renderer.render(key, of: batch, now: now)
                if rendered.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    errors.append(ConfigError(file: batch.file, key: key, line: nil, message: "renders to nothing"))
                    continue
                }
                valid.append(batch)
            } catch let error as ConfigError {
                errors.append(error)
                continue
            } catch {
                errors.append(ConfigError(file: batch.file, key: key, line: nil, message: "\(error)"))
                continue
            }
            if batch.values["preprocess_fn"].map({ $0 != .null }) ?? false {
                warnings.append("\(batch.file): key 'preprocess_fn' is accepted but not used; the built-in preprocessing chain runs")
            }
            if batch.db != "sqlite" {
                warnings.append("\(batch.file): key 'db': '\(batch.db)' is not supported yet; its ingest job will fail")
            }
            if !batch.modelPath.hasPrefix("local://") {
                warnings.append("\(batch.file): key 'model_path': only local:// is supported yet")
            }
        }
        return Report(batches: valid, errors: errors, warnings: warnings)
    }
}
