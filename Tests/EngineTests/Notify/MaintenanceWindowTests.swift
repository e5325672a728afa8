import Engine
import Fixtures
import Foundation
import Testing

/// `maintenance_windows`: spans and recurring windows over a batch, some metrics or a tag; what
/// they cover is recorded as muted, not sent; impossible windows are refused with the reason.
@Suite struct MaintenanceWindowTests {
    func window(_ yaml: String) throws -> MaintenanceWindow {
        let value = try ConfigDocument(path: "w.yaml", text: "w: " + yaml).values["w"]!
        return try MaintenanceWindow.parse(value, index: 0).get()
    }

    @Test func spansAndRecurringWindows() throws {
        let sunday = try window("{cron: \"0 2 * * 0\", duration: 2h}")  // 2026-01-18 is a Sunday
        let inside = try #require(MetricTimestamp.parse("2026-01-18 03:30:00"))
        #expect(sunday.covers(metric: "m", tags: [:], at: inside) == MetricTimestamp.parse("2026-01-18 04:00:00"))
        #expect(sunday.covers(metric: "m", tags: [:], at: inside.addingTimeInterval(3600)) == nil)
        let deploy = try window("{start: \"2026-01-15 10:00:00\", end: \"2026-01-15 12:00:00\", metrics: [orders]}")
        #expect(deploy.covers(metric: "orders", tags: [:], at: referenceTime.addingTimeInterval(-60)) != nil)
        #expect(deploy.covers(metric: "orders", tags: [:], at: referenceTime) == nil, "the end is not inside")
        #expect(deploy.covers(metric: "visits", tags: [:], at: referenceTime.addingTimeInterval(-60)) == nil)
        let team = try window("{start: \"2026-01-01 00:00:00\", forever: true, match: {team: payments}}")
        #expect(team.covers(metric: "x", tags: ["team": "payments"], at: referenceTime) == .distantFuture)
        #expect(team.covers(metric: "x", tags: ["team": "web"], at: referenceTime) == nil)
    }

    @Test func impossibleWindowsAreRefused() {
        let cases = [
            "{start: \"2026-01-15 12:00:00\", end: \"2026-01-15 10:00:00\"}": "is not after start",
            "{start: \"2026-01-15 12:00:00\"}": "needs forever: true",
            "{cron: \"0 0 31 2 *\", duration: 1h}": "never fires",
            "{cron: \"0 2 * * 0\"}": "needs a duration",
            "{cron: \"0 2 * * 0\", duration: 1h, strat: x}": "unknown key 'strat' (did you mean 'start'?)",
        ]
        for (yaml, reason) in cases {
            let result = BatchLoader(
                folder: InMemoryMetricsFolder(["t/t.yaml": "metric_batch: t\ningest_sql: select 1\nmaintenance_windows:\n  - \(yaml)\n"])
            ).load()
            #expect(result.errors.count == 1 && result.errors[0].key == "maintenance_windows" && result.errors[0].message.contains(reason), "\(yaml): \(result.errors)")
        }
    }

    @Test func notificationsInsideAWindowAreRecordedAsMuted() async throws {
        let h = try Harness()
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\n"
                + "metric_tags: {m: {team: payments}}\nmaintenance_windows:\n  - {start: \"2026-01-15 11:00:00\", end: \"2026-01-15 13:00:00\", match: {team: payments}}\n")
        try h.store().insert(hourly([1, 2, 3]) + hourly([0.1, 0.1, 0.95], type: .score))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(try h.all("test", .alert).count == 1, "the alert is recorded")
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.muted])
        #expect(h.channel.delivered.isEmpty)
    }

    @Test func aWindowSetAtRunTimeHoldsDeliveriesAndSaysWhichWindow() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\nalert_snooze_n: 0\n")
        let planned = try StoredMaintenanceWindow.parse(
            .map(["start": .string("2026-01-15 11:00:00"), "end": .string("2026-01-15 13:00:00"), "metrics": .list([.string("m")])]),
            batch: "test", reason: "deploy 4.2", now: referenceTime.addingTimeInterval(-86_400))
        try h.database.addMaintenanceWindow(planned)
        try h.store().insert(hourly([1, 2, 3]) + hourly([0.1, 0.1, 0.95], type: .score))
        _ = try await AlertJob().run(batch: b, context: h.context)
        let deliveries = try h.database.deliveries(batch: "test")
        #expect(deliveries.map(\.status) == [.muted])
        #expect(
            deliveries.first?.mutedBy
                == "maintenance window \(planned.id) (2026-01-15 11:00:00 to 2026-01-15 13:00:00 UTC, metrics m; deploy 4.2) until 2026-01-15 13:00:00 UTC")
        #expect(h.channel.delivered.isEmpty)
        // Removed, it holds nothing: the next alert inside its span is sent.
        try h.database.removeMaintenanceWindow(batch: "test", id: planned.id)
        let later = referenceTime.addingTimeInterval(1800)
        try h.store().insert(hourly([4], end: later) + hourly([0.99], type: .score, end: later))
        h.clock.set(later)
        _ = try await AlertJob().run(batch: b, context: h.context)
        let after = try h.database.deliveries(batch: "test")
        #expect(after.map(\.status) == [.muted, .delivered] && after.last?.mutedBy == nil)
        #expect(h.channel.delivered.count == 1)
    }

    @Test func aWindowSetAtRunTimeIsNormalisedAndCheckedLikeYAML() throws {
        let now = try #require(MetricTimestamp.parse("2026-01-15 12:00:00"))
        func parse(_ keys: [String: ConfigValue]) throws -> StoredMaintenanceWindow {
            try StoredMaintenanceWindow.parse(.map(keys), batch: "b", reason: nil, now: now)
        }
        let a = try parse(["start": .string("2026-01-16T10:00:00Z"), "end": .string("2026-01-16 12:00"), "metrics": .list([.string("y"), .string("x")])])
        let b = try parse(["start": .string("2026-01-16 10:00:00"), "end": .string("2026-01-16T12:00:00Z"), "metrics": .list([.string("x"), .string("y")])])
        #expect(a.id == b.id, "one window in two spellings is one window")
        #expect(a.window.spec.text == #"{"end":"2026-01-16 12:00:00","metrics":["x","y"],"start":"2026-01-16 10:00:00"}"#)
        let weekly = try parse(["cron": .string("0 2 * * 0"), "duration": .string("120m")])
        #expect(weekly.window.summary == "cron '0 2 * * 0' for 2h")
        #expect(throws: ConfigError.self) { try parse(["start": .string("2026-01-14 10:00:00"), "end": .string("2026-01-14 12:00:00")]) }
        #expect(throws: ConfigError.self) { try parse(["start": .string("2026-01-16 10:00:00")]) }
        #expect(throws: ConfigError.self) { try parse(["cron": .string("0 0 31 2 *"), "duration": .string("1h")]) }
        do {
            _ = try parse(["start": .string("2026-01-16 10:00:00"), "forever": .bool(true), "metric": .string("x")])
            Issue.record("an unknown key was accepted")
        } catch let error as ConfigError {
            #expect(error.message == "unknown key 'metric' (did you mean 'metrics'?)")
        }
    }
}
