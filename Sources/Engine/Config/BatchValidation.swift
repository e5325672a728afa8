import Foundation

/// `engine validate`: loads every batch and also renders its ingest template, so a broken
/// include or template is found before a job runs. Returns every problem, not the first.
public struct BatchValidation: Sendable {
    public let folder: any MetricsFolder
    public let environment: [String: String]
    public let overrides: [String]

    public init(folder: any MetricsFolder, environment: [String: String], overrides: [String]) {
        self.folder = folder
        self.environment = environment
        self.overrides = overrides
    }

    /// The result: valid batches, errors, warnings (what will not work as the file expects) and
    /// notes (keys accepted as they are: a file's own template variables, Anomstack keys not acted on).
    public struct Report: Sendable {
        public var batches: [BatchConfig]
        public var errors: [ConfigError]
        public var warnings: [String]
        public var notes: [String] = []
    }

    public func validate(now: Date) -> Report {
        let loaded = BatchLoader(folder: folder, environment: environment, overrides: overrides).load()
        var errors = loaded.errors
        var warnings: [String] = []
        var valid: [BatchConfig] = []
        let renderer = TemplateRenderer(folder: folder)
        for batch in loaded.batches {
            let key = batch.ingestSQL != nil ? "ingest_sql" : "ingest_fn"
            let rendered: String
            do {
                rendered = try renderer.render(key, of: batch, now: now)
                if rendered.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    errors.append(ConfigError(file: batch.file, key: key, line: nil, message: "renders to nothing"))
                    continue
                }
                errors += alertTemplateErrors(batch, renderer: renderer, now: now)
                valid.append(batch)
            } catch let error as ConfigError {
                errors.append(error)
                continue
            } catch {
                errors.append(ConfigError(file: batch.file, key: key, line: nil, message: "\(error)"))
                continue
            }
            if let reader = WallClockUse.find(in: rendered, language: key == "ingest_sql" ? .sql : .python) {
                warnings.append(
                    "\(batch.file): key '\(key)' reads the wall clock (\(reader)), so --as-of, backfills and replay do not apply to it; "
                        + (key == "ingest_sql" ? "use {{ now_sql }} (or {{ \"1d\"|ago }})" : "use the now argument the engine passes to ingest()"))
            }
        }
        return Report(batches: valid, errors: errors, warnings: warnings, notes: loaded.notes.map(\.description))
    }

    /// Renders the batch's alert templates for a sample alert, so a broken one is reported here
    /// rather than falling back to the default when an alert fires.
    func alertTemplateErrors(_ batch: BatchConfig, renderer: TemplateRenderer, now: Date) -> [ConfigError] {
        let sample = AlertNotification(
            kind: .alert, batch: batch.name, metric: "sample_metric", timestamp: now, value: 1, score: 0.9,
            smoothedScore: 0.9, threshold: batch.alertThreshold, severity: .warning,
            methods: batch.alertMethods, tags: [:])
        return NotificationComposer(templates: renderer).compose(sample, batch: batch, hasChart: true).1.map { message in
            let key = ["alert_template_title", "alert_template_text", "alert_template_html"].first { message.contains($0) }
            return ConfigError(file: batch.file, key: key, line: nil, message: "does not render: \(message)")
        }
    }
}
