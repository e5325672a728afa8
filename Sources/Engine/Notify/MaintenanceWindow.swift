import Foundation

/// A maintenance window of a batch (`maintenance_windows`): a span (`start` to `end`, or from
/// `start` on with `forever: true`) or a recurring one (`cron` and `duration`: every Sunday 02:00
/// for 2h), over the whole batch, some `metrics`, or the metrics whose tags `match`. Notifications
/// raised inside it are recorded as muted, not sent, like those of a mute.
public struct MaintenanceWindow: Sendable, Hashable {
    public enum When: Sendable, Hashable {
        case span(start: Date, end: Date?)
        case recurring(cron: CronExpression, duration: TimeInterval)
    }

    public var when: When
    /// The metrics it covers; empty covers every metric (unless `match` narrows them).
    public var metrics: [String]
    /// Tags a metric must carry to be covered.
    public var match: [String: String]

    /// Reads the window at `index` of `value`, or says what is wrong with it.
    public static func parse(_ value: ConfigValue, index: Int) -> Result<MaintenanceWindow, ConfigError> {
        func fail(_ message: String) -> Result<MaintenanceWindow, ConfigError> {
            .failure(ConfigError(file: "", key: "maintenance_windows", line: nil, message: "window \(index + 1): \(message)"))
        }
        guard let map = value.mapValue else { return fail("expected a map") }
        for key in map.keys.sorted() where !["start", "end", "forever", "cron", "duration", "metrics", "match"].contains(key) {
            let hint = NearestName.nearest(to: key, among: ["start", "end", "forever", "cron", "duration", "metrics", "match"])
            return fail("unknown key '\(key)'\(hint.map { " (did you mean '\($0)'?)" } ?? "")")
        }
        let metrics = (map["metrics"]?.listValue ?? []).compactMap(\.stringValue)
        if let list = map["metrics"], list != .null, list.listValue == nil { return fail("'metrics' must be a list of metric names") }
        var match: [String: String] = [:]
        for (tag, v) in map["match"]?.mapValue ?? [:] {
            guard let text = v.scalarText else { return fail("'match' must map tags to values") }
            match[tag] = text
        }
        let when: When
        if let cronText = map["cron"]?.stringValue {
            guard map["start"] == nil, map["end"] == nil else { return fail("give either cron and duration, or start and end") }
            let cron: CronExpression
            do { cron = try CronExpression(cronText) } catch { return fail("cron '\(cronText)': \(error)") }
            guard let durationText = map["duration"]?.scalarText, case .span(let seconds)? = try? TimeWindow(parsing: durationText) else {
                return fail("a cron window needs a duration such as 30m, 2h or 1d")
            }
            when = .recurring(cron: cron, duration: seconds)
        } else if let startText = map["start"]?.scalarText {
            guard let start = MetricTimestamp.parse(startText) else { return fail("start '\(startText)' is not a UTC time") }
            if let endText = map["end"]?.scalarText {
                guard let end = MetricTimestamp.parse(endText) else { return fail("end '\(endText)' is not a UTC time") }
                guard end > start else { return fail("end \(endText) is not after start \(startText)") }
                when = .span(start: start, end: end)
            } else {
                guard map["forever"] == .bool(true) else { return fail("a window without an end needs forever: true") }
                when = .span(start: start, end: nil)
            }
        } else {
            return fail("give start and end (or forever: true), or cron and duration")
        }
        return .success(MaintenanceWindow(when: when, metrics: metrics, match: match))
    }

    /// Until when the window holds `metric` (with `tags`) at `time`, or nil when it does not cover it then.
    public func covers(metric: String, tags: [String: String], at time: Date) -> Date? {
        guard metrics.isEmpty || metrics.contains(metric), match.allSatisfy({ tags[$0.key] == $0.value }) else { return nil }
        switch when {
        case .span(let start, let end):
            guard time >= start, end.map({ time < $0 }) ?? true else { return nil }
            return end ?? .distantFuture
        case .recurring(let cron, let duration):
            guard let tick = cron.latest(atOrBefore: time), time < tick.addingTimeInterval(duration) else { return nil }
            return tick.addingTimeInterval(duration)
        }
    }
}
