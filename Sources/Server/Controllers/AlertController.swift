import Engine
import Foundation
import Hummingbird

/// `/alert?batch=&metric=&at=&kind=`: one alert on a page of its own, for the on-call engineer a
/// notification links to: a chart centred on it, its scores and what is stored with it (the
/// language model's explanation among them), each channel's delivery with its attempts and
/// error, and the 👍/👎 buttons.
struct AlertController {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        router.get("/alert") { request, context in try await page(request, context) }
    }

    /// How many of the metric's points the chart shows on each side of the alert.
    static let pointsAround = 36

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let query = RequestInput.query(request)
        let batch = try await engine.batch(try RequestInput.string(query, "batch"))
        let metric = try RequestInput.string(query, "metric")
        let at = try RequestInput.timestamp(try RequestInput.string(query, "at"))
        let kindText = query["kind"] ?? MetricType.alert.rawValue
        guard let kind = MetricType(rawValue: kindText), AlertFilter.kinds.contains(kind) else {
            throw RequestError.invalid("bad kind '\(kindText)': expected one of \(AlertFilter.kinds.map(\.rawValue).joined(separator: ", "))")
        }
        guard let detail = try engine.alertFeed.detail(batch, metric: metric, timestamp: at, kind: kind) else {
            throw RequestError.notFound("no \(kind.rawValue) of \(batch.name)/\(metric) at \(MetricTimestamp.format(at)) UTC")
        }
        let store = try engine.stores.store(table: batch.tableKey)
        // `pointsAround` of the metric's usual intervals on each side, so the alert sits in the middle.
        let side = Double(Self.pointsAround) * (try interval(store, batch, metric, at))
        let data = try await PlotData.load(
            store: store, batch: batch, metric: metric, window: .span(seconds: 2 * side), through: at.addingTimeInterval(side)
        ).withBand(batch: batch, store: store, context: engine.jobContext)
        let deliveries = try detail.entry.notificationID.map { try engine.deliveries.deliveryStates(notifications: [$0])[$0] ?? [] } ?? []
        let entry = detail.entry
        return PageResponder.page(
            "alert", title: "\(metric) at \(MetricTimestamp.format(at))",
            context: [
                "batch": batch.name, "batch_path": Presentation.segment(batch.name), "metric": metric,
                "metric_query": Presentation.exactSearch(metric),
                "timestamp": MetricTimestamp.format(at), "kind": kind.rawValue, "severity": entry.severity,
                "score": Presentation.number(entry.score), "threshold": Presentation.number(batch.alertThreshold),
                // The verdict form's alert and where the list goes after it.
                "a": [
                    "batch": batch.name, "metric": metric, "timestamp": MetricTimestamp.format(at),
                    "feedback": entry.feedback.map { $0 ? "up" : "down" } ?? "",
                ],
                "query": "metric=" + Presentation.segment(metric),
                "chart": ChartMarkup.chart(data), "explanation": detail.explanation ?? "",
                "metadata": detail.metadata.sorted { $0.key < $1.key }.filter { $0.key != "explanation" }.map { ["key": $0.key, "value": $0.value] },
                "deliveries": deliveries.map { state -> [String: Any] in
                    [
                        "method": state.method, "status": state.status.rawValue, "attempts": state.attempts,
                        "error": state.lastError ?? "", "muted_by": state.mutedBy ?? "",
                    ]
                },
                "queued": detail.entry.notificationID != nil,
            ], request: context)
    }

    /// The metric's usual interval, read from the points before the alert (an hour when there
    /// are too few to say).
    private func interval(_ store: any MetricStore, _ batch: BatchConfig, _ metric: String, _ at: Date) throws -> TimeInterval {
        let before = try store.extent(MetricQuery(batch: batch.name, names: [metric], types: [.metric], through: at, latest: Self.pointsAround))
        guard let first = before.first, let last = before.last, before.count > 1, last > first else { return 3600 }
        return last.timeIntervalSince(first) / Double(before.count - 1)
    }
}
