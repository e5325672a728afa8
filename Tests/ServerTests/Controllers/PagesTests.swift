import Engine
import Fixtures
import Foundation
import Server
import Testing

/// The dashboard's pages and form posts, over real HTTP.
@Suite(.serialized) struct PagesTests {
    func login(_ server: ServerHarness, name: String = "ana") async throws -> String {
        let reply = try await server.request(
            "POST", "/login", body: "token=\(ServerHarness.token)&name=\(name)&next=%2Fanomalies",
            contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 303)
        #expect(reply.headers["location"] == "/anomalies")
        let cookie = try #require(reply.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        #expect(!cookie.contains(ServerHarness.token))
        return String(cookie.split(separator: ";")[0])
    }

    func form(_ server: ServerHarness, _ path: String, _ body: String, cookie: String?) async throws -> ServerHarness.Reply {
        // A browser posting the dashboard's own form names the dashboard as its Origin.
        try await server.request(
            "POST", path, body: body, contentType: "application/x-www-form-urlencoded", cookie: cookie,
            headers: ["Origin": "http://127.0.0.1:\(server.port)"])
    }

    @Test func homeListsBatchesWithAlertsFirst() async throws {
        try await withServer { server in
            let home = try await server.get("/")
            #expect(home.status == 200)
            #expect(home.headers["content-type"] == "text/html; charset=utf-8")
            let shop = try #require(home.body.range(of: "data-batch=\"shop\""))
            let empty = try #require(home.body.range(of: "data-batch=\"empty\""))
            #expect(shop.lowerBound < empty.lowerBound)
            #expect(home.body.contains("30 minutes ago") || home.body.contains("just now"))
        }
    }

    /// A quiet batch that is silenced says so on its card: the whole batch muted, how many of its
    /// metrics are, and a maintenance window open now (one that has not opened yet says nothing).
    @Test func aSilencedBatchSaysSoOnItsCard() async throws {
        try await withServer { server in
            // The home page is kept while the server's data holds (rows written straight to the
            // store, as another process writes them, show within 2 s of engine time): the page
            // after the writes is asked for under another address.
            func card(_ batch: String, page: String = "/?span=24h") async throws -> String {
                let body = try await server.get(page).body
                let start = try #require(body.range(of: "data-batch=\"\(batch)\""))
                return String(body[start.upperBound...]).components(separatedBy: "</a>")[0]
            }
            #expect(try await !card("shop", page: "/").contains("🔕"), "nothing silences it yet")
            try server.database.setMute(Mute(batch: "shop", metric: nil, until: referenceTime.addingTimeInterval(3600), reason: "deploy"))
            try server.database.setMute(Mute(batch: "shop", metric: "orders", until: .distantFuture))
            try server.database.setMute(Mute(batch: "shop", metric: "visits", until: referenceTime.addingTimeInterval(-60)))
            try server.database.addMaintenanceWindow(
                StoredMaintenanceWindow(
                    batch: "shop", window: MaintenanceWindow(when: .span(start: referenceTime.addingTimeInterval(-600), end: referenceTime.addingTimeInterval(7200))),
                    reason: nil, createdAt: referenceTime))
            try server.database.addMaintenanceWindow(
                StoredMaintenanceWindow(
                    batch: "shop", window: MaintenanceWindow(when: .span(start: referenceTime.addingTimeInterval(86_400), end: nil)),
                    reason: nil, createdAt: referenceTime))
            let shop = try await card("shop")
            #expect(shop.contains("🔕 Silenced until 2026-01-15 13:00:00 UTC: deploy"), "\(shop)")
            #expect(shop.contains("🔕 1 metric muted"), "the expired mute of visits does not count: \(shop)")
            #expect(shop.components(separatedBy: "🔕 In maintenance window").count == 2, "only the open window: \(shop)")
            #expect(shop.contains("until 2026-01-15 14:00:00 UTC"), "\(shop)")
            #expect(try await !card("empty").contains("🔕"), "another batch's silences stay on its own card")
        }
    }

