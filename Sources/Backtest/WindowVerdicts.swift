import Engine
import Foundation

/// What happened to each labelled window and each false alert of a run, one row each, so a
/// change of settings is argued from the series it helps or hurts rather than from a total:
/// `events.csv` beside the run's series files.
///
/// A window is *found* when the run alerted in its first half, *late* when only in its second
/// half (NAB credits those less than half as much), *missed* otherwise. A false alert is an
/// alert after probation outside every window, with how long after the last window it came (an
/// echo of an incident, or news from nowhere).
public enum WindowVerdicts {
    /// One window or false alert of one series.
    public struct Event: Sendable, Hashable {
        public enum Verdict: String, Sendable {
            case found, late, missed
            case falseAlert = "false"
        }

        public var path: String
        public var verdict: Verdict
        /// The window's start, or the false alert's time.
        public var start: Date
        /// The window's end; nil for a false alert.
        public var end: Date?
        /// The first alert inside the window, or the false alert itself.
        public var alert: Date?
        /// Minutes from the window's start to its first alert; for a false alert, from the end of
        /// the last window before it (nil when none came before).
        public var minutes: Double?
        /// The alerting row's score.
        public var score: Double?
    }

    public static let header = "path,kind,start,end,first_alert,delay_minutes,verdict,score"

    /// The events of one series' outcome, in time order.
    public static func events(_ outcome: Backtester.SeriesOutcome) -> [Event] {
        let s = outcome.series
        let scored = s.probation..<min(s.timestamps.count, outcome.alerts.count)
        var events: [Event] = []
        for window in s.windows {
            let first = scored.first { outcome.alerts[$0] && window.contains(s.timestamps[$0]) }
            let middle = window.lowerBound.addingTimeInterval(window.upperBound.timeIntervalSince(window.lowerBound) / 2)
            events.append(
                Event(
                    path: s.path, verdict: first.map { s.timestamps[$0] <= middle ? .found : .late } ?? .missed,
                    start: window.lowerBound, end: window.upperBound, alert: first.map { s.timestamps[$0] },
                    minutes: first.map { s.timestamps[$0].timeIntervalSince(window.lowerBound) / 60 }, score: first.map { outcome.scores[$0] }))
        }
        for i in scored where outcome.alerts[i] && !s.windows.contains(where: { $0.contains(s.timestamps[i]) }) {
            let t = s.timestamps[i]
            events.append(
                Event(
                    path: s.path, verdict: .falseAlert, start: t, end: nil, alert: t,
                    minutes: s.windows.last { $0.upperBound < t }.map { t.timeIntervalSince($0.upperBound) / 60 }, score: outcome.scores[i]))
        }
        return events.sorted { ($0.start, $0.end == nil ? 1 : 0) < ($1.start, $1.end == nil ? 1 : 0) }
    }

    /// The `events.csv` row of an event.
    public static func row(_ e: Event) -> String {
        [
            BacktestOutput.csvField(e.path), e.verdict == .falseAlert ? "false_alert" : "window", MetricTimestamp.format(e.start),
            e.end.map(MetricTimestamp.format) ?? "", e.alert.map(MetricTimestamp.format) ?? "", e.minutes.map { Fixed.format($0, 0) } ?? "",
            e.verdict.rawValue, e.score.map { Fixed.format($0, 4) } ?? "",
        ].joined(separator: ",")
    }

    /// The whole file for a run's outcomes, series in corpus order.
    public static func text(_ outcomes: [Backtester.SeriesOutcome]) -> String {
        ([header] + outcomes.flatMap(events).map(row)).joined(separator: "\n") + "\n"
    }

    /// How many windows of `outcomes` were found, late and missed.
    public static func counts(_ outcomes: [Backtester.SeriesOutcome]) -> (found: Int, late: Int, missed: Int) {
        let verdicts = outcomes.flatMap(events).map(\.verdict)
        return (verdicts.filter { $0 == .found }.count, verdicts.filter { $0 == .late }.count, verdicts.filter { $0 == .missed }.count)
    }
}
