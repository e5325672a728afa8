import Engine
import Foundation
import Hummingbird

/// `/api/v1/runs` (latest runs, optionally one batch), `POST /api/v1/batches/{batch}/runs`
/// (run a job now: 202 at once, or the finished runs with `?wait=true`), and the batch's mutes.
struct RunsAPI {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/runs") { request, _ in try await runs(request) }
        api.post("/batches/{batch}/runs") { request, context in try await trigger(request, context) }
        api.get("/batches/{batch}/mutes") { _, context in try await mutes(context) }
        api.post("/batches/{batch}/mutes") { request, context in try await mute(request, context) }
        api.delete("/batches/{batch}/mutes") { request, context in try await unmute(request, context) }
    }

    func runs(_ request: Request) async throws -> Response {
        let query = RequestInput.query(request)
        let limit = try RequestInput.count("limit", query["limit"], default: 100, maximum: 1000)
        var batches = await engine.catalog.snapshot.batches
        if let name = query["batch"] { batches = [try await engine.batch(name)] }
        let runs = try engine.latestRuns(of: batches, limit: limit)
        return JSONResponse.ok(.object(["runs": .array(runs.map(JSONViews.run))]))
    }

    func trigger(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let body = try await RequestInput.json(request, context: context)
        let job = try RequestInput.job(try RequestInput.string(body, "job"))
        if RequestInput.query(request)["wait"] == "true" {
            guard let runs = await engine.scheduler.runNow(job, batch: batch.name) else {
                throw RequestError.conflict("\(job.rawValue) of \(batch.name) is already running")
            }
            for run in runs { engine.metrics.record(run) }
            return JSONResponse.ok(.object(["runs": .array(runs.map(JSONViews.run))]))
        }
        guard await engine.startRun(job, batch: batch.name) else {
            throw RequestError.conflict("\(job.rawValue) of \(batch.name) is already running")
        }
        return JSONResponse.make(.accepted, .object(["batch": .string(batch.name), "job": .string(job.rawValue), "status": .string("started")]))
    }

    func mutes(_ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        return JSONResponse.ok(.object(["mutes": .array(try engine.mutes.mutes(batch: batch.name).map(JSONViews.mute))]))
    }

    func mute(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let body = try await RequestInput.json(request, context: context)
        let metric = body["metric"] as? String
        let until = try RequestInput.muteEnd(body["for"] as? String ?? body["until"] as? String ?? "24h", now: engine.now)
        let mute = Mute(
            batch: batch.name, metric: metric?.isEmpty == false ? metric : nil, until: until,
            reason: (body["reason"] as? String).map { String($0.prefix(200)) } ?? "api (\(context.principal ?? "api"))")
        try engine.mutes.setMute(mute)
        return JSONResponse.ok(JSONViews.mute(mute))
    }

    func unmute(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let metric = RequestInput.query(request)["metric"]
        let removed = try engine.mutes.clearMute(batch: batch.name, metric: metric?.isEmpty == false ? metric : nil)
        guard removed else { throw RequestError.notFound("no mute on \(batch.name)\(metric.map { "/\($0)" } ?? "")") }
        return JSONResponse.ok(.object(["removed": .bool(true)]))
    }
}
