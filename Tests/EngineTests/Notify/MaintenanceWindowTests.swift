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
}
