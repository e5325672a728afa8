import Foundation
import Hummingbird

/// Counts every request for `/metrics`, by method, route family and status. Routes are labelled
/// by their fixed prefix (`/api/v1/batches`, `/anomalies`), never by batch or metric names, so
/// the number of series stays small.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = EngineRequestContext
    let metrics: EngineMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(method: request.method.rawValue, route: Self.route(request.uri.path), status: response.status.code, seconds: seconds)
        return response
    }

    static func route(_ path: String) -> String {
        let parts = path.split(separator: "/")
        if parts.count >= 3 && parts[0] == "api" { return "/" + parts.prefix(3).joined(separator: "/") }
        return "/" + (parts.first.map(String.init) ?? "")
    }
}
