import Engine
import Foundation
import Hummingbird

/// `/runs`: the latest job runs (status, duration, rows written, error) and activity per day
/// (runs, failures, alerts, feedback precision), for every batch or one.
struct RunsController {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        router.get("/runs") { request, context in try await page(request, context) }
    }

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let query = RequestInput.query(request)
        let snapshot = await engine.catalog.snapshot
        let selected = try await query["batch"].flatMap { $0.isEmpty ? nil : $0 }.asyncMap { try await engine.batch($0) }
        let batches = selected.map { [$0] } ?? snapshot.batches
        let now = engine.now
        let runs = try engine.latestRuns(of: batches, limit: 100)
        let rows = runs.map { run -> [String: Any] in
            [
                "started": MetricTimestamp.format(run.startedAt), "batch": run.batch, "job": run.job.rawValue, "status": run.status.rawValue,
                "duration": Fixed.format(run.finishedAt.timeIntervalSince(run.startedAt), 2) + " s", "rows": run.rowsWritten,
                "error": run.error ?? "",
            ]
        }
        let daily = try DailyActivity(stores: engine.stores).days(batches, now: now, days: 14).map { day -> [String: Any] in
            [
                "day": day.day, "runs": day.runs, "failed": day.failedRuns, "alerts": day.alerts, "up": day.up, "down": day.down,
                "precision": Presentation.percent(day.precision),
            ]
        }
        return PageResponder.page(
            "runs", title: "Runs",
            context: [
                "batch": selected?.name ?? "", "batches": snapshot.batches.map(\.name), "runs": rows, "daily": daily, "days": 14,
            ], request: context)
    }
}

extension Optional {
    /// `map` with an async throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
