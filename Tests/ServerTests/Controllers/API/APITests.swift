import Engine
import Fixtures
import Foundation
import Server
import Testing

/// The JSON API under /api/v1, over real HTTP: reads, writes, auth and bad input.
@Suite(.serialized) struct APITests {
    @Test func readsBatchesMetricsSeriesAndAlerts() async throws {
        try await withServer { server in
            let batches = try await server.get("/api/v1/batches")
            #expect(batches.status == 200)
            #expect(batches.body.hasPrefix("{\"batches\":[{\"alerts\":2,\"batch\":\"shop\""))
            let shop = try await server.get("/api/v1/batches/shop").json
            #expect(shop["metrics"] as? [String] == ["orders", "visits"])
            #expect((shop["schedules"] as? [[String: Any]])?.first?["job"] as? String == "ingest")
            let metrics = try await server.get("/api/v1/batches/shop/metrics?window=24h&q=ord").json
            #expect((metrics["metrics"] as? [[String: Any]])?.map { $0["metric"] as? String } == ["orders"])
            // The ranking is sent a page at a time: each page its share, in ranking order.
            let all = try await server.get("/api/v1/batches/shop/metrics?window=24h").json
            let ranked = try #require((all["metrics"] as? [[String: Any]])?.compactMap { $0["metric"] as? String })
            #expect(ranked.count == 2 && all["total"] as? Int == 2 && all["pages"] as? Int == 1)
            var paged: [String] = []
            for page in 1...3 {
                let reply = try await server.get("/api/v1/batches/shop/metrics?window=24h&page_size=1&page=\(page)").json
                #expect(reply["total"] as? Int == 2 && reply["pages"] as? Int == 2 && reply["page"] as? Int == page)
                paged += (reply["metrics"] as? [[String: Any]])?.compactMap { $0["metric"] as? String } ?? []
            }
            #expect(paged == ranked, "two pages of one, then an empty third")
            for bad in ["page_size=0", "page_size=5001", "page_size=ten", "page=0"] {
                let reply = try await server.get("/api/v1/batches/shop/metrics?\(bad)")
                #expect(reply.status == 400 && (reply.json["error"] as? String)?.contains("bad page") == true, "\(bad): \(reply.body)")
            }
            let series = try await server.get("/api/v1/batches/shop/metrics/orders/series?window=2h").json
            #expect((series["values"] as? [[String: Any]])?.count == 5)
            #expect(series["alerts"] as? [String] == ["2026-01-15T11:30:00Z"])
            #expect(series["tholdalerts"] as? [String] == ["2026-01-15T11:30:00Z"])
            #expect((series["state"] as? [String: Any])?["state"] as? String == "ok", "the latest score is back under the threshold")
            #expect((series["band"] as? [Any])?.isEmpty == true, "no model is trained yet, so nothing is expected")
            #expect(series["band_unavailable"] is NSNull, "the defaults (NOVELTY on the raw values) draw a band")
            #expect(series["silent_since"] is NSNull, "orders reports")
            try server.database.store(table: "metrics").insert([
                MetricRow(timestamp: referenceTime.addingTimeInterval(-9 * 86_400), batch: "shop", name: "legacy", type: .metric, value: 1)
            ])
            let legacy = try await server.get("/api/v1/batches/shop/metrics/legacy/series").json
            #expect(legacy["silent_since"] as? String == "2026-01-06T12:00:00Z", "silent for longer than the default, stale (7 days)")
            let alerts = try await server.get("/api/v1/alerts?batch=shop&page_size=1").json
            #expect(alerts["total"] as? Int == 2)
            #expect(alerts["pages"] as? Int == 2)
            #expect(try await server.get("/api/v1/batches/shop/metrics/nope/series").status == 404)
            #expect(try await server.get("/api/v1/alerts?span=90n").status == 400)
            #expect(try await server.get("/api/v1/alerts?page_size=0").status == 400)
            #expect(try await server.get("/api/v1/runs?limit=5000").status == 400)
            let unknown = try await server.get("/api/v1/batches/warehouse")
            #expect(unknown.status == 404)
            #expect(unknown.json["error"] as? String == "no batch named 'warehouse'")
        }
    }

