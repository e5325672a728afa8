import Engine
import Foundation
import Hummingbird

/// `/`: one card per batch (metrics, latest point, average score and alerts over a span), most
/// alerts first, with the configuration problems of the last reload and an empty state.
struct HomeController {
    let engine: ServedEngine
    let metricsDirectory: String

    func register(on router: Router<EngineRequestContext>) {
        router.get("/") { request, context in try await home(request, context) }
    }

    func home(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let query = RequestInput.query(request)
        let (spanText, span) = try RequestInput.span(query["span"], default: "24h")
        let snapshot = await engine.catalog.snapshot
        let now = engine.now
        let shown = snapshot.batches.filter(\.onDashboard)
        let configs = Dictionary(shown.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let mutes = try engine.mutes.mutes(batch: nil)
        let windows = try engine.mutes.maintenanceWindows(batch: nil)
        let cards = try engine.overview.cards(shown, now: now, span: span).map { card -> [String: Any] in
            [
                "batch": card.batch, "path": Presentation.segment(card.batch), "disabled": card.disabled, "metrics": card.metrics,
                "latest": Presentation.ago(card.latestPoint, now: now), "mean_score": Presentation.number(card.meanScore), "alerts": card.alerts,
                "silences": configs[card.batch].map { Self.silences(MuteRules(batch: $0, stored: mutes, storedWindows: windows), now: now) } ?? [],
            ]
        }
        return PageResponder.page(
            "home", title: "Batches",
            context: [
                "cards": cards, "span": spanText, "metrics_dir": metricsDirectory,
                "config_errors": snapshot.errors.map(\.description),
            ], request: context)
    }

    /// What holds a batch's notifications now, a line each, so an on-call engineer sees from the
    /// home page that a quiet batch is silenced rather than healthy: a mute of the whole batch,
    /// how many of its metrics are muted, and the maintenance windows open now.
    static func silences(_ rules: MuteRules, now: Date) -> [String] {
        var lines: [String] = []
        let active = rules.mutes.filter { $0.until > now }
        if let batchMute = active.first(where: { $0.metric == nil }) {
            lines.append("Silenced " + Presentation.heldUntil(batchMute) + (batchMute.reason.map { ": \($0)" } ?? ""))
        }
        let metrics = Set(active.compactMap(\.metric))
        if !metrics.isEmpty { lines.append(Presentation.plural(metrics.count, "metric") + " muted") }
        for (window, name) in rules.windows {
            guard let until = window.openUntil(at: now) else { continue }
            let end = until == .distantFuture ? "until removed" : "until " + MetricTimestamp.format(until) + " UTC"
            lines.append("In \(name), \(end)")
        }
        return lines
    }
}
