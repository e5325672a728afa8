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

    /// Renders page `name` inside the layout; a template error becomes a plain error page.
    func render(_ name: String, title: String, context: [String: Any], loggedIn: Bool = false) -> String {
        let environment = Environment(loader: DictionaryLoader(templates: PageTemplates.all))
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

    static func escape(_ value: Any) -> Any {
        switch value {
        case let text as String: return NotificationComposer.escapeHTML(text)
        case let safe as SafeHTML: return safe
        case let map as [String: Any]: return map.mapValues(escape)
        case let list as [Any]: return list.map(escape)
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