    @Test func everyWriteNeedsTheToken() async throws {
        try await withServer { server in
            let writes: [(String, String)] = [
                ("POST", "/api/v1/feedback"), ("PUT", "/api/v1/batches/shop/settings"), ("PUT", "/api/v1/batches/shop/schedules/ingest"),
                ("POST", "/api/v1/batches/shop/runs"), ("POST", "/api/v1/batches/shop/mutes"), ("DELETE", "/api/v1/batches/shop/mutes"),
                ("POST", "/anomalies/feedback"), ("POST", "/settings/shop"), ("POST", "/settings/shop/reset"),
                ("POST", "/settings/shop/schedules"), ("POST", "/batches/shop/run"), ("POST", "/batches/shop/mute"),
                ("POST", "/batches/shop/unmute"), ("POST", "/api/v1/batches/shop/maintenance-windows"),
                ("DELETE", "/api/v1/batches/shop/maintenance-windows/abc"), ("POST", "/batches/shop/maintenance"),
                ("POST", "/batches/shop/maintenance/abc/remove"),
            ]
            for (method, path) in writes {
                let reply = try await server.request(method, path, body: "{}")
                #expect(reply.status == 401, "\(method) \(path)")
                let wrong = try await server.request(method, path, body: "{}", headers: ["Authorization": "Bearer wrong"])
                #expect(wrong.status == 401, "\(method) \(path) with a wrong token")
            }
            #expect(try server.database.settingOverrides().isEmpty)
        }
    }

