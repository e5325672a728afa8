import Foundation
import Hummingbird

/// Counts every request for `/metrics`, by method, route and status. A request is labelled by the
/// pattern of the route that answered it (`/batches/{batch}`), never by batch or metric names,
/// and every path no route matches shares one label (`unmatched`), so no client can grow the
/// number of series.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = EngineRequestContext
    let metrics: EngineMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func record(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            // The router sets the matched route's pattern on the context's shared storage, and
            // "NotFound" when no route matched.
            let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
            metrics.recordRequest(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        }
        do {
            let response = try await next(request, context)
            record(Int(response.status.code))
            return response
        } catch {
            record(Int((error as? any HTTPResponseError)?.status.code ?? 500))
            throw error
        }
    }
}
