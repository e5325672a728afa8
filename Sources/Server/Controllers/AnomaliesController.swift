import Engine
import Foundation
import Hummingbird

/// `/anomalies`: every batch's alerts, newest first, paged and filtered (batch, metric, kind,
/// severity, verdict, span), each with a sparkline of the values before it and 👍/👎 buttons;
/// feedback precision per batch; the mutes in force.
struct AnomaliesController {
    let engine: ServedEngine
    let pageSize: Int

    func register(on router: Router<EngineRequestContext>) {
        router.get("/anomalies") { request, context in try await page(request, context) }
        router.post("/anomalies/feedback") { request, context in try await feedback(request, context) }
    }

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let list = try AlertListQuery(RequestInput.query(request))
        let (spanText, span) = (list.spanText, list.span)
        let snapshot = await engine.catalog.snapshot
        let now = engine.now
        let feed = engine.alertFeed
        let shown = snapshot.batches.filter(\.onDashboard)
        let listed = try list.batch.map { name in
            guard let batch = shown.first(where: { $0.name == name }) else { throw RequestError.notFound("no batch named '\(name)'") }
            return [batch]
        } ?? shown
        let alerts = try feed.page(listed, now: now, span: span, page: list.page, pageSize: pageSize, filter: list.filter)
        let inForce = try engine.mutes.mutes(batch: nil).filter { $0.until > now }
        let delivered = try engine.deliveries.deliveryStates(notifications: alerts.entries.compactMap(\.notificationID))
        var rows: [[String: Any]] = []
        for alert in alerts.entries {
            guard let batch = snapshot.batch(named: alert.batch) else { continue }
            let recent = try engine.stores.store(table: batch.tableKey)
                .rows(MetricQuery(batch: batch.name, names: [alert.metric], types: [.metric], through: alert.timestamp, latest: 30))
            rows.append([
                "batch": alert.batch, "batch_path": Presentation.segment(alert.batch), "metric": alert.metric,
                "metric_path": Presentation.segment(alert.metric),
                "timestamp_path": Presentation.segment(MetricTimestamp.format(alert.timestamp)),
                "metric_query": Presentation.exactSearch(alert.metric),
                "timestamp": MetricTimestamp.format(alert.timestamp), "kind": alert.kind.rawValue,
                "severity": alert.severity, "score": Presentation.number(alert.score),
                "feedback": alert.feedback.map { $0 ? "up" : "down" } ?? "",
                "sparkline": ChartMarkup.sparkline(recent.map(\.value)),
                "deliveries": (alert.notificationID.flatMap { delivered[$0] } ?? []).map(Self.delivery),
            ].merging(Self.silence(of: alert, among: inForce)) { $1 })
        }
        var precision: [[String: Any]] = []
        for batch in shown {
            let p = try feed.precision(batch: batch, now: now, span: span)
            if p.up + p.down > 0 {
                precision.append(["batch": batch.name, "up": p.up, "down": p.down, "precision": Presentation.percent(p.precision)])
            }
        }
        let mutes = inForce.map { mute -> [String: Any] in
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
                "total": alerts.total, "query": list.queryString(page: alerts.page),
                "previous": alerts.page > 1 ? "/anomalies?\(list.queryString(page: alerts.page - 1))" : "",
                "next": alerts.page < alerts.pageCount ? "/anomalies?\(list.queryString(page: alerts.page + 1))" : "",
                "filter": [
                    "batch": list.batch ?? "", "metric": list.filter.metric ?? "", "kind": list.filter.kind?.rawValue ?? "",
                    "severity": list.filter.severity ?? "", "verdict": list.filter.verdict?.rawValue ?? "",
                    "filtered": list.isFiltered,
                ],
                "batches": shown.map(\.name), "kinds": AlertFilter.kinds.map(\.rawValue), "severities": AlertListQuery.severities,
                "verdicts": AlertFilter.Verdict.allCases.map(\.rawValue), "snooze_choices": Self.snoozeChoices,
            ], request: context)
    }

    /// The lengths the page offers to snooze a metric or a batch for.
    static let snoozeChoices = ["1h", "4h", "24h", "7d"]

    /// The mute in force that holds `alert`'s metric (its own or its batch's), as the row shows it:
    /// until when and why; nothing when none does.
    static func silence(of alert: AlertEntry, among mutes: [Mute]) -> [String: Any] {
        guard let mute = mutes.first(where: { $0.batch == alert.batch && ($0.metric == nil || $0.metric == alert.metric) }) else { return [:] }
        return ["muted_until": Presentation.heldUntil(mute), "muted_reason": (mute.metric == nil ? "the whole batch" : "this metric") + (mute.reason.map { ": \($0)" } ?? "")]
    }

    /// One delivery as the page shows it: the channel and status, and on hover what happened.
    static func delivery(_ state: DeliveryState) -> [String: Any] {
        var detail = "\(state.attempts) attempt\(state.attempts == 1 ? "" : "s")"
        if let mutedBy = state.mutedBy { detail = "held by \(mutedBy)" }
        if let error = state.lastError { detail += "; last error: \(error)" }
        return ["method": state.method, "status": state.status.rawValue, "detail": detail]
    }

    func feedback(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let form = try await RequestInput.form(request, context: context)
        let verdict = try RequestInput.string(form, "verdict")
        guard verdict == "up" || verdict == "down" else { throw RequestError.invalid("bad verdict '\(verdict)': expected up or down") }
        try await engine.recordFeedback(
            batch: try RequestInput.string(form, "batch"), metric: try RequestInput.string(form, "metric"),
            timestamp: try RequestInput.timestamp(try RequestInput.string(form, "timestamp")),
            positive: verdict == "up")
        // Back to the list as it was: the filter and page the form carried, checked and written anew.
        let list = try AlertListQuery(RequestInput.decodeForm(form["query"] ?? ""))
        return PageResponder.seeOther("/anomalies?\(list.queryString(page: list.page))")
    }
}
