import Engine
import Foundation
import Hummingbird
import Stencil

/// Markup the server built itself (charts, sparklines): rendered as it is, where every other
/// string in a page's context is HTML-escaped.
struct SafeHTML: CustomStringConvertible, Sendable {
    let markup: String
    var description: String { markup }
}

/// Renders the dashboard's pages: Stencil templates kept in the binary (the server needs no
/// files beside it), one layout around every page. Stencil does not escape by itself, so the
/// whole context is escaped before rendering, except `SafeHTML` values.
struct PageRenderer: Sendable {
    static let shared = PageRenderer()

    /// The templates, read once for the process, and the environment that renders them (built
    /// once too: a Stencil environment registers every tag and filter when made).
    private nonisolated(unsafe) static let environment = Stencil.Environment(loader: LexedTemplates(PageTemplates.all))

    /// Renders page `name` inside the layout; a template error becomes a plain error page.
    func render(_ name: String, title: String, context: [String: Any], loggedIn: Bool = false) -> String {
        let environment = Self.environment
        var full = context
        full["page_title"] = title
        full["logged_in"] = loggedIn
        full["page_name"] = name
        do {
            return try environment.renderTemplate(name: name + ".html", context: Self.escape(full) as? [String: Any] ?? [:])
        } catch {
            return "<!doctype html><title>template error</title><p>The page \(NotificationComposer.escapeHTML(name)) could not be drawn: "
                + NotificationComposer.escapeHTML("\(error)") + "</p>"
        }
    }

    /// The context escaped, with every map inside it (a row, a card) made a Stencil `Context`:
    /// Stencil resolves a name in a plain dictionary by first trying it as a `Context` (which, on
    /// Linux, bridges the whole dictionary to an `NSDictionary`) and then copying it whole
    /// (`normalize`), at every name it reads, which was most of a warm page's time. A `Context`
    /// is found by the first cast and read by key.
    static func escape(_ value: Any) -> Any {
        guard let map = value as? [String: Any] else { return escapeValue(value) }
        return map.mapValues(escapeValue)
    }

    private static func escapeValue(_ value: Any) -> Any {
        switch value {
        case let text as String: return NotificationComposer.escapeHTML(text)
        case let safe as SafeHTML: return safe
        case let map as [String: Any]: return Context(dictionary: map.mapValues(escapeValue), environment: environment)
        case let list as [Any]: return list.map(escapeValue)
        default: return value
        }
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Kept, but asked again each time: the ETag makes an unchanged page a 304.
        headers[.cacheControl] = "private, no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The page templates, each read into Stencil's tokens once: its `DictionaryLoader` reads a
/// template again at every load, which took a tenth of a warm page's time (and the layout is
/// loaded by every page). A `Template` keeps only its tokens and parses them anew at each render,
/// so one is rendered by several requests at once safely.
final class LexedTemplates: Loader, @unchecked Sendable {
    private let templates: [String: Template]

    init(_ sources: [String: String]) {
        templates = sources.reduce(into: [:]) { $0[$1.key] = Template(templateString: $1.value, environment: nil, name: $1.key) }
    }

    func loadTemplate(name: String, environment: Stencil.Environment) throws -> Template {
        guard let template = templates[name] else { throw TemplateDoesNotExist(templateNames: [name], loader: self) }
        return template
    }
}
