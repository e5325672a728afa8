import Engine
import Fixtures
import Foundation
import Testing

/// `stuck_factor`: a run of one value far longer than any before is announced once; a metric
/// that always sat still in long runs, or a short flat stretch, is not.
@Suite struct StuckWatchTests {
    @Test func theLatestRunIsJudgedAgainstTheLongestBefore() {
        let watch = StuckWatch(factor: 3)
        let moving = (0..<40).map { Double($0 % 7) }
        #expect(watch.stuckRunStart(moving + Array(repeating: 5, count: 12)) == 40)
        #expect(watch.stuckRunStart(moving + Array(repeating: 5, count: 11)) == nil, "shorter than the minimum run")
        // A metric that idles in runs of six needs a run of eighteen.
        let idling = (0..<8).flatMap { block in Array(repeating: Double(block), count: 6) }
        #expect(watch.stuckRunStart(idling + Array(repeating: 9, count: 17)) == nil)
        #expect(watch.stuckRunStart(idling + Array(repeating: 9, count: 18)) == 48)
        #expect(watch.stuckRunStart(Array(repeating: 1, count: 50)) == nil, "never moved: nothing to compare with")
        #expect(watch.stuckRunStart([]) == nil)
    }

    @Test func aStuckMetricIsAnnouncedOnce() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nstuck_factor: 3\n")
        try h.store().insert(hourly((0..<48).map { Double($0 % 5) } + Array(repeating: 7, count: 14)))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.map(\.message.title) == ["🧊 [m] has repeated one value since 2026-01-14 23:00:00 🧊"])
        try h.store().insert([MetricRow(timestamp: referenceTime.addingTimeInterval(3600), batch: "test", name: "m", type: .metric, value: 7)])
        h.clock.advance(by: 3600)
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.count == 1, "the same run is not announced again")
        let bad = BatchLoader(folder: InMemoryMetricsFolder(["t/t.yaml": "metric_batch: t\ningest_sql: select 1\nstuck_factor: -1\n"])).load()
        #expect(bad.errors.map(\.key) == ["stuck_factor"])
    }
}
