import Foundation
import Hummingbird

/// `/login` and `/logout`: trades the API token for a session cookie (HttpOnly, SameSite=Strict,
/// so other sites cannot post forms with it) naming a session opened in the registry, and closes
/// it. Failed logins are throttled per client address.
struct LoginController {
    let token: AccessToken
    let sessions: SessionRegistry
    let throttle: LoginThrottle
    let now: @Sendable () -> Date

    func register(on router: Router<EngineRequestContext>) {
        router.get("/login") { request, context in
            let query = RequestInput.query(request)
            return PageResponder.page(
                "login", title: "Log in",
                context: ["next": LocalRedirect.target(query["next"]), "failed": query["failed"] != nil],
                request: context)
        }
        router.post("/login") { request, context in
            let address = context.clientAddress
            let time = now()
            guard await throttle.admits(address, now: time) else {
                var response = ErrorPresenter.page(.tooManyRequests, message: "Too many failed logins from this address: try again later.")
                response.headers[.retryAfter] = String(await throttle.retryAfter(address, now: time))
                return response
            }
            let form = try await RequestInput.form(request, context: context)
            let next = LocalRedirect.target(form["next"])
            guard token.accepts(token: form["token"] ?? "") else {
                await throttle.failed(address, now: time)
                return PageResponder.seeOther("/login?failed=1&next=\(Presentation.segment(next))")
            }
            await throttle.succeeded(address)
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            let id = await sessions.open(user: name.isEmpty ? "dashboard" : String(name.prefix(64)), now: time)
            var response = PageResponder.seeOther(next)
            response.headers[.setCookie] =
                "\(AccessToken.cookieName)=\(token.sessionValue(for: id))"
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(SessionRegistry.lifetime))"
            return response
        }
        router.post("/logout") { request, _ in
            if let id = token.sessionID(cookies: request.headers[values: .cookie]) { await sessions.close(id) }
            var response = PageResponder.seeOther("/")
            response.headers[.setCookie] = "\(AccessToken.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        }
    }
}
