import Hummingbird

/// Answers `HEAD` as `GET` without the body (RFC 9110 §9.3.2): monitors, load balancers and
/// `curl -I` probe pages with it, and the routes are registered for `GET` only. It wraps the
/// router because the router picks a route by method before any of its middleware runs.
struct HeadAsGetResponder<Wrapped: HTTPResponder>: HTTPResponder {
    typealias Context = Wrapped.Context
    let wrapped: Wrapped

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await wrapped.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        let response = try await wrapped.respond(to: Request(head: head, body: request.body), context: context)
        return Response(status: response.status, headers: response.headers)
    }
}
