import Engine
import Foundation
import Testing

@testable import Backtest

/// `events.csv`: each window found (first half), late (second half) or missed, and each false
/// alert with how long after the last window it came.
@Suite struct WindowVerdictsTests {
    @Test func windowsAreFoundLateOrMissedAndFalseAlertsAreListed() {
        let start = Date(timeIntervalSince1970: 1_400_000_000)
        let times = (0..<200).map { start.addingTimeInterval(Double($0) * 300) }
        let series = NABSeries(
            path: "cat/s.csv", timestamps: times, values: times.map { _ in 1 },
            windows: [times[40]...times[59], times[100]...times[119], times[150]...times[169]])
        var alerts = [Bool](repeating: false, count: times.count)
        for i in [10, 45, 50, 115, 130] { alerts[i] = true }  // 10 is probationary (the first 30 rows)
        let scores = alerts.map { $0 ? 0.9 : 0.1 }
        let outcome = Backtester.SeriesOutcome(series: series, scores: scores, alerts: alerts, retrainings: 0)
        let events = WindowVerdicts.events(outcome)
        #expect(events.map(\.verdict) == [.found, .late, .falseAlert, .missed])
        #expect(events[0].minutes == 25 && events[1].minutes == 75, "delays from each window's start, in minutes")
        #expect(events[2].minutes == 55, "the false alert came 11 rows after the second window ended")
        #expect(WindowVerdicts.counts([outcome]) == (found: 1, late: 1, missed: 1))
        let lines = WindowVerdicts.text([outcome]).split(separator: "\n")
        #expect(lines[0] == "path,kind,start,end,first_alert,delay_minutes,verdict,score")
        #expect(lines[3].hasPrefix("cat/s.csv,false_alert,") && lines[3].hasSuffix(",55,false,0.9000"))
        #expect(lines[4].hasSuffix(",,,missed,"))
    }
}
