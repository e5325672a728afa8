import Engine
import Foundation
import Hummingbird

/// `/api/v1/batches/{batch}/maintenance-windows`: the batch's maintenance windows (those of its
/// YAML and those set at run time), plan one (`POST`, the keys `maintenance_windows` takes and a
/// `reason`), and remove one set at run time (`DELETE .../{id}`).
struct MaintenanceAPI {
    let engine: ServedEngine

    func register(on router: Router<EngineRequestContext>) {
        let api = router.group("/api/v1/batches/{batch}/maintenance-windows")
        api.get { _, context in try await list(context) }
        api.post { request, context in try await add(request, context) }
        api.delete("/{id}") { _, context in try await remove(context) }
    }

    func list(_ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let configured = batch.configuredMaintenanceWindows.map { window in
            JSONViews.maintenanceWindow(window, id: nil, source: "config", reason: nil, now: engine.now)
        }
        let stored = try engine.mutes.maintenanceWindows(batch: batch.name).map { stored in
            JSONViews.maintenanceWindow(stored.window, id: stored.id, source: "api", reason: stored.reason, now: engine.now)
        }
        return JSONResponse.ok(.object(["maintenance_windows": .array(configured + stored)]))
    }

    func add(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let body = try await RequestInput.json(request, context: context)
        let reason = (body["reason"] as? String).map { String($0.prefix(200)) } ?? "api (\(context.principal ?? "api"))"
        var fields = body
        fields["reason"] = nil
        let stored: StoredMaintenanceWindow
        do {
            stored = try StoredMaintenanceWindow.parse(Self.keys(fields), batch: batch.name, reason: reason, now: engine.now)
        } catch let error as ConfigError {
            throw RequestError.invalid("maintenance window: \(error.message)")
        }
        try engine.mutes.addMaintenanceWindow(stored)
        return JSONResponse.make(
            .created, JSONViews.maintenanceWindow(stored.window, id: stored.id, source: "api", reason: stored.reason, now: engine.now))
    }

    func remove(_ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let id = try context.pathValue("id")
        guard try engine.mutes.removeMaintenanceWindow(batch: batch.name, id: id) else {
            throw RequestError.notFound("\(batch.name) has no maintenance window \(id) set at run time")
        }
        return JSONResponse.ok(.object(["removed": .bool(true)]))
    }

    /// A JSON body's fields as the configuration values the YAML key would hold: text stays
    /// text, `metrics` a list, `match` a map, `forever` a boolean; anything else is kept as text
    /// so the window's parser names the key it does not know.
    static func keys(_ fields: [String: Any]) -> ConfigValue {
        var keys: [String: ConfigValue] = [:]
        for (key, value) in fields {
            switch (key, value) {
            case ("forever", let flag as Bool): keys[key] = .bool(flag)
            case ("metrics", let names as [Any]): keys[key] = .list(names.map { .string("\($0)") })
            case ("match", let tags as [String: Any]): keys[key] = .map(tags.mapValues { .string("\($0)") })
            case (_, let text as String): keys[key] = .string(text)
            case (_, is NSNull): keys[key] = .null
            default: keys[key] = .string("\(value)")
            }
        }
        return .map(keys)
    }
}
