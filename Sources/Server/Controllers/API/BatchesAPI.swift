import Engine
import Foundation
import Hummingbird

/// `/api/v1/batches…`: batches, one batch with its schedules, its metrics ranked over a window,
/// and one metric's series (values, scores, alerts, changes, threshold alerts) in a window.
struct BatchesAPI {
    let engine: ServedEngine
    /// Metrics a page of the ranking holds unless `page_size` says otherwise.
    static let metricsPageSize = 500

    func register(on router: Router<EngineRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/batches") { request, _ in try await batches(request) }
        api.get("/batches/{batch}") { _, context in try await batch(context) }
        api.get("/batches/{batch}/metrics") { request, context in try await metrics(request, context) }
        api.get("/batches/{batch}/metrics/{metric}/series") { request, context in try await series(request, context) }
    }

    func batches(_ request: Request) async throws -> Response {
        let (spanText, span) = try RequestInput.span(RequestInput.query(request)["span"], default: "24h")
        let snapshot = await engine.catalog.snapshot
        let cards = try engine.overview.cards(snapshot.batches, now: engine.now, span: span)
        return JSONResponse.ok(
            .object([
                "span": .string(spanText), "batches": .array(cards.map(JSONViews.card)),
                "config_errors": .array(snapshot.errors.map { .string($0.description) }),
            ]))
    }

    func batch(_ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let snapshot = await engine.catalog.snapshot
        let metrics = try engine.stores.store(table: batch.tableKey).metricNames(batch: batch.name, type: .metric)
        return JSONResponse.ok(
            .object([
                "batch": .string(batch.name), "file": .string(batch.file), "disabled": .bool(batch.disabled), "db": .string(batch.db),
                "on_dashboard": .bool(batch.onDashboard),
                "table": .string(batch.tableKey), "metrics": .array(metrics.map(CanonicalJSON.string)),
                ConfigKey<Double>.alertThreshold.name: .number(batch.alertThreshold, decimals: 4),
                ConfigKey<[String]>.alertMethods.name: .array(batch.alertMethods.map(CanonicalJSON.string)),
                "schedules": .array(snapshot.schedule.statuses.filter { $0.batch == batch.name }.map(JSONViews.schedule)),
            ]))
    }

    func metrics(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let query = RequestInput.query(request)
        let window = try TimeWindow(parsing: query["window"] ?? TimeWindow.standard.description)
        let page = try RequestInput.page(query["page"])
        let pageSize = try RequestInput.count("page_size", query["page_size"], default: Self.metricsPageSize, maximum: 5000)
        let standings = try engine.overview.standings(
            batch, window: window, now: engine.now,
            filter: try MetricFilter(query["q"] ?? ""))
        // Ranked whole (the ranking is kept, not the page), sent a page at a time: a batch of
        // 10,000 metrics is 2 MB of JSON at once.
        let start = min((page - 1) * pageSize, standings.count)
        return JSONResponse.ok(
            .object([
                "batch": .string(batch.name), "window": .string(window.description),
                "page": .int(page), "pages": .int(max((standings.count + pageSize - 1) / pageSize, 1)),
                "total": .int(standings.count),
                "metrics": .array(standings[start..<min(start + pageSize, standings.count)].map(JSONViews.standing)),
            ]))
    }

    func series(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let metric = try context.pathValue("metric")
        let store = try engine.stores.store(table: batch.tableKey)
        // One seek for the metric's latest value, not a walk over the batch's names.
        guard try store.extent(MetricQuery(batch: batch.name, names: [metric], types: [.metric], latest: 1)).count > 0 else {
            throw RequestError.notFound("batch '\(batch.name)' has no metric '\(metric)'")
        }
        let window = try TimeWindow(parsing: RequestInput.query(request)["window"] ?? TimeWindow.standard.description)
        let now = engine.now
        let data = try await PlotData.load(store: store, batch: batch, metric: metric, window: window, through: now)
            .withBand(batch: batch, store: store, context: engine.jobContext)
        let state = AlertState(scores: data.scores.map { ($0.time, $0.value) }, alerts: Set(data.alerts), batch: batch)
        let silentSince = try NoDataWatch(batch: batch)?.silentSince(of: metric, batch: batch, store: store, now: now)
        return JSONResponse.ok(
            .object([
                "batch": .string(batch.name), "metric": .string(metric), "window": .string(window.description),
                "threshold": .number(batch.alertThreshold, decimals: 4),
                "values": JSONViews.points(data.values), "scores": JSONViews.points(data.scores),
                "band": JSONViews.band(data.band),
                "band_unavailable": ExpectedBand.unavailable(for: batch).map(CanonicalJSON.string) ?? .null,
                "alerts": .array(data.alerts.map(JSONResponse.time)),
                "changes": .array(data.changes.map(JSONResponse.time)),
                "tholdalerts": .array(data.thresholdAlerts.map(JSONResponse.time)),
                "state": JSONViews.state(state),
                "silent_since": silentSince.map(JSONResponse.time) ?? .null,
            ]))
    }
}
