import Engine
import Foundation
import Hummingbird

/// `/api/v1/alerts` (newest first, paged, optionally one batch) and `/api/v1/feedback`
/// (👍/👎 on an alert, stored as `thumbsup`/`thumbsdown` rows).
struct AlertsAPI {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/alerts") { request, _ in try await alerts(request) }
        api.post("/feedback") { request, context in try await feedback(request, context) }
    }

    func alerts(_ request: Request) async throws -> Response {
        let query = RequestInput.query(request)
        let list = try AlertListQuery(query)
        let pageSize = try RequestInput.count("page_size", query["page_size"], default: 50, maximum: 500)
        var batches = await engine.catalog.snapshot.batches
        if let name = list.batch { batches = [try await engine.batch(name)] }
        let page = try engine.alertFeed.page(
            batches, now: engine.now, span: list.span, page: list.page, pageSize: pageSize, filter: list.filter)
        let delivered = try engine.deliveries.deliveryStates(notifications: page.entries.compactMap(\.notificationID))
        return JSONResponse.ok(
            .object([
                "span": .string(list.spanText), "page": .int(page.page), "pages": .int(page.pageCount),
                "total": .int(page.total),
                "alerts": .array(page.entries.map { JSONViews.alert($0, deliveries: $0.notificationID.flatMap { delivered[$0] } ?? []) }),
            ]))
    }

    func feedback(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let body = try await RequestInput.json(request, context: context)
        let verdict = try RequestInput.string(body, "verdict")
        guard verdict == "up" || verdict == "down" else { throw RequestError.invalid("bad verdict '\(verdict)': expected up or down") }
        let batch = try RequestInput.string(body, "batch")
        let metric = try RequestInput.string(body, "metric")
        let timestamp = try RequestInput.timestamp(try RequestInput.string(body, "timestamp"))
        try await engine.recordFeedback(batch: batch, metric: metric, timestamp: timestamp, positive: verdict == "up")
        return JSONResponse.ok(
            .object([
                "batch": .string(batch), "metric": .string(metric), "timestamp": JSONResponse.time(timestamp),
                "feedback": .string(verdict),
            ]))
    }
}
