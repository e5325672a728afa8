import Engine
import Foundation

/// Event-level results of alerts against labelled windows, for one series or many: a window
/// counts once however many alerts it holds; an alert outside every window (after the
/// probationary rows) is a false alert. The change job's notifications are counted the same
/// way, apart: a level change inside a window finds it, one outside is a false change; and so
/// are the threshold-alert job's, trends, announced silences and stuck runs.
public struct BacktestMetrics: Sendable, Hashable {
    public var windows = 0
    public var windowsDetected = 0
    public var falseAlerts = 0
    public var changes = 0
    public var changeWindowsDetected = 0
    public var falseChanges = 0
    public var thresholdAlerts = 0
    public var thresholdWindowsDetected = 0
    public var falseThresholdAlerts = 0
    public var trends = 0
    public var trendWindowsDetected = 0
    public var falseTrends = 0
    /// Silences announced (`nodata`), and those stamped outside every window.
    public var silences = 0
    public var falseSilences = 0
    /// Stuck runs announced, and those stamped outside every window.
    public var stuckRuns = 0
    public var falseStuckRuns = 0
    /// Detection delays (first alert inside a window minus the window's start), seconds.
    public var delays: [Double] = []
    /// The days of scored data.
    public var days = 0.0
    /// Scored points that fell inside a snooze after an alert, and their duration in seconds.
    public var snoozedPoints = 0
    public var snoozedSeconds = 0.0

    public init() {}

    public init(outcome: Backtester.SeriesOutcome, snoozeN: Int) {
        let s = outcome.series
        let start = s.probation
        windows = s.windows.count
        guard start < s.timestamps.count else { return }
        days = max(s.timestamps[s.timestamps.count - 1].timeIntervalSince(s.timestamps[start]), 0) / 86_400
        let alerts = Self.match(outcome.alerts, in: s)
        windowsDetected = alerts.delays.count
        delays = alerts.delays
        falseAlerts = alerts.outside
        let changed = Self.match(outcome.changes, in: s)
        changes = changed.marks
        changeWindowsDetected = changed.delays.count
        falseChanges = changed.outside
        let thresholds = Self.match(outcome.thresholdAlerts, in: s)
        thresholdAlerts = thresholds.marks
        thresholdWindowsDetected = thresholds.delays.count
        falseThresholdAlerts = thresholds.outside
        let trended = Self.match(outcome.trends, in: s)
        trends = trended.marks
        trendWindowsDetected = trended.delays.count
        falseTrends = trended.outside
        let silent = Self.match(outcome.silences, in: s)
        silences = silent.marks
        falseSilences = silent.outside
        let stuck = Self.match(outcome.stuck, in: s)
        stuckRuns = stuck.marks
        falseStuckRuns = stuck.outside
        var snoozeLeft = 0
        for i in start..<s.timestamps.count {
            if outcome.alerts[i] {
                snoozeLeft = snoozeN
            } else if snoozeLeft > 0 {
                snoozeLeft -= 1
                snoozedPoints += 1
                if i > 0 { snoozedSeconds += max(s.timestamps[i].timeIntervalSince(s.timestamps[i - 1]), 0) }
            }
        }
    }

    /// Marked rows after probation against `series`' windows: how many, the delay from each
    /// window's start to its first mark (windows without one left out), and how many lie outside
    /// every window.
    static func match(_ marks: [Bool], in series: NABSeries) -> (marks: Int, delays: [Double], outside: Int) {
        let scored = series.probation..<min(series.timestamps.count, marks.count)
        let delays = series.windows.compactMap { window in
            scored.first { marks[$0] && window.contains(series.timestamps[$0]) }
                .map { series.timestamps[$0].timeIntervalSince(window.lowerBound) }
        }
        let marked = scored.filter { marks[$0] }
        let outside = marked.filter { i in !series.windows.contains { $0.contains(series.timestamps[i]) } }.count
        return (marked.count, delays, outside)
    }

