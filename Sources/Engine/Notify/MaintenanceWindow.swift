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
    /// The metrics it covers, sorted; empty covers every metric (unless `match` narrows them).
    public var metrics: [String]
    /// Tags a metric must carry to be covered.
    public var match: [String: String]

    public init(when: When, metrics: [String] = [], match: [String: String] = [:]) {
        self.when = when
        self.metrics = metrics.sorted()
        self.match = match
    }

    /// Reads the window at `index` of `value` (a window on its own when nil), or says what is wrong with it.
    public static func parse(_ value: ConfigValue, index: Int?) -> Result<MaintenanceWindow, ConfigError> {
        func fail(_ message: String) -> Result<MaintenanceWindow, ConfigError> {
            .failure(
                ConfigError(file: "", key: "maintenance_windows", line: nil, message: index.map { "window \($0 + 1): \(message)" } ?? message))
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

    /// The window as the keys that define it, normalised (UTC times, the duration as 2h), so a
    /// window written twice in different words has one form: stored windows keep it, and their
    /// id is made from it.
    public var spec: CanonicalJSON {
        var fields: [String: CanonicalJSON] = [:]
        switch when {
        case .span(let start, let end):
            fields["start"] = .string(MetricTimestamp.format(start))
            if let end { fields["end"] = .string(MetricTimestamp.format(end)) } else { fields["forever"] = .bool(true) }
        case .recurring(let cron, let duration):
            fields["cron"] = .string(cron.description)
            fields["duration"] = .string(TimeWindow.span(seconds: duration).description)
        }
        if !metrics.isEmpty { fields["metrics"] = .array(metrics.sorted().map(CanonicalJSON.string)) }
        if !match.isEmpty { fields["match"] = .object(match.mapValues(CanonicalJSON.string)) }
        return .object(fields)
    }

    /// The window in a line, for lists: "2026-02-01 10:00:00 to 2026-02-01 12:00:00, metrics orders".
    public var summary: String {
        var text: String
        switch when {
        case .span(let start, let end?): text = "\(MetricTimestamp.format(start)) to \(MetricTimestamp.format(end)) UTC"
        case .span(let start, nil): text = "from \(MetricTimestamp.format(start)) UTC, forever"
        case .recurring(let cron, let duration): text = "cron '\(cron.description)' for \(TimeWindow.span(seconds: duration).description)"
        }
        if !metrics.isEmpty { text += ", metrics " + metrics.sorted().joined(separator: ", ") }
        if !match.isEmpty { text += ", tags " + match.keys.sorted().map { "\($0)=\(match[$0]!)" }.joined(separator: ", ") }
        return text
    }

    /// Whether the window can still cover a time at or after `now` (a span that ended cannot).
    public func isOver(at now: Date) -> Bool {
        if case .span(_, let end?) = when { return end <= now }
        return false
    }

    /// Until when the window holds `metric` (with `tags`) at `time`, or nil when it does not cover it then.
    public func covers(metric: String, tags: [String: String], at time: Date) -> Date? {
        guard metrics.isEmpty || metrics.contains(metric), match.allSatisfy({ tags[$0.key] == $0.value }) else { return nil }
        return openUntil(at: time)
    }

    /// Until when the window is open at `time`, whatever it covers, or nil when it is closed then.
    public func openUntil(at time: Date) -> Date? {
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

extension BatchConfig {
    /// The batch's own `maintenance_windows`, read. The loader refuses a batch with a window it
    /// cannot read, so a loaded batch's windows all read.
    public var configuredMaintenanceWindows: [MaintenanceWindow] {
        self[.maintenanceWindows].enumerated().compactMap { index, value in try? MaintenanceWindow.parse(value, index: index).get() }
    }
}
