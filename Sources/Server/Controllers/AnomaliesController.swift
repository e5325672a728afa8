import Engine
import Foundation
import Hummingbird

/// `/anomalies`: every batch's alerts, newest first, paged, each with a sparkline of the values
/// before it and 👍/👎 buttons; feedback precision per batch; the mutes in force.
struct AnomaliesController {
    let engine: ServedEngine
    let pageSize: Int

    func register(on router: Router<EngineRequestContext>) {
        router.get("/anomalies") { request, context in try await page(request, context) }
        router.post("/anomalies/feedback") { request, context in try await feedback(request, context) }
    }

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let query = RequestInput.query(request)
        let (spanText, span) = try RequestInput.span(query["span"], default: "30d")
        let page = try RequestInput.page(query["page"])
        let snapshot = await engine.catalog.snapshot
        let now = engine.now
        let feed = AlertFeed(stores: engine.stores)
        let shown = snapshot.batches.filter(\.onDashboard)
        let alerts = try feed.page(shown, now: now, span: span, page: page, pageSize: pageSize)
        var rows: [[String: Any]] = []
        for alert in alerts.entries {
            guard let batch = snapshot.batch(named: alert.batch) else { continue }
            let recent = try engine.stores.store(table: batch.tableKey)
                .rows(MetricQuery(batch: batch.name, names: [alert.metric], types: [.metric], through: alert.timestamp, latest: 30))
            rows.append([
                "batch": alert.batch, "batch_path": Presentation.segment(alert.batch), "metric": alert.metric,
                "metric_query": Presentation.segment("^" + NSRegularExpression.escapedPattern(for: alert.metric) + "$"),
                "timestamp": MetricTimestamp.format(alert.timestamp), "kind": alert.kind.rawValue,
                "severity": alert.severity, "score": Presentation.number(alert.score),
                "feedback": alert.feedback.map { $0 ? "up" : "down" } ?? "",
                "sparkline": ChartMarkup.sparkline(recent.map(\.value)),
            ])
        }
        var precision: [[String: Any]] = []
        for batch in shown {
            let p = try feed.precision(batch: batch, now: now, span: span)
            if p.up + p.down > 0 {
                precision.append(["batch": batch.name, "up": p.up, "down": p.down, "precision": Presentation.percent(p.precision)])
            }
        }
        let mutes = try engine.mutes.mutes(batch: nil).filter { $0.until > now }.map { mute -> [String: Any] in
            [
                "batch": mute.batch, "batch_path": Presentation.segment(mute.batch), "metric": mute.metric ?? "(whole batch)",
                "metric_value": mute.metric ?? "", "reason": mute.reason ?? "",
                "until": mute.until == .distantFuture ? "until unmuted" : MetricTimestamp.format(mute.until),
            ]
        }
        return PageResponder.page(
            "anomalies", title: "Anomalies",
            context: [
                "alerts": rows, "span": spanText, "page": alerts.page, "pages": alerts.pageCount, "precision": precision, "mutes": mutes,
                "previous": alerts.page > 1 ? "/anomalies?span=\(spanText)&page=\(alerts.page - 1)" : "",
                "next": alerts.page < alerts.pageCount ? "/anomalies?span=\(spanText)&page=\(alerts.page + 1)" : "",
            ], request: context)
    }

    func feedback(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let form = try await RequestInput.form(request, context: context)
        let verdict = try RequestInput.string(form, "verdict")
        guard verdict == "up" || verdict == "down" else { throw RequestError.invalid("bad verdict '\(verdict)': expected up or down") }
        try await engine.recordFeedback(
            batch: try RequestInput.string(form, "batch"), metric: try RequestInput.string(form, "metric"),
            timestamp: try RequestInput.timestamp(try RequestInput.string(form, "timestamp")),
            positive: verdict == "up")
        return PageResponder.seeOther("/anomalies?page=\(try RequestInput.page(form["page"]))")
    }
}
