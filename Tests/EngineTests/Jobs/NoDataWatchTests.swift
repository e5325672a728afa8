import Engine
import Fixtures
import Foundation
import Testing

/// `no_data_after`: one announcement per silence, one when points return, none on reruns, the
/// interval read from the metric's own points, and bad values refused.
@Suite struct NoDataWatchTests {
    let yaml = "metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\n"

    @Test func aSilenceIsAnnouncedOnceAndItsEndOnce() async throws {
        let h = try Harness()
        let b = try batch(yaml + "no_data_after: 3h\n")
        try h.store().insert(hourly(Array(repeating: 10, count: 24), name: "quiet", end: referenceTime.addingTimeInterval(-5 * 3600)))
        try h.store().insert(hourly(Array(repeating: 10, count: 24), name: "busy"))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.map(\.message.title) == ["⏸️ [quiet] has sent no data since 2026-01-15 07:00:00 ⏸️"])
        #expect(h.channel.delivered.first?.message.text.contains("No data after: 3h") == true)
        h.clock.advance(by: 3600)
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.count == 1, "the same silence is not announced again")

        try h.store().insert([MetricRow(timestamp: h.clock.now, batch: "test", name: "quiet", type: .metric, value: 11)])
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.map(\.message.title).last == "▶️ [quiet] is sending data again (2026-01-15 13:00:00) ▶️")
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.count == 2)
    }

    /// A gap nobody was told about (the alert job did not run during it) is not "back" either.
    @Test func anUnannouncedGapIsNotAReturn() async throws {
        let h = try Harness()
        let b = try batch(yaml + "no_data_after: 3h\n")
        try h.store().insert(hourly(Array(repeating: 10, count: 24), end: referenceTime.addingTimeInterval(-10 * 3600)))
        try h.store().insert([MetricRow(timestamp: referenceTime, batch: "test", name: "m", type: .metric, value: 10)])
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.isEmpty)
    }

    @Test func intervalsAreReadFromTheMetricsPoints() throws {
        let watch = NoDataWatch(limit: .intervals(4))
        let b = try batch(yaml)
        let halfHourly = (0..<20).map { referenceTime.addingTimeInterval(Double($0 - 19) * 1800) }
        let none = try watch.notifications(metric: "m", batch: b, times: halfHourly, now: referenceTime.addingTimeInterval(5400)) { _ in false }
        #expect(none.isEmpty, "1.5 h is three intervals")
        let late = try watch.notifications(metric: "m", batch: b, times: halfHourly, now: referenceTime.addingTimeInterval(7300)) { _ in false }
        #expect(late.map(\.kind) == [.nodata] && late.first?.details["expected_every"] == "30m")
        #expect(try watch.notifications(metric: "m", batch: b, times: [referenceTime], now: referenceTime.addingTimeInterval(86_400)) { _ in false }.isEmpty,
            "one point gives no interval yet")
    }

    /// The default, `stale`, follows Anomstack's `dashboard_stale_metric_max_days_ago`: a metric
    /// stale on the dashboard is announced, once; with the stale days at 0, or null, nothing is.
    @Test func theDefaultAnnouncesAStaleMetric() async throws {
        let b = try batch(yaml + "dashboard_stale_metric_max_days_ago: 2\n")
        #expect(NoDataWatch(batch: b)?.limit == .span(2 * 86_400))
        #expect(NoDataWatch(batch: try batch(yaml + "dashboard_stale_metric_max_days_ago: 0\n")) == nil)
        #expect(NoDataWatch(batch: try batch(yaml + "no_data_after: null\n")) == nil)
        let h = try Harness()
        try h.store().insert(hourly(Array(repeating: 10, count: 24), name: "gone", end: referenceTime.addingTimeInterval(-47 * 3600)))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.isEmpty, "47 hours is not two days")
        #expect(try NoDataWatch(batch: b)?.silentSince(of: "gone", batch: b, store: h.store(), now: h.clock.now) == nil)
        h.clock.advance(by: 2 * 3600)
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.map(\.message.title) == ["⏸️ [gone] has sent no data since 2026-01-13 13:00:00 ⏸️"])
        #expect(h.channel.delivered.first?.message.text.contains("No data after: 2d") == true)
        let since = try NoDataWatch(batch: b)?.silentSince(of: "gone", batch: b, store: h.store(), now: h.clock.now)
        #expect(since == referenceTime.addingTimeInterval(-47 * 3600))
    }

    @Test func valuesAreParsedOrRefused() throws {
        #expect(NoDataWatch.Limit(.string("6h")) == .span(21_600))
        #expect(NoDataWatch.Limit(.string("3n")) == .intervals(3))
        #expect(NoDataWatch.Limit(.int(2)) == .intervals(2))
        #expect(NoDataWatch.Limit(.null) == nil)
        #expect(try NoDataWatch(batch: batch(yaml + "no_data_after: Stale\n")) != nil)
        for bad in ["0", "soon", "-3n", "3x", "stalest"] {
            let result = BatchLoader(folder: InMemoryMetricsFolder(["test/test.yaml": yaml + "no_data_after: \(bad)\n"])).load()
            #expect(result.errors.first?.key == "no_data_after", "\(bad)")
        }
    }
}
