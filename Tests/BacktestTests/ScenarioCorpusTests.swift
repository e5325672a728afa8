import Engine
import Foundation
import Replay
import Testing

@testable import Backtest

@Suite struct ScenarioCorpusTests {
    @Test func expectedAlertsBecomeWindowsOnTheSeriesOwnRows() throws {
        let yaml = """
            start: 2026-01-01T00:00:00Z
            ticks: 100
            interval: 1h
            seed: 1
            series:
              cpu:
                components:
                  - level: 10
                  - gap: {from: 2026-01-02T00:00:00Z, to: 2026-01-02T05:00:00Z}
              other:
                values: "1x100"
            expect:
              alerts:
                - {metric: cpu, between: [2026-01-03T10:30:00Z, 2026-01-03T14:00:00Z]}
                - {metric: cpu, at: 2026-01-03T13:00:00Z}
                - {metric: cpu, between: [2026-01-02T01:00:00Z, 2026-01-02T03:00:00Z]}
            """
        let scenario = try Scenario.parse(name: "s", file: "s/scenario.yaml", text: yaml, seedOverride: nil) { _ in ("", "") }
        let corpus = ScenarioCorpus.load([scenario])
        #expect(corpus.map(\.path) == ["s/cpu.csv", "s/other.csv"])
        let hour = { (h: Int) in MetricTimestamp.parse("2026-01-01 00:00:00")!.addingTimeInterval(Double(h) * 3600) }
        #expect(corpus[0].timestamps.count == 101 - 5, "the five missing points (the gap ends before 05:00) are left out")
        #expect(corpus[0].windows == [hour(59)...hour(62)], "snapped to rows and merged; a window over missing rows is dropped")
        #expect(corpus[1].windows.isEmpty)
    }
}
