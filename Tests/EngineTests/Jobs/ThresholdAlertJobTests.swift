import Engine
import Fixtures
import Foundation
import Testing

@Suite struct ThresholdAlertJobTests {
    let yaml = """
        metric_batch: test
        ingest_sql: select 1
        disable_tholdalert: false
        tholdalert_methods: slack
        tholdalert_recent_n: 2
        tholdalert_snooze_n: 2
        tholdalert_thresholds:
          m: {upper: 100, lower: 10}
        """

    @Test func breachesNameTheirBound() {
        #expect(ThresholdAlertJob.breach(101, lower: 10, upper: 100)! == ("upper", 100))
        #expect(ThresholdAlertJob.breach(9, lower: 10, upper: 100)! == ("lower", 10))
        #expect(ThresholdAlertJob.breach(100, lower: 10, upper: 100) == nil)
        #expect(ThresholdAlertJob.breach(-5, lower: nil, upper: 100) == nil)
    }

    @Test func recentStoredPointsAreCheckedOnceWithSnooze() async throws {
        let h = try Harness()
        let b = try batch(yaml)
        // The breach at -1 h arrived in an earlier run: it is still among the two most recent stored points.
        try h.store().insert(hourly([50, 50, 150, 50]).dropLast())
        try h.store().insert(hourly([50, 50, 150, 50]).suffix(1))
        #expect(try await ThresholdAlertJob().run(batch: b, context: h.context).rowsWritten == 1)
        let rows = try h.all("test", .tholdalert)
        #expect(rows.map(\.timestamp) == [referenceTime.addingTimeInterval(-3600)])
        #expect(rows[0].metadata == #"{"bound":"upper","limit":100.0000,"value":150.0000}"#)
        #expect(h.channel.delivered.map(\.message.title) == ["[critical] ⚠️ [m] threshold upper bound breached (2026-01-15 11:00:00) ⚠️"])
        #expect(try await ThresholdAlertJob().run(batch: b, context: h.context).rowsWritten == 0, "written once")

        // The next point breaches the lower bound, but within the snooze of two points.
        try h.store().insert([MetricRow(timestamp: referenceTime.addingTimeInterval(3600), batch: "test", name: "m", type: .metric, value: 1)])
        h.clock.advance(by: 3600)
        #expect(try await ThresholdAlertJob().run(batch: b, context: h.context).rowsWritten == 0)
        try h.store().insert([MetricRow(timestamp: referenceTime.addingTimeInterval(7200), batch: "test", name: "m", type: .metric, value: 2)])
        h.clock.advance(by: 3600)
        #expect(try await ThresholdAlertJob().run(batch: b, context: h.context).rowsWritten == 1)
        #expect(try h.all("test", .tholdalert).last?.metadata?.contains("\"lower\"") == true)
    }

    @Test func metricsWithoutThresholdsAreLeftAlone() async throws {
        let h = try Harness()
        try h.store().insert(hourly([1000], name: "other"))
        #expect(try await ThresholdAlertJob().run(batch: try batch(yaml), context: h.context).rowsWritten == 0)
    }
}
