import Engine
import Foundation
import Hummingbird

/// `/batches/{batch}`: the batch's metrics matching a search, over a window, highest anomaly
/// rate first, a chart each, paged, and its maintenance windows; and its form posts: run a job
/// now, mute and unmute, plan and remove a maintenance window.
struct BatchController {
    let engine: ServedEngine
    let pageSize: Int

    func register(on router: Router<EngineRequestContext>) {
        router.get("/batches/{batch}") { request, context in try await page(request, context) }
        router.post("/batches/{batch}/run") { request, context in try await runNow(request, context) }
        router.post("/batches/{batch}/mute") { request, context in try await mute(request, context) }
        router.post("/batches/{batch}/unmute") { request, context in try await unmute(request, context) }
        router.post("/batches/{batch}/maintenance") { request, context in try await planMaintenance(request, context) }
        router.post("/batches/{batch}/maintenance/{id}/remove") { request, context in try await removeMaintenance(request, context) }
    }

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let query = RequestInput.query(request)
        // A link from a notification names one metric: show it alone.
        let q = query["q"] ?? query["metric"].map { "^" + NSRegularExpression.escapedPattern(for: $0) + "$" } ?? ""
        let windowText = query["window"] ?? TimeWindow.standard.description
        let window: TimeWindow
        let filter: MetricFilter
        let layout: BatchLayout
        let order: MetricOrder
        do {
            window = try TimeWindow(parsing: windowText)
            filter = try MetricFilter(q)
            layout = try BatchLayout(parsing: query["view"])
            order = try MetricOrder(parsing: query["sort"])
        } catch {
            // The page again with what was typed and what is wrong with it, not a bare error page.
            let html = PageRenderer.shared.render(
                "batch", title: batch.name,
                context: [
                    "batch": batch.name, "path": Presentation.segment(batch.name), "q": q, "window": windowText,
                    "jobs": JobKind.allCases.map(\.rawValue), "input_error": String(describing: error),
                ], loggedIn: context.principal != nil)
            return PageRenderer.response(html, status: .badRequest)
        }
        let page = try RequestInput.page(query["page"])
        let now = engine.now
        let store = try engine.stores.store(table: batch.tableKey)
        let overview = engine.overview
        // As Anomstack's dashboard does, metrics that stopped reporting are left out, but the page
        // says how many and offers them (`stale=show`), so nothing disappears without a trace.
        let matching = try overview.standings(batch, window: window, now: now, filter: filter)
        let stale = try overview.staleMetrics(batch, among: matching, window: window, now: now)
        let showStale = query["stale"] == "show"
        let standings = order.sorted(showStale ? matching : matching.filter { !stale.contains($0.metric) })
        let perPage = layout.metricsPerPage(pageSize)
        let pages = max(1, (standings.count + perPage - 1) / perPage)
        let shown = standings.dropFirst((page - 1) * perPage).prefix(perPage)
        var panels: [[String: Any]] = []
        let generation = try store.batchGeneration(batch: batch.name)
        for standing in shown {
            try Task.checkCancellation()
            var row: [String: Any] = [
                "metric": standing.metric, "anchor": "metric-" + Presentation.segment(standing.metric),
                "metric_query": Presentation.exactSearch(standing.metric),
                "points": standing.points, "mean_score": Presentation.number(standing.meanScore),
                "alerts": standing.alerts, "rate": Presentation.percent(standing.anomalyRate),
                "latest": Presentation.ago(standing.latestPoint, now: now), "stale": stale.contains(standing.metric),
            ]
            if layout == .table {
                let values = try engine.charts.value(
                    OverviewMemo.Key(table: batch.tableKey, batch: batch.name, question: "values \(window) \(standing.metric)"),
                    generation: generation, now: now
                ) { try store.rows(window.query(batch: batch.name, metric: standing.metric, types: [.metric], now: now)).map(\.value) }
                row["sparkline"] = ChartMarkup.sparkline(values)
                row["latest_value"] = Presentation.number(values.last)
            } else {
                let panel = try await engine.charts.value(
                    OverviewMemo.Key(table: batch.tableKey, batch: batch.name, question: "panel \(window) \(standing.metric)"),
                    generation: generation, now: now
                ) { try await self.panel(standing.metric, batch: batch, store: store, window: window, now: now) }
                row["chart"] = panel.chart
                row["state"] = panel.state
                row["state_detail"] = panel.stateDetail
                row["silent"] = panel.silent
            }
            panels.append(row)
        }
        let path = Presentation.segment(batch.name)
        func link(
            _ p: Int, showingStale: Bool = showStale, window: String = windowText, layout: BatchLayout = layout, order: MetricOrder = order
        ) -> String {
            "/batches/\(path)?q=\(Presentation.segment(q))&window=\(Presentation.segment(window))&page=\(p)"
                + (showingStale ? "&stale=show" : "") + (layout == .charts ? "" : "&view=\(layout.rawValue)")
                + (order == .rate ? "" : "&sort=\(order.rawValue)")
        }
        // Zoom: the same page over half or twice the window.
        let zoomIn = window.zoomed(by: 0.5), zoomOut = window.zoomed(by: 2)
        return PageResponder.page(
            "batch", title: batch.name,
            context: [
                "batch": batch.name, "path": path, "q": q, "window": windowText, "panels": panels, "total": standings.count,
                "page": page, "pages": pages, "previous": page > 1 ? link(page - 1) : "", "next": page < pages ? link(page + 1) : "",
                "jobs": JobKind.allCases.map(\.rawValue),
                "stale_hidden": matching.count - standings.count, "stale_days": batch.dashboardStaleDays,
                "stale_link": link(1, showingStale: true), "maintenance": try maintenanceRows(batch, now: now),
                "zoom_in": zoomIn.map { link(page, window: $0.description) } ?? "", "zoom_in_window": zoomIn?.description ?? "",
                "zoom_out": zoomOut.map { link(page, window: $0.description) } ?? "", "zoom_out_window": zoomOut?.description ?? "",
                "view": layout.rawValue, "sort": order.rawValue, "snooze_choices": AnomaliesController.snoozeChoices,
                "batch_mute": try engine.mutes.mutes(batch: batch.name).first { $0.metric == nil && $0.until > now }.map(Presentation.heldUntil) ?? "",
                "views": BatchLayout.allCases.map { ["name": $0.rawValue, "link": link(1, layout: $0), "current": $0 == layout] },
                "sort_links": Dictionary(uniqueKeysWithValues: MetricOrder.allCases.map { ($0.rawValue, link(1, order: $0)) }),
            ], request: context)
    }

    /// What a metric's panel draws from its rows: kept while the batch's data is unchanged.
    struct Panel: Sendable {
        var chart: SafeHTML
        var state: String
        var stateDetail: String
        var silent: String
    }

    func panel(_ metric: String, batch: BatchConfig, store: any MetricStore, window: TimeWindow, now: Date) async throws -> Panel {
        let data = try await PlotData.load(store: store, batch: batch, metric: metric, window: window, through: now)
            .withBand(batch: batch, store: store, context: engine.jobContext)
        let state = AlertState(scores: data.scores.map { ($0.time, $0.value) }, alerts: Set(data.alerts), batch: batch)
        let silent = try NoDataWatch(batch: batch).flatMap { try Self.silence($0, metric: metric, batch: batch, store: store, now: now) }
        return Panel(chart: ChartMarkup.chart(data), state: state == .ok ? "" : state.name, stateDetail: Self.detail(state), silent: silent ?? "")
    }

    func runNow(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        let job = try RequestInput.job(form["job"] ?? "")
        guard await engine.startRun(job, batch: batch.name) else {
            throw RequestError.conflict("\(job.rawValue) of \(batch.name) is already running")
        }
        return PageResponder.seeOther("/runs?batch=\(Presentation.segment(batch.name))")
    }

    func mute(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        let metric = form["metric"].flatMap { $0.isEmpty ? nil : $0 }
        // `for` names the length (or `forever`, the Mute button); the Snooze button sends the chosen `duration`.
        let until = try RequestInput.muteEnd(form["for"] ?? form["duration"] ?? "24h", now: engine.now)
        try engine.mutes.setMute(
            Mute(
                batch: batch.name, metric: metric, until: until,
                reason: "dashboard (\(context.principal ?? "unknown"))"))
        return PageResponder.seeOther(form["return"] ?? "/anomalies")
    }

    func unmute(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        try engine.mutes.clearMute(batch: batch.name, metric: form["metric"].flatMap { $0.isEmpty ? nil : $0 })
        return PageResponder.seeOther(form["return"] ?? "/anomalies")
    }

    /// The batch's maintenance windows for its page: those of its YAML, then those set at run time.
    func maintenanceRows(_ batch: BatchConfig, now: Date) throws -> [[String: Any]] {
        func row(_ window: MaintenanceWindow, id: String, source: String, reason: String?) -> [String: Any] {
            let state = window.isOver(at: now) ? "over" : window.openUntil(at: now) != nil ? "open now" : "planned"
            return ["id": id, "summary": window.summary, "source": source, "reason": reason ?? "", "state": state]
        }
        let configured = batch.configuredMaintenanceWindows.map { row($0, id: "", source: "YAML", reason: nil) }
        let stored = try engine.mutes.maintenanceWindows(batch: batch.name).map { row($0.window, id: $0.id, source: "set here", reason: $0.reason) }
        return configured + stored
    }

    func planMaintenance(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        let reason = form["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) } ?? "dashboard (\(context.principal ?? "unknown"))"
        do {
            try engine.mutes.addMaintenanceWindow(
                try StoredMaintenanceWindow.parse(Self.maintenanceKeys(form, now: engine.now), batch: batch.name, reason: reason, now: engine.now))
        } catch let error as ConfigError {
            throw RequestError.invalid("maintenance window: \(error.message)")
        }
        return PageResponder.seeOther("/batches/\(Presentation.segment(batch.name))#maintenance")
    }

    func removeMaintenance(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        try engine.mutes.removeMaintenanceWindow(batch: batch.name, id: try context.pathValue("id"))
        return PageResponder.seeOther("/batches/\(Presentation.segment(batch.name))#maintenance")
    }

    /// The form's fields as the keys `maintenance_windows` takes: a cron and a duration, or a
    /// start (now when empty) and an end or `forever`; metrics and tag=value pairs comma-separated.
    static func maintenanceKeys(_ form: [String: String], now: Date) -> ConfigValue {
        func field(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var keys: [String: ConfigValue] = [:]
        if let cron = field("cron") {
            keys["cron"] = .string(cron)
            keys["duration"] = field("duration").map(ConfigValue.string)
        } else {
            keys["start"] = .string(field("start") ?? MetricTimestamp.format(now))
            keys["end"] = field("end").map(ConfigValue.string)
            if form["forever"] == "on" { keys["forever"] = .bool(true) }
        }
        if let metrics = field("metrics") {
            keys["metrics"] = .list(metrics.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
        }
        if let match = field("match") {
            var tags: [String: ConfigValue] = [:]
            for pair in match.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                tags[parts[0]] = parts.count == 2 ? .string(parts[1]) : .null
            }
            keys["match"] = .map(tags)
        }
        return .map(keys)
    }

    /// What a silent badge says on hover, for a metric the alert job announces as silent
    /// (`no_data_after`), or nil while it reports.
    static func silence(_ watch: NoDataWatch, metric: String, batch: BatchConfig, store: any MetricStore, now: Date) throws -> String? {
        try watch.silentSince(of: metric, batch: batch, store: store, now: now).map {
            "no point since \(MetricTimestamp.format($0)) UTC (no_data_after: \(watch.limit))"
        }
    }

    /// What a pending or firing badge says on hover.
    static func detail(_ state: AlertState) -> String {
        switch state {
        case .ok:
            return ""
        case .pending(let since, let reached, let required) where reached < required:
            return "at or above the threshold since \(MetricTimestamp.format(since)) UTC, not alerted yet: \(reached) of the \(required) points alert_for_n needs"
        case .pending(let since, _, _):
            return "at or above the threshold since \(MetricTimestamp.format(since)) UTC, not alerted yet: the alert job has not judged it, or the metric is snoozed"
        case .firing(let since):
            return "alerted at \(MetricTimestamp.format(since)) UTC and still at or above the threshold"
        }
    }
}
