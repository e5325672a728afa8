import Foundation
import Stencil

/// Renders `ingest_sql` / `ingest_fn` values as Jinja-style templates with Stencil: `{{ var }}`,
/// `{% include "./path" %}` relative to the metrics folder, `{% if %}` and `{% for %}`, and the
/// Jinja that Anomstack's templates use (`JinjaCompatibility`: `set`, `loop.*`, `is defined`). The
/// context is every batch key plus `now` from the injected clock, so SQL never needs
/// `current_timestamp`, and the dialect macros of `SQLDialect` (`now_sql`, `ago`, `since`).
public struct TemplateRenderer: Sendable {
    public let folder: any MetricsFolder

    public init(folder: any MetricsFolder) {
        self.folder = folder
    }

    /// Renders the value of `key` in `batch` at `now`. Errors name the batch file and key.
    public func render(_ key: String, of batch: BatchConfig, now: Date) throws -> String {
        guard let template = batch.values[key]?.stringValue else {
            throw ConfigError(file: batch.file, key: key, line: nil, message: "missing")
        }
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        let dialect = SQLDialect(db: batch.db)
        var context = Self.context(for: batch, now: now)
        context["now_sql"] = dialect.literal(now)
        return try render(template, context: context, file: batch.file, key: key, extensions: [dialect.macros(now: now)])
    }

    /// Renders template text with a context. `file` and `key` only locate errors.
    public func render(_ template: String, context: [String: Any], file: String, key: String, extensions: [Extension] = []) throws -> String {
        // Text without a brace has no tag, variable or comment: it renders to itself. Plain
        // `ingest_sql` is common, and building the context and the environment cost more than
        // the ingest's own query.
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        if let problem = IncludeGraph(folder: folder).problem(in: template) {
            throw ConfigError(file: file, key: key, line: nil, message: problem)
        }
        let environment = Environment(
            loader: FolderLoader(folder: folder), extensions: extensions + [JinjaCompatibility.stencilExtension()], trimBehaviour: .nothing)
        do {
            return try environment.renderTemplate(string: JinjaCompatibility.translate(template), context: context)
        } catch let error as IncludeMissing {
            throw ConfigError(file: file, key: key, line: nil, message: "\(error)")
        } catch let error as IncludeLimit {
            throw ConfigError(file: file, key: key, line: nil, message: "\(error)")
        } catch {
            throw ConfigError(file: file, key: key, line: nil, message: "template failed to render: \(error)")
        }
    }

    /// The template context: every configuration key, the entries of `template_vars`, `metric_batch`, and the clock's time as
    /// `now` (`YYYY-MM-DD HH:MM:SS`, UTC), `now_iso` (RFC 3339) and `now_epoch` (seconds).
    public static func context(for batch: BatchConfig, now: Date) -> [String: Any] {
        var context: [String: Any] = [:]
        for (key, value) in batch.values {
            if let v = value.templateValue { context[key] = v }
        }
        for (key, value) in batch[.templateVars] {
            if let v = value.templateValue { context[key] = v }
        }
        context["metric_batch"] = batch.name
        context["now"] = MetricTimestamp.format(now)
        context["now_iso"] = MetricTimestamp.formatISO(now)
        context["now_epoch"] = Int(now.timeIntervalSince1970.rounded(.down))
        return context
    }
}

/// Loads included templates through the metrics-folder port, so templating does no file I/O itself.
/// One loader serves one render, and counts its loads: an include whose name is computed
/// (`{% include name %}`), which `IncludeGraph` cannot follow, still cannot recurse without end.
private final class FolderLoader: Loader {
    let folder: any MetricsFolder
    private var loads = 0

    /// The most includes one render may load.
    static let maxLoads = 64

    init(folder: any MetricsFolder) { self.folder = folder }

    func loadTemplate(name: String, environment: Environment) throws -> Template {
        loads += 1
        guard loads <= Self.maxLoads else { throw IncludeLimit(name: name, limit: Self.maxLoads) }
        var path = name
        while path.hasPrefix("./") { path.removeFirst(2) }
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw IncludeMissing(name: name, reason: "includes must stay inside the metrics folder")
        }
        let text: String
        do {
            text = try folder.read(path)
        } catch {
            throw IncludeMissing(name: name, reason: "no such file in the metrics folder")
        }
        return environment.templateClass.init(templateString: JinjaCompatibility.translate(text), environment: environment, name: name)
    }
}

/// An `{% include %}` that names a file the metrics folder does not have.
struct IncludeMissing: Error, CustomStringConvertible {
    let name: String
    let reason: String
    var description: String { "template include '\(name)' not found: \(reason)" }
}

/// A render that loaded more includes than `FolderLoader.maxLoads` (a cycle through a computed name).
struct IncludeLimit: Error, CustomStringConvertible {
    let name: String
    let limit: Int
    var description: String { "more than \(limit) includes in one render (at '\(name)'): an include cycle?" }
}
