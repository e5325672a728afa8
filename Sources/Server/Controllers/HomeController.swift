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
        let cards = try engine.overview.cards(snapshot.batches.filter(\.onDashboard), now: now, span: span).map { card -> [String: Any] in
            [
                "batch": card.batch, "path": Presentation.segment(card.batch), "disabled": card.disabled, "metrics": card.metrics,
                "latest": Presentation.ago(card.latestPoint, now: now), "mean_score": Presentation.number(card.meanScore), "alerts": card.alerts,
            ]
        }
        return PageResponder.page(
            "home", title: "Batches",
            context: [
                "cards": cards, "span": spanText, "metrics_dir": metricsDirectory,
                "config_errors": snapshot.errors.map(\.description),
            ], request: context)
    }
}
