import Foundation
import Hummingbird

/// Lets every write through only with the token (an `Authorization: Bearer` header or the
/// session cookie of the login form), and reads too when the settings protect them. Health
/// checks, the login page and static assets stay open. Pages answer a missing login with a
/// redirect to the login form; the API and `/metrics` answer 401.
struct AuthorizationMiddleware: RouterMiddleware {
    typealias Context = EngineRequestContext
    let token: AccessToken
    let protectReads: Bool

    static let openPaths: Set<String> = ["/healthz", "/readyz", "/login", "/logout"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = principal(of: request)
        let path = request.uri.path
        let isRead = request.method == .get || request.method == .head
        let open = Self.openPaths.contains(path) || path.hasPrefix("/static/")
        guard context.principal == nil, !open, !isRead || protectReads else {
            return try await next(request, context)
        }
        if path.hasPrefix("/api/") || path == "/metrics" {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"engine\""
            return ErrorPresenter.json(.unauthorized, message: isRead
                ? "this server protects reads: send Authorization: Bearer <ENGINE_API_TOKEN>"
                : "writes need the API token: send Authorization: Bearer <ENGINE_API_TOKEN>", headers: headers)
        }
        if isRead {
            return Response.redirect(to: "/login?next=" + (request.uri.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        return ErrorPresenter.page(.unauthorized, message: "Log in first: changes need the API token.")
    }

    /// Who is asking: the session's user, or for a bearer token the `X-Engine-User` header
    /// (clients name themselves for the settings history), else "api".
    private func principal(of request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
           token.accepts(token: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)) {
            let user = request.headers.first { $0.name.canonicalName == "x-engine-user" }?.value.trimmingCharacters(in: .whitespaces)
            return user.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) } ?? "api"
        }
        for cookieHeader in request.headers[values: .cookie] {
            for part in cookieHeader.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(AccessToken.cookieName + "=") else { continue }
                if let user = token.user(fromSession: String(pair.dropFirst(AccessToken.cookieName.count + 1))) { return user }
            }
        }
        return nil
    }
}
