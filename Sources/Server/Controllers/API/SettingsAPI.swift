import Engine
import Foundation
import Hummingbird

/// `/api/v1/batches/{batch}/settings` (overrides in force and their history; PUT one key, a
/// null value resets it) and `/api/v1/batches/{batch}/schedules/{job}` (start or stop).
struct SettingsAPI {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/batches/{batch}/settings") { _, context in try await settings(context) }
        api.put("/batches/{batch}/settings") { request, context in try await change(request, context) }
        api.put("/batches/{batch}/schedules/{job}") { request, context in try await schedule(request, context) }
    }

    func settings(_ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let overrides = try engine.overrides.settingOverrides().filter { $0.batch == batch.name }
        let history = try engine.overrides.settingHistory(batch: batch.name, limit: 100)
        return JSONResponse.ok(
            .object([
                "batch": .string(batch.name), "overrides": .array(overrides.map(JSONViews.setting)),
                "history": .array(history.map(JSONViews.setting)),
            ]))
    }

    func change(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let body = try await RequestInput.json(request, context: context)
        let key = try RequestInput.string(body, "key")
        let value: String?
        switch body["value"] {
        case nil, is NSNull: value = nil
        case let text as String: value = text
        case let number as NSNumber:
            // JSON true/false arrive as NSNumbers of the C type "c".
            value = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
        default: throw RequestError.invalid("'value' must be a string, a number, a boolean or null")
        }
        try await engine.changeSetting(
            SettingOverride(
                batch: batch.name, key: key, value: value,
                changedBy: context.principal ?? "api", changedAt: engine.now))
        return try await settings(context)
    }

    func schedule(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let job = try RequestInput.job(try context.pathValue("job"))
        let body = try await RequestInput.json(request, context: context)
        guard let running = body["running"] as? Bool else { throw RequestError.invalid("'running' must be true or false") }
        try await engine.changeSchedule(
            ScheduleOverride(
                batch: batch.name, job: job, running: running,
                changedBy: context.principal ?? "api", changedAt: engine.now))
        let status = await engine.catalog.snapshot.schedule.statuses.first { $0.batch == batch.name && $0.job == job }
        return JSONResponse.ok(status.map(JSONViews.schedule) ?? .null)
    }
}
