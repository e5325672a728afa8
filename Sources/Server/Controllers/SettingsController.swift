import Engine
import Foundation
import Hummingbird

/// `/settings/{batch}`: the batch's schedules (start/stop at run time) and its main alerting
/// keys, changed as stored overrides, validated like the YAML, with who changed what and when.
struct SettingsController {
    let engine: ServedEngine

    /// The keys the page offers; the API accepts any key the schema knows.
    static let keys = [
        ConfigKey<Double>.alertThreshold.name, ConfigKey<Double>.alertCriticalThreshold.name, ConfigKey<Int>.alertSnoozeN.name,
        ConfigKey<Int>.alertSmoothN.name, ConfigKey<Int>.alertRecentN.name, ConfigKey<Int>.alertForN.name, ConfigKey<Int>.alertForM.name,
        ConfigKey<Double>.alertEvaluationDelay.name,
        ConfigKey<[String]>.alertMethods.name, ConfigKey<Int>.alertRecoveryN.name, ConfigKey<Double>.changeThreshold.name,
        ConfigKey<Int>.changeSnoozeN.name, ConfigKey<Int>.changeSmoothN.name,
        ConfigKey<[String]>.changeMethods.name, ConfigKey<[String]>.tholdalertMethods.name, ConfigKey<Int>.deleteAfterDays.name,
    ]

    func register(on router: Router<EngineRequestContext>) {
        router.get("/settings/{batch}") { request, context in try await page(request, context) }
        router.post("/settings/{batch}") { request, context in try await save(request, context) }
        router.post("/settings/{batch}/reset") { request, context in try await reset(request, context) }
        router.post("/settings/{batch}/schedules") { request, context in try await schedule(request, context) }
    }

    static func display(_ value: ConfigValue?) -> String {
        guard let value else { return "–" }
        if let text = value.scalarText { return text }
        if let list = value.listValue { return list.compactMap(\.scalarText).joined(separator: ", ") }
        return value == .null ? "–" : value.kindName
    }

    func page(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        try await page(context)
    }

    /// The page; after a refused save, with the typed values kept in their fields, each problem
    /// beside the field it names (the rest above the form), and `status` 400.
    func page(
        _ context: EngineRequestContext, typed: [String: String] = [:], problems: [ConfigError] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let snapshot = await engine.catalog.snapshot
        let overrides = try engine.overrides.settingOverrides().filter { $0.batch == batch.name }
        let schedules = snapshot.schedule.statuses.filter { $0.batch == batch.name }.map { status -> [String: Any] in
            [
                "job": status.job.rawValue, "cron": status.cron ?? "–", "after": status.after?.rawValue ?? "",
                "status": status.disabled ? "disabled" : (status.running ? "running" : "stopped"),
                "changed": status.override.map { "\($0.changedBy), \(MetricTimestamp.format($0.changedAt))" } ?? "default",
                "switchable": !status.disabled && status.job.follows == nil && status.cron != nil,
                "toggle_value": status.running ? "false" : "true", "toggle_label": status.running ? "Stop" : "Start",
            ]
        }
        let keys = Self.keys.map { key -> [String: Any] in
            [
                "key": key, "value": Self.display(batch.values[key]), "overridden": overrides.contains { $0.key == key },
                "typed": typed[key] ?? "",
                "error": problems.filter { $0.key == key }.map(\.message).joined(separator: "; "),
            ]
        }
        let general = problems.filter { $0.key.map { !Self.keys.contains($0) } ?? true }.map(\.description)
        let history = try engine.overrides.settingHistory(batch: batch.name, limit: 50).map { change -> [String: Any] in
            ["key": change.key, "value": change.value ?? "(reset)", "by": change.changedBy, "at": MetricTimestamp.format(change.changedAt)]
        }
        return PageResponder.page(
            "settings", title: "Settings · \(batch.name)", status: status,
            context: [
                "batch": batch.name, "path": Presentation.segment(batch.name), "file": batch.file, "schedules": schedules, "keys": keys,
                "problems": general, "refused": !problems.isEmpty,
                "overrides": overrides.map {
                    ["key": $0.key, "value": $0.value ?? "", "by": $0.changedBy, "at": MetricTimestamp.format($0.changedAt)]
                },
                "history": history,
            ], request: context)
    }

    func save(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        let typed = form.filter { Self.keys.contains($0.key) }.mapValues { $0.trimmingCharacters(in: .whitespaces) }
        let changes = typed.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { key, value in
            SettingOverride(batch: batch.name, key: key, value: value, changedBy: context.principal ?? "unknown", changedAt: engine.now)
        }
        // All or nothing: a form with one bad field stores none, and comes back as typed.
        let problems = try await engine.changeSettings(changes)
        guard problems.isEmpty else { return try await page(context, typed: typed, problems: problems, status: .badRequest) }
        return PageResponder.seeOther("/settings/\(Presentation.segment(batch.name))")
    }

    func reset(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        try await engine.changeSetting(
            SettingOverride(
                batch: batch.name, key: try RequestInput.string(form, "key"), value: nil,
                changedBy: context.principal ?? "unknown", changedAt: engine.now))
        return PageResponder.seeOther("/settings/\(Presentation.segment(batch.name))")
    }

    func schedule(_ request: Request, _ context: EngineRequestContext) async throws -> Response {
        let batch = try await engine.batch(try context.pathValue("batch"))
        let form = try await RequestInput.form(request, context: context)
        let job = try RequestInput.job(form["job"] ?? "")
        guard let running = Bool(form["running"] ?? "") else { throw RequestError.invalid("'running' must be true or false") }
        try await engine.changeSchedule(
            ScheduleOverride(
                batch: batch.name, job: job, running: running,
                changedBy: context.principal ?? "unknown", changedAt: engine.now))
        return PageResponder.seeOther("/settings/\(Presentation.segment(batch.name))")
    }
}