    /// `disable_dashboard` (Anomstack's): the batch leaves the home page and the anomalies feed,
    /// while the API still lists it, saying so.
    @Test func aBatchHiddenFromTheDashboardIsNotListed() async throws {
        let server = try await ServerHarness(files: [
            "shop/shop.yaml": ServerHarness.shopYAML + "\ndisable_dashboard: true\n",
            "empty/empty.yaml": "metric_batch: empty\ningest_sql: select 1\n",
        ])
        do {
            let home = try await server.get("/")
            #expect(!home.body.contains("data-batch=\"shop\"") && home.body.contains("data-batch=\"empty\""))
            #expect(!(try await server.get("/anomalies")).body.contains("orders"))
            #expect(try await server.get("/api/v1/batches/shop").json["on_dashboard"] as? Bool == false)
            #expect(try await server.get("/api/v1/batches/empty").json["on_dashboard"] as? Bool == true)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Anomstack's `dashboard_stale_metric_max_days_ago` (7): a metric whose latest point is older
    /// leaves the batch page, which says so and shows it on request, marked stale and silent.
    @Test func aStaleMetricIsLeftOutOfTheBatchPageAndOfferedBack() async throws {
        try await withServer { server in
            let old = referenceTime.addingTimeInterval(-10 * 86_400)
            try server.database.store(table: "metrics").insert([
                MetricRow(timestamp: old, batch: "shop", name: "legacy", type: .metric, value: 1)
            ])
            let page = try await server.get("/batches/shop?q=legacy&window=30d")
            #expect(page.status == 200)
            #expect(!page.body.contains("data-metric=\"legacy\""))
            #expect(page.body.contains("0 metrics match"))
            #expect(page.body.contains("1 stale metrics (no point in the last 7 days"))
            let shown = try await server.get("/batches/shop?q=legacy&window=30d&stale=show")
            #expect(shown.body.contains("data-metric=\"legacy\""))
            #expect(shown.body.contains("<span class=\"stale\">stale</span>"))
            // Stale is also silent, by the default `no_data_after: stale`: the alert job announces it.
            #expect(shown.body.contains("title=\"no point since 2026-01-05 12:00:00 UTC (no_data_after: 7d)\">silent</span>"))
            let fresh = try await server.get("/batches/shop?q=orders")
            #expect(fresh.body.contains("data-metric=\"orders\"") && !fresh.body.contains("stale-note"))
            #expect(!fresh.body.contains("state-silent"))
        }
    }

    @Test func theBatchPageSearchesPagesAndDrawsCharts() async throws {
        try await withServer { server in
            let page = try await server.get("/batches/shop")
            #expect(page.status == 200)
            #expect(page.body.contains("data-metric=\"orders\""))  // the higher anomaly rate comes first, one per page
            #expect(!page.body.contains("data-metric=\"visits\""))
            #expect(page.body.contains("<svg"))
            // Each chart is an image named in words, with a title browsers show on hover.
            #expect(page.body.contains("<svg role=\"img\" aria-label=\"orders (shop): "))
            #expect(page.body.contains("<title>orders (shop): ") && page.body.contains("1 alerts, 0 changes</title>"))
            #expect(page.body.contains("rel=\"next\""))
            let searched = try await server.get("/batches/shop?q=%5EVIS&window=24h")
            #expect(searched.body.contains("data-metric=\"visits\""))
            #expect(!searched.body.contains("data-metric=\"orders\""))
            let linked = try await server.get("/batches/shop?metric=orders")
            #expect(linked.body.contains("1 metrics match"))
            let badRegex = try await server.get("/batches/shop?q=%28")
            #expect(badRegex.status == 400)
            #expect(badRegex.body.contains("bad metric search &#39;(&#39;: not a valid regular expression"))
            #expect(badRegex.body.contains("name=\"q\" value=\"(\""), "the typed search is kept in its field")
            #expect(badRegex.body.contains("role=\"alert\"") && !badRegex.body.contains("class=\"metric\""))
            let badWindow = try await server.get("/batches/shop?window=3w")
            #expect(badWindow.status == 400)
            #expect(badWindow.body.contains("bad time window"))
            #expect(badWindow.body.contains("name=\"window\" value=\"3w\""))
            let unknown = try await server.get("/batches/shopp")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("did you mean &#39;shop&#39;?"))
            #expect(!page.body.contains("class=\"state "), "orders is back under the threshold")
            // A latest score at the threshold that has not alerted yet is pending; one that alerted is firing.
            try server.database.store(table: "metrics").insert([
                MetricRow(timestamp: referenceTime.addingTimeInterval(1800), batch: "shop", name: "visits", type: .score, value: 0.95),
                MetricRow(timestamp: referenceTime.addingTimeInterval(1800), batch: "shop", name: "visits", type: .metric, value: 500),
            ])
            server.clock.advance(by: 1800)
            let visits = try await server.get("/batches/shop?q=visits&window=90n")
            #expect(visits.body.contains(#"<span class="state state-pending" title="at or above the threshold since 2026-01-15 12:30:00 UTC"#), "\(visits.body)")
        }
    }

    /// Each chart comes with its legend and the points its hover readout shows, and the page
    /// offers the same view over half and twice the window.
    @Test func chartsCarryALegendAReadoutAndZoom() async throws {
        try await withServer { server in
            let page = try await server.get("/batches/shop?window=24h&q=orders")
            #expect(page.status == 200)
            #expect(page.body.contains("<ul class=\"legend\"><li><span class=\"swatch swatch-value\" aria-hidden=\"true\"></span>values</li>"))
            #expect(page.body.contains("swatch-alert") && page.body.contains("swatch-tholdalert") && !page.body.contains("swatch-change"))
            let readout = try #require(page.body.components(separatedBy: "class=\"readout\" data-points=\"").dropFirst().first?
                .components(separatedBy: "\"").first)
            let json = readout.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let points = try #require(object["points"] as? [[Any]])
            #expect(points.count == 48)  // 24 hours of half-hourly points, the last at the reference time
            let spike = try #require(points.first { ($0[1] as? String) == "2026-01-15 11:30:00" })
            #expect(spike[2] as? String == "90.000" && spike[3] as? String == "0.970" && spike[4] as? String == "alert, threshold alert")
            let xs = points.compactMap { $0[0] as? Double }
            #expect(xs == xs.sorted() && xs.first == 70 && xs.last == 780)
            #expect(page.body.contains("?q=orders&amp;window=12h&amp;page=1\" title=\"the last 12h\">zoom in</a>"))
            #expect(page.body.contains("?q=orders&amp;window=2d&amp;page=1\" title=\"the last 2d\">zoom out</a>"))
        }
    }

