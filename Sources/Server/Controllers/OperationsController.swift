import Engine
import Foundation
import Hummingbird

/// `/metrics` (Prometheus text format), `/healthz` (the process answers), `/readyz` (the
/// store answers and the config is loaded) and `/version` (the engine's version).
struct OperationsController {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: engine.metrics.exposition(
                            deliveries: engine.deliveries, idleRuns: engine.jobContext.watermarks?.idleRunsByJob ?? [:]))))
        }
        router.get("/healthz") { _, _ in JSONResponse.ok(.object(["status": .string("ok")])) }
        router.get("/version") { _, _ in JSONResponse.ok(.object(["version": .string(EngineVersion.current)])) }
        router.get("/readyz") { _, _ in
            let snapshot = await engine.catalog.snapshot
            do {
                _ = try engine.overrides.scheduleOverrides()
            } catch {
                return JSONResponse.make(.serviceUnavailable, .object(["status": .string("store unavailable: \(error)")]))
            }
            return JSONResponse.ok(
                .object([
                    "status": .string("ready"), "batches": .int(snapshot.batches.count),
                    "scheduled_jobs": .int(snapshot.schedule.entries.count),
                    "config_errors": .int(snapshot.errors.count),
                ]))
        }
    }
}

/// JSON answers in the engine's canonical form (sorted keys, fixed decimals).
enum JSONResponse {
    static func ok(_ value: CanonicalJSON) -> Response { make(.ok, value) }

    static func make(_ status: HTTPResponse.Status, _ value: CanonicalJSON) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        // Kept, but asked again each time: the ETag makes an unchanged answer a 304.
        headers[.cacheControl] = "private, no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.text + "\n")))
    }

    static func time(_ date: Date?) -> CanonicalJSON { date.map { .string(MetricTimestamp.formatISO($0)) } ?? .null }
    static func number(_ value: Double?, _ decimals: Int = 6) -> CanonicalJSON { value.map { .number($0, decimals: decimals) } ?? .null }
}
