import Hummingbird

/// Answers for the dashboard's handlers: a rendered page, or a redirect after a form post (so a
/// reload does not post twice).
enum PageResponder {
    static func page(
        _ name: String, title: String, status: HTTPResponse.Status = .ok, context: [String: Any], request: EngineRequestContext
    ) -> Response {
        PageRenderer.response(
            PageRenderer.shared.render(name, title: title, context: context, loggedIn: request.principal != nil), status: status)
    }

    /// 303 to `location` if it is a path on this server, to `/` otherwise (no open redirects).
    static func seeOther(_ location: String?) -> Response {
        Response.redirect(to: LocalRedirect.target(location), type: .normal)
    }
}
