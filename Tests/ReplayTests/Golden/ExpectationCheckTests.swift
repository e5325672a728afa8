import Engine
import Foundation
import Testing

@testable import Replay

@Suite struct ExpectationCheckTests {
    let day = MetricTimestamp.parse("2026-01-05 00:00:00")!

    func alert(_ metric: String, hour: Double, smoothed: Double = 0.9) -> MetricRow {
        MetricRow(
            timestamp: day.addingTimeInterval(hour * 3600), batch: "b", name: metric, type: .alert, value: 1,
            metadata: "{\"score\":0.9,\"smoothed_score\":\(smoothed),\"threshold\":0.8}")
    }

    func outputs(_ alerts: [MetricRow], scores: [MetricRow] = []) -> ReplayOutputs {
        ReplayOutputs(files: [:], alerts: alerts, scores: scores, runs: [])
    }

    func window(_ from: Double, _ to: Double) -> ClosedRange<Date> {
        day.addingTimeInterval(from * 3600)...day.addingTimeInterval(to * 3600)
    }

    @Test func exactAndRangedAlertsWithMinimumScores() {
        let found = outputs([alert("a", hour: 10, smoothed: 0.85)])
        #expect(
            ExpectationCheck.failures([.alert(metric: "a", window: window(10, 10), exact: true, minScore: nil, label: "x")], outputs: found).isEmpty)
        #expect(
            ExpectationCheck.failures([.alert(metric: "a", window: window(11, 11), exact: true, minScore: nil, label: "x")], outputs: found).count
                == 1)
        #expect(
            ExpectationCheck.failures([.alert(metric: "a", window: window(9, 12), exact: false, minScore: 0.9, label: "x")], outputs: found)
                == ["x: smoothed score 0.8500 < 0.9000"])
    }

    @Test func absenceCountsAndWindows() {
        let found = outputs([alert("a", hour: 1), alert("a", hour: 30), alert("b", hour: 2)])
        #expect(ExpectationCheck.failures([.noAlert(metric: "a", window: window(2, 20), label: "x")], outputs: found).isEmpty)
        #expect(ExpectationCheck.failures([.noAlert(metric: nil, window: window(2, 20), label: "x")], outputs: found).count == 1)
        #expect(ExpectationCheck.failures([.alertCount(metric: "a", min: nil, max: 1, perDay: false, label: "x")], outputs: found) == ["x: 2"])
        #expect(ExpectationCheck.failures([.alertCount(metric: "a", min: nil, max: 1, perDay: true, label: "x")], outputs: found).isEmpty)
        #expect(
            ExpectationCheck.failures(
                [.windowsHit(metric: "a", windows: [window(0, 2), window(40, 50)], minimum: 2, label: "x")],
                outputs: found) == ["x: 1 hit"])
        #expect(ExpectationCheck.failures([.alertsOutside(metric: "a", windows: [window(0, 2)], max: 0, label: "x")], outputs: found).count == 1)
    }

    @Test func scoreBounds() {
        let scores = [0.1, 0.95].enumerated().map {
            MetricRow(timestamp: day.addingTimeInterval(Double($0.offset) * 3600), batch: "b", name: "a", type: .score, value: $0.element)
        }
        let found = outputs([], scores: scores)
        #expect(
            ExpectationCheck.failures([.scores(metric: "a", window: nil, min: nil, max: 0.9, label: "x")], outputs: found)
                == ["x: 0.950 at 2026-01-05 01:00:00"])
        #expect(ExpectationCheck.failures([.scores(metric: "a", window: window(0, 0), min: nil, max: 0.9, label: "x")], outputs: found).isEmpty)
    }
}
