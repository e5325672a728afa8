import Engine
import Foundation
import Testing

/// /healthz, /readyz, /version, /metrics and protected reads.
@Suite(.serialized) struct OperationsTests {
    @Test func healthReadinessAndPrometheusMetrics() async throws {
        try await withServer { server in
            #expect(try await server.get("/healthz").body == "{\"status\":\"ok\"}\n")
            let ready = try await server.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.json["batches"] as? Int == 2)
            _ = try await server.request("POST", "/api/v1/batches/shop/runs?wait=true", body: "{\"job\":\"change\"}", auth: true)
            // Trained, then scored twice: the second score run finds nothing new and returns at once
            // from its watermark.
            for job in ["train", "score", "score"] {
                _ = try await server.request("POST", "/api/v1/batches/shop/runs?wait=true", body: "{\"job\":\"\(job)\"}", auth: true)
            }
            _ = try await server.get("/anomalies")
            _ = try await server.get("/batches/shop")
            for n in 0..<5 { #expect(try await server.get("/no-such-page-\(n)").status == 404) }
            let head = try await server.request("HEAD", "/")
            #expect(head.status == 200 && head.body.isEmpty && head.headers["content-type"] == "text/html; charset=utf-8")
            #expect(try await server.request("HEAD", "/no-such-page").status == 404)
            let metrics = try await server.get("/metrics")
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.body.contains("engine_job_runs_total{job=\"change\",batch=\"shop\",status=\"success\"} 1"))
            #expect(metrics.body.contains("engine_http_requests_total{method=\"GET\",route=\"/anomalies\",status=\"200\"} 1"))
            // Labelled by the route's pattern; every unmatched path shares one label, however many there are.
            #expect(metrics.body.contains("engine_http_requests_total{method=\"GET\",route=\"/batches/{batch}\",status=\"200\"} 1"))
            #expect(metrics.body.contains("engine_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 6"), "five GETs and a HEAD")
            #expect(!metrics.body.contains("no-such-page"))
            #expect(metrics.body.contains("engine_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1"), "HEAD is answered as GET")
            #expect(metrics.body.contains("engine_deliveries{status=\"delivered\"} 0"))
            #expect(metrics.body.contains("engine_idle_job_runs{job=\"score\"} 1"))
            #expect(metrics.body.contains("# TYPE engine_job_run_seconds histogram"))
        }
    }

    @Test func protectedReadsNeedTheTokenButHealthChecksDoNot() async throws {
        try await withServer(protectReads: true) { server in
            let page = try await server.get("/anomalies")
            #expect(page.status == 303)
            #expect(page.headers["location"] == "/login?next=%2Fanomalies")
            #expect(try await server.get("/api/v1/batches").status == 401)
            #expect(try await server.get("/api/v1/batches", auth: true).status == 200)
            #expect(try await server.get("/metrics").status == 401)
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await server.get("/version").body == "{\"version\":\"\(EngineVersion.current)\"}\n")
            #expect(try await server.get("/login").status == 200)
            #expect(try await server.get("/static/app.css").status == 200)
            let icon = try await server.get("/favicon.ico")
            #expect(icon.status == 200 && icon.headers["content-type"] == "image/svg+xml" && icon.body.hasPrefix("<svg"))
        }
    }
}