    /// The batch page lays its metrics out as charts, a grid of small charts or a sortable table
    /// with a sparkline a row, and keeps the layout and order across its links.
    @Test func theBatchPageHasAGridAndASortableTable() async throws {
        try await withServer { server in
            let grid = try await server.get("/batches/shop?view=grid")
            #expect(grid.status == 200 && grid.body.contains("<div class=\"metrics grid\">"))
            #expect(grid.body.contains("<strong aria-current=\"page\">grid</strong>"))
            let table = try await server.get("/batches/shop?view=table&sort=name")
            #expect(table.status == 200)
            let rows = table.body.components(separatedBy: "<tr data-metric=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(rows == ["orders", "visits"])
            let ordersRow = try #require(table.body.components(separatedBy: "<tr data-metric=\"orders\">").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(ordersRow.contains("<td>48</td><td>12.000</td>"), "48 points, the latest 12")
            #expect(table.body.components(separatedBy: "<td class=\"spark\"><svg").count == 3)
            // Sorting by alerts puts orders (two alerts) first; every link keeps the table.
            let byAlerts = try await server.get("/batches/shop?view=table&sort=alerts")
            #expect(byAlerts.body.components(separatedBy: "<tr data-metric=\"").dropFirst().first?.hasPrefix("orders") == true)
            #expect(table.body.contains("href=\"/batches/shop?q=&amp;window=90n&amp;page=1&amp;view=table&amp;sort=score\">Mean score</a>"))
            let bad = try await server.get("/batches/shop?view=cards")
            #expect(bad.status == 400 && bad.body.contains("cards") && bad.body.contains("expected charts, grid, table"))
            #expect(try await server.get("/batches/shop?sort=size").status == 400)
        }
    }

    @Test func feedbackFromTheAnomaliesPageIsStored() async throws {
        try await withServer { server in
            let page = try await server.get("/anomalies")
            #expect(page.status == 200)
            #expect(page.body.components(separatedBy: "class=\"alert-row").count == 3)
            #expect(page.body.contains("aria-label=\"recent values\""))
            let body = "batch=shop&metric=orders&timestamp=2026-01-15+11%3A30%3A00&verdict=down&page=1"
            #expect(try await form(server, "/anomalies/feedback", body, cookie: nil).status == 401)
            let cookie = try await login(server)
            let posted = try await form(server, "/anomalies/feedback", body, cookie: cookie)
            #expect(posted.status == 303)
            let store = try server.database.store(table: "metrics")
            #expect(try store.rows(MetricQuery(batch: "shop", types: [.thumbsdown])).map(\.name) == ["orders"])
            let after = try await server.get("/anomalies")
            #expect(after.body.contains("data-feedback=\"down\""))
            #expect(after.body.contains("aria-pressed=\"true\" title=\"a false alarm\""), "the chosen verdict is announced, not only tinted")
            #expect(after.body.contains("<td>0.0%</td>"))  // precision: one 👎
            let notAnAlert = try await form(server, "/anomalies/feedback", body.replacingOccurrences(of: "11%3A30", with: "09%3A00"), cookie: cookie)
            #expect(notAnAlert.status == 404)
            let forged = try await form(server, "/anomalies/feedback", body, cookie: "engine_session=YW5h.0000")
            #expect(forged.status == 401)

            // Filters narrow the list; paging links and the feedback form keep them.
            func rows(_ query: String) async throws -> [String] {
                let page = try await server.get("/anomalies?" + query)
                #expect(page.status == 200, "\(query): \(page.status)")
                return page.body.components(separatedBy: "<tr class=\"alert-row").dropFirst().map { String($0.prefix(200)) }
            }
            #expect(try await rows("kind=tholdalert").count == 1)
            #expect(try await rows("kind=alert&batch=shop").count == 1)
            #expect(try await rows("severity=critical").allSatisfy { $0.hasPrefix(" critical") })
            #expect(try await rows("metric=visits").isEmpty)
            #expect(try await rows("verdict=none").isEmpty, "the 👎 covers both alerts of orders at 11:30")
            #expect(try await rows("verdict=down").count == 2)
            #expect(try await server.get("/anomalies?kind=spike").status == 400)
            #expect(try await server.get("/anomalies?verdict=maybe").status == 400)
            #expect(try await server.get("/anomalies?batch=warehouse").status == 404)
            let filtered = try await server.get("/anomalies?kind=alert&verdict=down")
            #expect(filtered.body.contains("name=\"query\" value=\"kind=alert&amp;verdict=down&amp;span=30d&amp;page=1\""))
            let back = try await form(
                server, "/anomalies/feedback", body.replacingOccurrences(of: "&page=1", with: "&query=kind%3Dalert%26verdict%3Ddown%26page%3D1"),
                cookie: cookie)
            #expect(back.headers["location"] == "/anomalies?kind=alert&verdict=down&span=30d&page=1")
            // The change job's changes are listed as alerts are, and take feedback.
            try store.insert([
                MetricRow(
                    timestamp: referenceTime.addingTimeInterval(-7200), batch: "shop", name: "visits", type: .change, value: 1,
                    metadata: #"{"method":"shift","score":-5.2,"threshold":3.5}"#)
            ])
            let changes = try await rows("kind=change")
            #expect(changes.count == 1 && changes[0].contains("data-metric=\"visits\""))
            let verdict = "batch=shop&metric=visits&timestamp=2026-01-15+10%3A00%3A00&verdict=up&query="
            #expect(try await form(server, "/anomalies/feedback", verdict, cookie: cookie).status == 303)
            #expect(try await rows("kind=change&verdict=up").count == 1)
            let api = try await server.get("/api/v1/alerts?kind=tholdalert&verdict=down").json
            #expect(api["total"] as? Int == 1)
            #expect(try await server.get("/api/v1/alerts?severity=loud").status == 400)
        }
    }

    /// On-call sees on each alert whether anyone was told: every channel's status, with what
    /// went wrong on hover, and a dash where nothing was queued.
    @Test func theAnomaliesPageShowsHowEachAlertWasDelivered() async throws {
        try await withServer { server in
            let timestamp = try #require(MetricTimestamp.parse("2026-01-15 11:30:00"))
            let notification = AlertNotification(
                kind: .alert, batch: "shop", metric: "orders", timestamp: timestamp, value: 1, score: 0.9, smoothedScore: 0.9,
                threshold: 0.8, severity: .critical, methods: ["email", "slack"], tags: [:])
            try server.database.enqueue(["email", "slack"].map { method in
                Delivery(
                    notification: notification, method: method, target: DeliveryTarget(),
                    message: ComposedMessage(title: "t", text: "x", html: "<p>x</p>"), attachment: nil, status: .pending, createdAt: timestamp)
            })
            try server.database.recordAttempt(id: "\(notification.id)/email", at: timestamp, error: nil, status: .delivered, nextAttemptAt: timestamp)
            try server.database.recordAttempt(
                id: "\(notification.id)/slack", at: timestamp, error: "HTTP 404 from hooks.slack.com", status: .failed, nextAttemptAt: timestamp)
            let page = try await server.get("/anomalies?kind=alert&batch=shop")
            #expect(page.status == 200)
            let row = try #require(page.body.components(separatedBy: "<tr class=\"alert-row").dropFirst().first)
            #expect(row.contains("data-metric=\"orders\""))
            #expect(row.contains("<span class=\"delivery delivery-delivered\" title=\"1 attempt\">email: delivered</span>"))
            #expect(row.contains(
                "<span class=\"delivery delivery-failed\" title=\"1 attempt; last error: HTTP 404 from hooks.slack.com\">slack: failed</span>"))
            let threshold = try #require(try await server.get("/anomalies?kind=tholdalert").body
                .components(separatedBy: "<tr class=\"alert-row").dropFirst().first)
            #expect(threshold.contains("title=\"no notification was queued"), "the threshold alert at the same time has no delivery")
            let api = try await server.get("/api/v1/alerts?kind=alert&batch=shop").json
            let deliveries = try #require(((api["alerts"] as? [[String: Any]])?.first)?["deliveries"] as? [[String: Any]])
            #expect(deliveries.map { "\($0["method"] ?? "") \($0["status"] ?? "") \($0["attempts"] ?? "") \($0["error"] ?? "")" } == [
                "email delivered 1 <null>", "slack failed 1 HTTP 404 from hooks.slack.com",
            ])
        }
    }

    /// An alert has a page of its own, linked from the list: a chart centred on it, what is stored
    /// with it, each channel's delivery with its error, and the verdict buttons.
    @Test func anAlertHasAPageOfItsOwn() async throws {
        try await withServer { server in
            let timestamp = try #require(MetricTimestamp.parse("2026-01-15 11:30:00"))
            let notification = AlertNotification(
                kind: .alert, batch: "shop", metric: "orders", timestamp: timestamp, value: 1, score: 0.9, smoothedScore: 0.9,
                threshold: 0.8, severity: .critical, methods: ["slack"], tags: [:])
            try server.database.enqueue([
                Delivery(
                    notification: notification, method: "slack", target: DeliveryTarget(),
                    message: ComposedMessage(title: "t", text: "x", html: "<p>x</p>"), attachment: nil, status: .pending, createdAt: timestamp)
            ])
            try server.database.recordAttempt(
                id: "\(notification.id)/slack", at: timestamp, error: "HTTP 404 from hooks.slack.com", status: .failed, nextAttemptAt: timestamp)
            let list = try await server.get("/anomalies?kind=alert&batch=shop")
            let link = "/alert?batch=shop&amp;metric=orders&amp;at=2026-01-15%2011%3A30%3A00&amp;kind=alert"
            #expect(list.body.contains("<a href=\"\(link)\""))
            let page = try await server.get(link.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(page.status == 200)
            #expect(page.body.contains("<h1>orders <span class=\"muted\">at 2026-01-15 11:30:00 UTC</span></h1>"))
            #expect(page.body.contains("<dt>Severity</dt><dd>critical</dd>") && page.body.contains("<dt>Score</dt><dd>0.970</dd>"))
            #expect(page.body.contains("<dt>smoothed_score</dt><dd>0.9700</dd>"))
            #expect(page.body.contains("<svg") && page.body.contains("role=\"img\""))
            #expect(page.body.contains("<td>slack</td><td><span class=\"delivery delivery-failed\">failed</span></td><td>1</td><td>HTTP 404 from hooks.slack.com</td>"))
            #expect(page.body.contains("aria-pressed=\"false\" title=\"a real problem\""))
            // The threshold alert at the same time: its own values, and no notification queued.
            let threshold = try await server.get("/alert?batch=shop&metric=orders&at=2026-01-15T11:30:00Z&kind=tholdalert")
            #expect(threshold.status == 200 && threshold.body.contains("<dt>limit</dt><dd>50.0000</dd>"))
            #expect(threshold.body.contains("No notification was queued"))
            #expect(try await server.get("/alert?batch=shop&metric=orders&at=2026-01-15T10:00:00Z").status == 404)
            #expect(try await server.get("/alert?batch=shop&metric=orders&at=2026-01-15T11:30:00Z&kind=metric").status == 400)
            #expect(try await server.get("/alert?batch=shop&metric=orders&at=yesterday").status == 400)
            #expect(try await server.get("/alert?batch=nope&metric=orders&at=2026-01-15T11:30:00Z").status == 404)
        }
    }

    @Test func settingsAreValidatedStoredAndListedWithWhoAndWhen() async throws {
        try await withServer { server in
            let cookie = try await login(server, name: "bo")
            let saved = try await form(server, "/settings/shop", "alert_threshold=0.9&alert_snooze_n=", cookie: cookie)
            #expect(saved.status == 303)
            #expect(await server.application.engine.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.9)
            let page = try await server.get("/settings/shop")
            #expect(page.body.contains("<td>bo</td>"))
            for key in ["alert_for_n", "alert_for_m", "change_smooth_n"] { #expect(page.body.contains("name=\"\(key)\""), "\(key)") }
            #expect(page.body.contains("2026-01-15 12:00:00"))
            // One bad field refuses the whole form: nothing is stored, and the page comes back with
            // what was typed, the problem beside its field.
            let rejected = try await form(server, "/settings/shop", "alert_threshold=0.95&alert_snooze_n=-1&alert_for_n=", cookie: cookie)
            #expect(rejected.status == 400)
            #expect(rejected.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(rejected.body.contains("Nothing was saved"))
            #expect(rejected.body.contains("id=\"setting-alert_threshold\" name=\"alert_threshold\" value=\"0.95\""))
            #expect(rejected.body.contains("name=\"alert_snooze_n\" value=\"-1\" placeholder=\"3\" aria-invalid=\"true\""))
            #expect(rejected.body.contains("<span class=\"field-error\" id=\"setting-alert_snooze_n-error\">"))
            #expect(!rejected.body.contains("id=\"setting-alert_threshold-error\""), "the good field is not marked")
            #expect(rejected.body.contains("<label for=\"setting-alert_for_n\">"))
            #expect(try server.database.settingOverrides().map { "\($0.key)=\($0.value ?? "")" } == ["alert_threshold=0.9"])
            #expect(await server.application.engine.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.9)

            let stopped = try await form(server, "/settings/shop/schedules", "job=ingest&running=false", cookie: cookie)
            #expect(stopped.status == 303)
            #expect(try server.database.scheduleOverrides().map { "\($0.job.rawValue) \($0.running) \($0.changedBy)" } == ["ingest false bo"])
            #expect(await server.application.engine.catalog.snapshot.schedule.entries.isEmpty)
            let reset = try await form(server, "/settings/shop/reset", "key=alert_threshold", cookie: cookie)
            #expect(reset.status == 303)
            #expect(await server.application.engine.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.8)
        }
    }

    @Test func runNowMuteAndLogin() async throws {
        try await withServer { server in
            let cookie = try await login(server)
            let run = try await form(server, "/batches/shop/run", "job=change", cookie: cookie)
            #expect(run.status == 303)
            #expect(run.headers["location"] == "/runs?batch=shop")
            try await waitFor { (try? server.database.store(table: "metrics").jobRuns(batch: "shop").count) == 1 }
            let runs = try await server.get("/runs?batch=shop")
            #expect(runs.body.contains("<td>change</td>"))
            let badJob = try await form(server, "/batches/shop/run", "job=dance", cookie: cookie)
            #expect(badJob.status == 400)

            let muted = try await form(server, "/batches/shop/mute", "metric=orders&for=24h&return=%2Fanomalies", cookie: cookie)
            #expect(muted.status == 303)
            #expect(
                try server.database.mutes(batch: "shop").map { "\($0.metric ?? "") \(MetricTimestamp.format($0.until))" }
                    == ["orders 2026-01-16 12:00:00"])
            let anomalies = try await server.get("/anomalies").body
            #expect(anomalies.contains("Unmute"))
            // The rows the mute silences say so instead of offering to snooze again.
            #expect(anomalies.contains("<span class=\"muted-note\" title=\"this metric: dashboard (ana)\">muted until 2026-01-16 12:00:00 UTC</span>"))
            #expect(try await form(server, "/batches/shop/unmute", "metric=orders", cookie: cookie).status == 303)
            #expect(try server.database.mutes(batch: "shop").isEmpty)
            // Snooze for a chosen length; the Mute button's forever wins over the chosen length.
            #expect(try await form(server, "/batches/shop/mute", "metric=orders&duration=4h", cookie: cookie).status == 303)
            #expect(try server.database.mutes(batch: "shop").map { MetricTimestamp.format($0.until) } == ["2026-01-15 16:00:00"])
            #expect(try await form(server, "/batches/shop/mute", "metric=orders&duration=4h&for=forever", cookie: cookie).status == 303)
            #expect(try server.database.mutes(batch: "shop").map(\.until) == [.distantFuture])
            #expect(try await form(server, "/batches/shop/unmute", "metric=orders", cookie: cookie).status == 303)
            // The whole batch, from its page: every row of the batch is marked, and the page offers Unmute.
            let batchWide = try await form(server, "/batches/shop/mute", "for=1h&return=%2Fbatches%2Fshop", cookie: cookie)
            #expect(batchWide.status == 303 && batchWide.headers["location"] == "/batches/shop")
            #expect(try await server.get("/batches/shop").body.contains("Notifications of this batch are held until 2026-01-15 13:00:00 UTC."))
            #expect(try await server.get("/anomalies").body.components(separatedBy: "title=\"the whole batch: dashboard (ana)\">muted until").count == 3)
            #expect(try await form(server, "/batches/shop/unmute", "return=%2Fbatches%2Fshop", cookie: cookie).status == 303)
            #expect(try server.database.mutes(batch: "shop").isEmpty)

            let planned = try await form(
                server, "/batches/shop/maintenance", "start=2026-01-16+22%3A00&end=2026-01-17+01%3A00&metrics=orders%2C+visits&reason=deploy",
                cookie: cookie)
            #expect(planned.status == 303 && planned.headers["location"] == "/batches/shop#maintenance")
            let window = try #require(try server.database.maintenanceWindows(batch: "shop").first)
            #expect(window.window.summary == "2026-01-16 22:00:00 to 2026-01-17 01:00:00 UTC, metrics orders, visits")
            let page = try await server.get("/batches/shop").body
            #expect(page.contains("data-window=\"\(window.id)\"") && page.contains("planned") && page.contains(">deploy<"))
            let badCron = try await form(server, "/batches/shop/maintenance", "cron=0+2+*+*&duration=2h", cookie: cookie)
            #expect(badCron.status == 400)
            #expect(try await form(server, "/batches/shop/maintenance/\(window.id)/remove", "remove=1", cookie: cookie).status == 303)
            #expect(try server.database.maintenanceWindows(batch: "shop").isEmpty)

            let wrong = try await form(server, "/login", "token=nope&next=%2F", cookie: nil)
            #expect(wrong.headers["location"] == "/login?failed=1&next=%2F")
            let open = try await form(server, "/login", "token=\(ServerHarness.token)&next=https%3A%2F%2Fevil.example", cookie: nil)
            #expect(open.headers["location"] == "/")  // no open redirect
        }
    }
}

/// Polls (in real time, briefly) until `condition` holds.
func waitFor(_ condition: @Sendable () async -> Bool) async throws {
    for _ in 0..<2_000 {
        if await condition() { return }
        try await Task.sleep(nanoseconds: 2_000_000)
    }
    Issue.record("the condition did not hold within 4 s")
}
