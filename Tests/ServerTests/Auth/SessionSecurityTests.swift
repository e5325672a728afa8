import Engine
import Fixtures
import Foundation
import Testing

/// The robustness campaign's findings on the dashboard's sessions, forms, headers and paths
/// (D9, D11, D12), each checked over real HTTP against a running server.
@Suite(.serialized) struct SessionSecurityTests {
    let pages = PagesTests()

    @Test func logoutRevokesTheSessionEvenForACopiedCookie() async throws {
        try await withServer { server in
            let cookie = try await pages.login(server)
            #expect(try await pages.form(server, "/batches/shop/unmute", "metric=orders", cookie: cookie).status == 303)
            let out = try await pages.form(server, "/logout", "", cookie: cookie)
            #expect(out.status == 303)
            // The same cookie, replayed after logout, no longer authorises a write.
            #expect(try await pages.form(server, "/batches/shop/unmute", "metric=orders", cookie: cookie).status == 401)
        }
    }

    @Test func aFormPostedFromAnotherSiteIsRefused() async throws {
        try await withServer { server in
            let cookie = try await pages.login(server)
            for origin in ["https://evil.example", "http://127.0.0.1:1"] {
                let forged = try await server.request(
                    "POST", "/batches/shop/unmute", body: "metric=orders",
                    contentType: "application/x-www-form-urlencoded", cookie: cookie,
                    headers: ["Origin": origin])
                #expect(forged.status == 403, "Origin \(origin)")
            }
            let noOrigin = try await server.request(
                "POST", "/batches/shop/unmute", body: "metric=orders",
                contentType: "application/x-www-form-urlencoded", cookie: cookie)
            #expect(noOrigin.status == 403)
            let referred = try await server.request(
                "POST", "/batches/shop/unmute", body: "metric=orders",
                contentType: "application/x-www-form-urlencoded", cookie: cookie,
                headers: ["Referer": "http://127.0.0.1:\(server.port)/anomalies"])
            #expect(referred.status == 303)
            // The bearer token is no ambient browser credential: API clients need no Origin.
            let api = try await server.request("POST", "/api/v1/batches/shop/runs", body: "{\"job\":\"change\"}", auth: true)
            #expect(api.status == 202)
        }
    }

    @Test func loginsAreThrottledPerAddress() async throws {
        try await withServer { server in
            for attempt in 1...10 {
                let wrong = try await pages.form(server, "/login", "token=guess\(attempt)&next=%2F", cookie: nil)
                #expect(wrong.status == 303)
            }
            let throttled = try await pages.form(server, "/login", "token=guess11&next=%2F", cookie: nil)
            #expect(throttled.status == 429)
            #expect(Int(throttled.headers["retry-after"] ?? "") ?? 0 > 0)
            // Even the right token waits, so the throttle tells a guesser nothing.
            let right = try await pages.form(server, "/login", "token=\(ServerHarness.token)&next=%2F", cookie: nil)
            #expect(right.status == 429)
        }
    }

    @Test func redirectsAfterLoginStayOnThisServer() async throws {
        try await withServer { server in
            for next in ["%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%09%2Fevil.example", "%2F%5C%2Fevil"] {
                let reply = try await pages.form(server, "/login", "token=\(ServerHarness.token)&next=\(next)", cookie: nil)
                #expect(reply.headers["location"] == "/", "next=\(next)")
            }
            let local = try await pages.form(server, "/login", "token=\(ServerHarness.token)&next=%2Fbatches%2Fshop%3Fq%3Dx", cookie: nil)
            #expect(local.headers["location"] == "/batches/shop?q=x")
            let page = try await server.get("/login?next=%2F%5Cevil.example")
            #expect(!page.body.contains("evil.example"))
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await withServer { server in
            for path in ["/", "/healthz", "/api/v1/batches", "/no/such/page", "/static/app.js"] {
                let reply = try await server.get(path)
                #expect(reply.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(reply.headers["x-frame-options"] == "DENY", "\(path)")
                #expect(reply.headers["x-content-type-options"] == "nosniff", "\(path)")
            }
        }
    }

    @Test func namesInPathsArePercentDecoded() async throws {
        try await withServer { server in
            let odd = "ünits \"sold\" !"
            try server.database.store(table: "metrics").insert([
                MetricRow(timestamp: referenceTime.addingTimeInterval(-60), batch: "shop", name: odd, type: .metric, value: 3)
            ])
            let encoded = odd.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let series = try await server.get("/api/v1/batches/shop/metrics/\(encoded)/series?window=7d")
            #expect(series.status == 200)
            #expect(series.body.contains("\\u00fcnits") || series.body.contains("ünits"))
        }
    }

    @Test func aBacktrackingSearchIsRefusedNotRun() async throws {
        try await withServer { server in
            try server.database.store(table: "metrics").insert([
                MetricRow(
                    timestamp: referenceTime.addingTimeInterval(-60), batch: "shop",
                    name: String(repeating: "b", count: 40) + "!", type: .metric, value: 3)
            ])
            let reply = try await server.get("/api/v1/batches/shop/metrics?q=%5E(b%2B)%2B%24")
            #expect(reply.status == 400)
            #expect(reply.body.contains("too costly"))
            // Unbounded, 2^40 backtracking steps would hold this request for days.
            let fine = try await server.get("/api/v1/batches/shop/metrics?q=%5Eord")
            #expect(fine.status == 200)
        }
    }
}
