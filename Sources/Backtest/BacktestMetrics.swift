import Engine
import Foundation

/// Event-level results of alerts against labelled windows, for one series or many: a window
/// counts once however many alerts it holds; an alert outside every window (after the
/// probationary rows) is a false alert.
public struct BacktestMetrics: Sendable, Hashable {
    public var windows = 0
    public var windowsDetected = 0
    public var falseAlerts = 0
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
        for window in s.windows {
            if let first = (start..<s.timestamps.count).first(where: { outcome.alerts[$0] && window.contains(s.timestamps[$0]) }) {
                windowsDetected += 1
                delays.append(s.timestamps[first].timeIntervalSince(window.lowerBound))
            }
        }
        var snoozeLeft = 0
        for i in start..<s.timestamps.count {
            if outcome.alerts[i] {
                if !s.windows.contains(where: { $0.contains(s.timestamps[i]) }) { falseAlerts += 1 }
                snoozeLeft = snoozeN
            } else if snoozeLeft > 0 {
                snoozeLeft -= 1
                snoozedPoints += 1
                if i > 0 { snoozedSeconds += max(s.timestamps[i].timeIntervalSince(s.timestamps[i - 1]), 0) }
            }
        }
    }

    /// The sum of several series' metrics.
    public static func total(_ parts: [BacktestMetrics]) -> BacktestMetrics {
        var t = BacktestMetrics()
        for p in parts {
            t.windows += p.windows
            t.windowsDetected += p.windowsDetected
            t.falseAlerts += p.falseAlerts
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
        ])
    }
}