    /// The sum of several series' metrics.
    public static func total(_ parts: [BacktestMetrics]) -> BacktestMetrics {
        var t = BacktestMetrics()
        for p in parts {
            t.windows += p.windows
            t.windowsDetected += p.windowsDetected
            t.falseAlerts += p.falseAlerts
            t.changes += p.changes
            t.changeWindowsDetected += p.changeWindowsDetected
            t.falseChanges += p.falseChanges
            t.thresholdAlerts += p.thresholdAlerts
            t.thresholdWindowsDetected += p.thresholdWindowsDetected
            t.falseThresholdAlerts += p.falseThresholdAlerts
            t.trends += p.trends
            t.trendWindowsDetected += p.trendWindowsDetected
            t.falseTrends += p.falseTrends
            t.silences += p.silences
            t.falseSilences += p.falseSilences
            t.stuckRuns += p.stuckRuns
            t.falseStuckRuns += p.falseStuckRuns
            t.delays += p.delays
            t.days += p.days
            t.snoozedPoints += p.snoozedPoints
            t.snoozedSeconds += p.snoozedSeconds
        }
        return t
    }

    public var precision: Double { windowsDetected + falseAlerts == 0 ? 0 : Double(windowsDetected) / Double(windowsDetected + falseAlerts) }
    public var recall: Double { windows == 0 ? 0 : Double(windowsDetected) / Double(windows) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    public var falseAlertsPerDay: Double { days > 0 ? Double(falseAlerts) / days : 0 }
    public var falseChangesPerDay: Double { days > 0 ? Double(falseChanges) / days : 0 }
    public var falseThresholdAlertsPerDay: Double { days > 0 ? Double(falseThresholdAlerts) / days : 0 }
    public var falseTrendsPerDay: Double { days > 0 ? Double(falseTrends) / days : 0 }
    /// Silences and stuck runs announced outside the windows, per day.
    public var falseWatchesPerDay: Double { days > 0 ? Double(falseSilences + falseStuckRuns) / days : 0 }
    /// Every notification sent outside the windows (alerts, level changes, threshold alerts,
    /// trends, silences and stuck runs): what an on-call engineer would have been woken by for
    /// nothing. Over several series, `days` adds up their days, so per day is per series-day.
    public var falseNotifications: Int { falseAlerts + falseChanges + falseThresholdAlerts + falseTrends + falseSilences + falseStuckRuns }
    public var falseNotificationsPerDay: Double { days > 0 ? Double(falseNotifications) / days : 0 }
    public var meanDelay: Double? { delays.isEmpty ? nil : delays.reduce(0, +) / Double(delays.count) }
    public var medianDelay: Double? {
        guard !delays.isEmpty else { return nil }
        let sorted = delays.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    public var json: CanonicalJSON {
        .object([
            "windows": .int(windows), "windows_detected": .int(windowsDetected), "false_alerts": .int(falseAlerts),
            "precision": .number(precision, decimals: 4), "recall": .number(recall, decimals: 4), "f1": .number(f1, decimals: 4),
            "false_alerts_per_day": .number(falseAlertsPerDay, decimals: 4),
            "mean_delay_minutes": meanDelay.map { .number($0 / 60, decimals: 1) } ?? .null,
            "median_delay_minutes": medianDelay.map { .number($0 / 60, decimals: 1) } ?? .null,
            "snoozed_points": .int(snoozedPoints), "snoozed_hours": .number(snoozedSeconds / 3600, decimals: 2),
            "scored_days": .number(days, decimals: 2),
            "changes": .int(changes), "change_windows_detected": .int(changeWindowsDetected), "false_changes": .int(falseChanges),
            "false_changes_per_day": .number(falseChangesPerDay, decimals: 4),
            "threshold_alerts": .int(thresholdAlerts), "threshold_windows_detected": .int(thresholdWindowsDetected),
            "false_threshold_alerts": .int(falseThresholdAlerts),
            "false_threshold_alerts_per_day": .number(falseThresholdAlertsPerDay, decimals: 4),
            "trends": .int(trends), "trend_windows_detected": .int(trendWindowsDetected), "false_trends": .int(falseTrends),
            "false_trends_per_day": .number(falseTrendsPerDay, decimals: 4),
            "no_data": .int(silences), "false_no_data": .int(falseSilences), "stuck": .int(stuckRuns), "false_stuck": .int(falseStuckRuns),
            "false_notifications": .int(falseNotifications), "false_notifications_per_day": .number(falseNotificationsPerDay, decimals: 4),
        ])
    }
}
