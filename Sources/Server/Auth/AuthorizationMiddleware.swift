import Foundation
import Hummingbird

/// Lets every write through only with the token (an `Authorization: Bearer` header or the
/// session cookie of the login form), and reads too when the settings protect them. Health
/// checks, the login page and static assets stay open. Pages answer a missing login with a
/// redirect to the login form; the API and `/metrics` answer 401. A write made with the session
/// cookie must also come from this server's own pages (its `Origin`, or `Referer`, names this
/// host), so another site cannot make a logged-in browser post a form.
struct AuthorizationMiddleware: RouterMiddleware {
    typealias Context = EngineRequestContext
    let token: AccessToken
    let sessions: SessionRegistry
    let protectReads: Bool
    let now: @Sendable () -> Date

    static let openPaths: Set<String> = ["/healthz", "/readyz", "/version", "/login", "/logout", "/favicon.ico"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        let isRead = request.method == .get || request.method == .head
        let (principal, byCookie) = await principal(of: request)
        if byCookie && !isRead && !Self.sameOrigin(request) {
            return ErrorPresenter.page(.forbidden, message: "This form was not posted from this dashboard (its Origin is another site's).")
        }
        context.principal = principal
        let open = Self.openPaths.contains(path) || path.hasPrefix("/static/")
        guard context.principal == nil, !open, !isRead || protectReads else {
            return try await next(request, context)
        }
        if path.hasPrefix("/api/") || path == "/metrics" {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"engine\""
            return ErrorPresenter.json(
                .unauthorized,
                message: isRead
                    ? "this server protects reads: send Authorization: Bearer <ENGINE_API_TOKEN>"
                    : "writes need the API token: send Authorization: Bearer <ENGINE_API_TOKEN>", headers: headers)
        }
        if isRead {
            return Response.redirect(
                to: "/login?next=" + (request.uri.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        return ErrorPresenter.page(.unauthorized, message: "Log in first: changes need the API token.")
    }

    /// Who is asking, and whether it was by the session cookie: the session's user, or for a
    /// bearer token the `X-Engine-User` header (clients name themselves for the settings
    /// history), else "api".
    private func principal(of request: Request) async -> (String?, Bool) {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            token.accepts(token: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        {
            let user = request.headers.first { $0.name.canonicalName == "x-engine-user" }?.value.trimmingCharacters(in: .whitespaces)
            return (user.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) } ?? "api", false)
        }
        if let id = token.sessionID(cookies: request.headers[values: .cookie]), let user = await sessions.user(of: id, now: now()) {
            return (user, true)
        }
        return (nil, false)
    }

    /// Whether the request's `Origin` (or, without one, its `Referer`) names the host it was sent to.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let host = request.head.authority else { return false }
        let source = request.headers[.origin] ?? request.headers[.referer]
        guard let source, let url = URL(string: source), let sourceHost = url.host else { return false }
        let authority = sourceHost + (url.port.map { ":\($0)" } ?? "")
        return authority.lowercased() == host.lowercased()
    }
}
