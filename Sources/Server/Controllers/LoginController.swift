import Foundation
import Hummingbird

/// `/login` and `/logout`: trades the API token for a session cookie (HttpOnly, SameSite=Strict,
/// so other sites cannot post forms with it), and clears it.
struct LoginController {
    let token: AccessToken

    func register(on router: Router<EngineRequestContext>) {
        router.get("/login") { request, context in
            let query = RequestInput.query(request)
            return PageResponder.page("login", title: "Log in", context: ["next": query["next"] ?? "/", "failed": query["failed"] != nil],
                                      request: context)
        }
        router.post("/login") { request, context in
            let form = try await RequestInput.form(request, context: context)
            let next = form["next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/"
            guard token.accepts(token: form["token"] ?? "") else {
                return PageResponder.seeOther("/login?failed=1&next=\(Presentation.segment(next))")
            }
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            var response = PageResponder.seeOther(next)
            response.headers[.setCookie] = "\(AccessToken.cookieName)=\(token.sessionValue(for: name.isEmpty ? "dashboard" : String(name.prefix(64))))"
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800"
            return response
        }
        router.post("/logout") { _, _ in
            var response = PageResponder.seeOther("/")
            response.headers[.setCookie] = "\(AccessToken.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        }
    }
}