    @Test func feedbackSettingsSchedulesRunsAndMutes() async throws {
        try await withServer { server in
            let feedback = try await server.request(
                "POST", "/api/v1/feedback",
                body: """
                    {"batch":"shop","metric":"orders","timestamp":"2026-01-15T11:30:00Z","verdict":"up"}
                    """, auth: true)
            #expect(feedback.status == 200)
            #expect(try server.database.store(table: "metrics").rows(MetricQuery(batch: "shop", types: [.thumbsup])).count == 1)
            let missing = try await server.request(
                "POST", "/api/v1/feedback",
                body: """
                    {"batch":"shop","metric":"visits","timestamp":"2026-01-15T11:30:00Z","verdict":"up"}
                    """, auth: true)
            #expect(missing.status == 404)
            #expect(try await server.request("POST", "/api/v1/feedback", body: "not json", auth: true).status == 400)
            #expect(
                try await server.request("POST", "/api/v1/feedback", body: "{\"batch\":\"shop\",\"verdict\":\"up\"}", auth: true).json["error"]
                    as? String
                    == "missing 'metric'")
            let huge = "{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}"
            let tooLarge = try await server.request("POST", "/api/v1/feedback", body: huge, auth: true)
            #expect(tooLarge.status == 413)

            let setting = try await server.request(
                "PUT", "/api/v1/batches/shop/settings", body: "{\"key\":\"alert_threshold\",\"value\":0.85}",
                auth: true, headers: ["X-Engine-User": "ci-bot"])
            #expect(setting.status == 200)
            #expect((setting.json["overrides"] as? [[String: Any]])?.first?["changed_by"] as? String == "ci-bot")
            #expect(await server.application.engine.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.85)
            let badSetting = try await server.request(
                "PUT", "/api/v1/batches/shop/settings", body: "{\"key\":\"alert_threshold\",\"value\":\"high\"}", auth: true)
            #expect(badSetting.status == 400)
            #expect((badSetting.json["error"] as? String)?.contains("expected a number") == true)
            let unknownKey = try await server.request(
                "PUT", "/api/v1/batches/shop/settings", body: "{\"key\":\"alert_treshold\",\"value\":1}", auth: true)
            #expect(unknownKey.status == 400)

            let started = try await server.request("PUT", "/api/v1/batches/empty/schedules/train", body: "{\"running\":true}", auth: true)
            #expect(started.json["running"] as? Bool == true)
            #expect(try await server.request("PUT", "/api/v1/batches/empty/schedules/dance", body: "{\"running\":true}", auth: true).status == 400)

            let run = try await server.request("POST", "/api/v1/batches/shop/runs?wait=true", body: "{\"job\":\"change\"}", auth: true)
            #expect(run.status == 200)
            #expect((run.json["runs"] as? [[String: Any]])?.first?["status"] as? String == "success")
            let background = try await server.request("POST", "/api/v1/batches/shop/runs", body: "{\"job\":\"plot\"}", auth: true)
            #expect(background.status == 202)
            try await waitFor { (try? await server.get("/api/v1/runs?batch=shop").json["runs"] as? [Any])?.count == 2 }

            let mute = try await server.request("POST", "/api/v1/batches/shop/mutes", body: "{\"metric\":\"orders\",\"for\":\"2h\"}", auth: true)
            #expect(mute.json["until"] as? String == "2026-01-15T14:00:00Z")
            #expect((try await server.get("/api/v1/batches/shop/mutes").json["mutes"] as? [Any])?.count == 1)
            #expect(try await server.request("POST", "/api/v1/batches/shop/mutes", body: "{\"for\":\"soon\"}", auth: true).status == 400)
            #expect(try await server.request("DELETE", "/api/v1/batches/shop/mutes?metric=orders", auth: true).status == 200)
            #expect(try await server.request("DELETE", "/api/v1/batches/shop/mutes?metric=orders", auth: true).status == 404)
        }
    }

    @Test func maintenanceWindowsArePlannedListedAndRemoved() async throws {
        try await withServer { server in
            let path = "/api/v1/batches/shop/maintenance-windows"
            let planned = try await server.request(
                "POST", path, body: #"{"cron":"0 2 * * 0","duration":"2h","metrics":["orders"],"reason":"backup"}"#, auth: true)
            #expect(planned.status == 201)
            let id = try #require(planned.json["id"] as? String)
            #expect(planned.json["summary"] as? String == "cron '0 2 * * 0' for 2h, metrics orders")
            #expect(planned.json["source"] as? String == "api")
            let again = try await server.request(
                "POST", path, body: #"{"metrics":["orders"],"duration":"120m","cron":"0 2 * * 0","reason":"backup"}"#, auth: true)
            #expect(again.json["id"] as? String == id, "the same window planned twice is one")
            let span = try await server.request(
                "POST", path, body: #"{"start":"2026-01-16T22:00:00Z","end":"2026-01-17T01:00:00Z"}"#, auth: true)
            #expect(span.json["open"] as? Bool == false && span.json["over"] as? Bool == false)
            let list = try #require(try await server.get(path).json["maintenance_windows"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect(list.map { $0["reason"] as? String } == ["backup", "api (api)"])
            let refusals = [
                #"{"start":"2026-01-16T22:00:00Z"}"#: "maintenance window: a window without an end needs forever: true",
                #"{"start":"2026-01-14T22:00:00Z","end":"2026-01-15T01:00:00Z"}"#:
                    "maintenance window: the window ended before now (2026-01-15 12:00:00 UTC)",
                #"{"cron":"0 2 * * 0","duration":"2h","metric":"orders"}"#: "maintenance window: unknown key 'metric' (did you mean 'metrics'?)",
                #"{"cron":"0 0 31 2 *","duration":"2h"}"#:
                    "maintenance window: cron '0 0 31 2 *': invalid cron expression '0 0 31 2 *': never fires: none of its months has day 31",
            ]
            for (body, message) in refusals {
                let reply = try await server.request("POST", path, body: body, auth: true)
                #expect(reply.status == 400 && reply.json["error"] as? String == message, "\(body): \(reply.body)")
            }
            #expect(try await server.request("DELETE", "\(path)/\(id)", auth: true).status == 200)
            #expect(try await server.request("DELETE", "\(path)/\(id)", auth: true).status == 404)
            #expect(try server.database.maintenanceWindows(batch: "shop").count == 1)
        }
    }
}
