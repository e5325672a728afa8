import Engine
import Foundation

/// The API's JSON shapes, one function per resource, shared by the handlers.
enum JSONViews {
    static func card(_ card: BatchCard) -> CanonicalJSON {
        .object([
            "batch": .string(card.batch), "disabled": .bool(card.disabled), "metrics": .int(card.metrics),
            "latest_point": JSONResponse.time(card.latestPoint), "mean_score": JSONResponse.number(card.meanScore),
            "alerts": .int(card.alerts),
        ])
    }

    /// `{"state": "pending", "since": ..., "reached": 2, "required": 3}`, `{"state": "firing", "since": ...}` or `{"state": "ok"}`.
    static func state(_ state: AlertState) -> CanonicalJSON {
        switch state {
        case .ok:
            return .object(["state": .string(state.name)])
        case .pending(let since, let reached, let required):
            return .object(["state": .string(state.name), "since": JSONResponse.time(since), "reached": .int(reached), "required": .int(required)])
        case .firing(let since):
            return .object(["state": .string(state.name), "since": JSONResponse.time(since)])
        }
    }

    static func standing(_ s: MetricStanding) -> CanonicalJSON {
        .object([
            "metric": .string(s.metric), "points": .int(s.points), "latest_point": JSONResponse.time(s.latestPoint),
            "mean_score": JSONResponse.number(s.meanScore), "alerts": .int(s.alerts), "anomaly_rate": .number(s.anomalyRate, decimals: 6),
        ])
    }

    static func alert(_ a: AlertEntry, deliveries: [DeliveryState]) -> CanonicalJSON {
        .object([
            "batch": .string(a.batch), "metric": .string(a.metric), "timestamp": JSONResponse.time(a.timestamp),
            "kind": .string(a.kind.rawValue), "severity": .string(a.severity), "score": JSONResponse.number(a.score),
            "feedback": a.feedback.map { .string($0 ? "up" : "down") } ?? .null,
            "deliveries": .array(deliveries.map(delivery)),
        ])
    }

    static func delivery(_ d: DeliveryState) -> CanonicalJSON {
        .object([
            "method": .string(d.method), "status": .string(d.status.rawValue), "attempts": .int(d.attempts),
            "error": d.lastError.map(CanonicalJSON.string) ?? .null, "muted_by": d.mutedBy.map(CanonicalJSON.string) ?? .null,
        ])
    }

    static func run(_ r: JobRun) -> CanonicalJSON {
        .object([
            "job": .string(r.job.rawValue), "batch": .string(r.batch), "as_of": JSONResponse.time(r.asOf),
            "started_at": JSONResponse.time(r.startedAt), "finished_at": JSONResponse.time(r.finishedAt),
            "duration_seconds": .number(r.finishedAt.timeIntervalSince(r.startedAt), decimals: 3),
            "status": .string(r.status.rawValue), "rows_written": .int(r.rowsWritten), "error": r.error.map(CanonicalJSON.string) ?? .null,
        ])
    }

    static func schedule(_ s: ScheduleStatus) -> CanonicalJSON {
        .object([
            "job": .string(s.job.rawValue), "cron": s.cron.map(CanonicalJSON.string) ?? .null, "running": .bool(s.running),
            "disabled": .bool(s.disabled), "after": s.after.map { .string($0.rawValue) } ?? .null,
            "changed_by": s.override.map { .string($0.changedBy) } ?? .null,
            "changed_at": JSONResponse.time(s.override?.changedAt),
        ])
    }

    static func setting(_ s: SettingOverride) -> CanonicalJSON {
        .object([
            "key": .string(s.key), "value": s.value.map(CanonicalJSON.string) ?? .null, "changed_by": .string(s.changedBy),
            "changed_at": JSONResponse.time(s.changedAt),
        ])
    }

    static func points(_ points: [PlotData.Point]) -> CanonicalJSON {
        .array(points.map { .object(["timestamp": JSONResponse.time($0.time), "value": .number($0.value, decimals: 6)]) })
    }

    static func band(_ band: [PlotData.Band]) -> CanonicalJSON {
        .array(
            band.map {
                .object(["timestamp": JSONResponse.time($0.time), "low": .number($0.low, decimals: 6), "high": .number($0.high, decimals: 6)])
            })
    }

    /// A maintenance window: its keys as `maintenance_windows` takes them, where it comes from
    /// (`config` or `api`), its id (run-time windows only) and whether it is over.
    static func maintenanceWindow(_ window: MaintenanceWindow, id: String?, source: String, reason: String?, now: Date) -> CanonicalJSON {
        .object([
            "id": id.map(CanonicalJSON.string) ?? .null, "source": .string(source), "window": window.spec,
            "summary": .string(window.summary), "reason": reason.map(CanonicalJSON.string) ?? .null,
            "over": .bool(window.isOver(at: now)), "open": .bool(window.openUntil(at: now) != nil),
        ])
    }

    static func mute(_ m: Mute) -> CanonicalJSON {
        .object([
            "batch": .string(m.batch), "metric": m.metric.map(CanonicalJSON.string) ?? .null,
            "until": m.until == .distantFuture ? .null : JSONResponse.time(m.until), "reason": m.reason.map(CanonicalJSON.string) ?? .null,
        ])
    }
}
