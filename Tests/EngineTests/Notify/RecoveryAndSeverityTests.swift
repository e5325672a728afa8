import Engine
import Fixtures
import Foundation
import Testing

@Suite struct RecoveryAndSeverityTests {
    @Test func recoveryNeedsNPointsUnderTheThresholdAfterTheAlert() {
        #expect(AlertJob.recovery(smoothed: [0.9, 0.5, 0.5], alertIndex: 0, threshold: 0.8, recoveryN: 2) == 2)
        #expect(AlertJob.recovery(smoothed: [0.9, 0.5, 0.9, 0.5], alertIndex: 0, threshold: 0.8, recoveryN: 2) == nil)
        #expect(AlertJob.recovery(smoothed: [0.9, 0.5, 0.5], alertIndex: 0, threshold: 0.8, recoveryN: 0) == nil)
        // Scores held just under the threshold (an incident still going on) do not count.
        #expect(AlertJob.recovery(smoothed: [0.9, 0.799, 0.799, 0.5, 0.5], alertIndex: 0, threshold: 0.8, recoveryN: 2) == 4)
    }

    @Test func theAlertJobSendsOneRecoveryAndGradesSeverity() async throws {
        let h = try Harness()
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\nalert_recovery_n: 2\nalert_critical_threshold: 0.9\n"
        )
        func score(_ values: [Double], end: Date) -> [MetricRow] {
            hourly(values, type: .score, end: end)
        }
        try h.store().insert(score([0.1, 0.85], end: referenceTime))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.map(\.notification.severity) == [.warning])
        for hour in 1...3 {
            h.clock.advance(by: 3600)
            try h.store().insert(score([0.2], end: referenceTime.addingTimeInterval(Double(hour) * 3600)))
            _ = try await AlertJob().run(batch: b, context: h.context)
        }
        let kinds = h.channel.delivered.map { "\($0.notification.kind.rawValue) \(MetricTimestamp.format($0.notification.timestamp))" }
        #expect(kinds == ["alert 2026-01-15 12:00:00", "recovery 2026-01-15 14:00:00"])
        #expect(h.channel.delivered[1].notification.details["alerted_at"] == "2026-01-15 12:00:00")
        #expect(h.channel.delivered[1].message.title == "✅ [m] is back to normal (2026-01-15 14:00:00) ✅")

        try h.store().insert(score([0.95], end: referenceTime.addingTimeInterval(4 * 3600)))
        h.clock.advance(by: 3600)
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.last?.notification.severity == .critical)
        #expect(h.channel.delivered.last?.message.title.hasPrefix("[critical] 🔥") == true)
    }
}
