import Engine
import Foundation

/// Reads a scenario's `expect:` map (format in docs/scenarios.md), and checks that it makes
/// sense, so a replay cannot pass by accident: every metric it names is one of the scenario's
/// series, every time range meets the replayed span, and a scenario says what it expects
/// (`expect: none` when it only records goldens, on purpose).
struct ExpectationParser {
    let top: ScenarioValues
    let start: Date
    let end: Date
    /// The scenario's series: the only metrics a replay can alert on. Nil when an `ingest_fn`
    /// makes the data, whose metrics are known only once it ran (the driver checks them then).
    let metrics: [String]?
    let read: (String) throws -> (path: String, text: String)

    func parse() throws -> [Expectation] {
        if top.map["expect"]?.stringValue == "none" { return [] }
        guard let expect = try top.child("expect"), !expect.map.isEmpty else {
            throw top.fail(
                "expect",
                "missing: a scenario says what the replay must show (alerts, no_alerts, scores, ...), "
                    + "or `expect: none` when it only records goldens on purpose; without it any outcome would pass")
        }
        try expect.only([
            "alerts", "no_alerts", "scores", "alert_count", "nab", "changes", "no_changes", "tholdalerts",
            "no_tholdalerts", "notifications",
        ])
        return try expectations(expect)
    }

    /// A metric an expectation names must be one of the scenario's series: `cpuu` for `cpu` would
    /// otherwise never alert, and a `no_alerts` on it always pass.
    func check(metric: String?, at item: ScenarioValues, key: String = "metric") throws {
        guard let metric, let metrics, !metrics.contains(metric) else { return }
        let hint = NearestName.nearest(to: metric, among: metrics).map { " (did you mean '\($0)'?)" } ?? ""
        throw item.fail(key, "'\(metric)' is not a series of this scenario\(hint); its series: \(metrics.joined(separator: ", "))")
    }

    /// A range must meet the replayed span: one wholly before or after it holds nothing to check.
    func check(range: ClosedRange<Date>?, at item: ScenarioValues, key: String) throws {
        guard let range, range.upperBound < start || range.lowerBound > end else { return }
        throw item.fail(
            key,
            "\(Self.show(range)) lies outside the replay (\(MetricTimestamp.format(start)) to \(MetricTimestamp.format(end))), "
                + "so nothing there can be checked")
    }

    private func expectations(_ expect: ScenarioValues) throws -> [Expectation] {
        var result: [Expectation] = []
        for item in try expect.list("alerts") {
            try item.only(["metric", "at", "between", "min_score"])
            guard let metric = try item.string("metric") else { throw item.fail("metric", "missing") }
            try check(metric: metric, at: item)
            let minScore = try item.number("min_score")
            if let at = try item.time("at") {
                try check(range: at...at, at: item, key: "at")
                result.append(
                    .alert(
                        metric: metric, window: at...at, exact: true, minScore: minScore,
                        label: "\(item.path): alert on \(metric) at \(MetricTimestamp.format(at))"))
            } else if let range = try item.range("between") {
                try check(range: range, at: item, key: "between")
                result.append(
                    .alert(
                        metric: metric, window: range, exact: false, minScore: minScore,
                        label: "\(item.path): alert on \(metric) between \(Self.show(range))"))
            } else {
                throw item.fail("at", "an expected alert needs at or between")
            }
        }
        for item in try expect.list("no_alerts") {
            try item.only(["metric", "between"])
            let metric = try item.string("metric")
            let range = try item.range("between")
            try check(metric: metric, at: item)
            try check(range: range, at: item, key: "between")
            result.append(
                .noAlert(
                    metric: metric, window: range,
                    label: "\(item.path): no alert on \(metric ?? "any metric")\(range.map { " between \(Self.show($0))" } ?? "")"))
        }
        for item in try expect.list("scores") {
            try item.only(["metric", "between", "min", "max"])
            guard let metric = try item.string("metric") else { throw item.fail("metric", "missing") }
            let range = try item.range("between")
            try check(metric: metric, at: item)
            try check(range: range, at: item, key: "between")
            let low = try item.number("min")
            let high = try item.number("max")
            guard low != nil || high != nil else { throw item.fail("min", "give min, max or both") }
            result.append(
                .scores(
                    metric: metric, window: range, min: low, max: high,
                    label:
                        "\(item.path): scores of \(metric) within [\(low.map { Fixed.format($0, 3) } ?? "-"), \(high.map { Fixed.format($0, 3) } ?? "-")]"
                ))
        }
        for item in try expect.list("alert_count") {
            try item.only(["metric", "min", "max", "per_day"])
            let metric = try item.string("metric")
            try check(metric: metric, at: item)
            let low = try item.int("min")
            let high = try item.int("max")
            guard low != nil || high != nil else { throw item.fail("min", "give min, max or both") }
            let perDay = try item.bool("per_day") ?? false
            result.append(
                .alertCount(
                    metric: metric, min: low, max: high, perDay: perDay,
                    label:
                        "\(item.path): \(perDay ? "alerts per day" : "alerts") on \(metric ?? "all metrics") in [\(low.map(String.init) ?? "-"), \(high.map(String.init) ?? "-")]"
                ))
        }
        for (key, type, present) in [
            ("changes", MetricType.change, true), ("no_changes", .change, false),
            ("tholdalerts", .tholdalert, true), ("no_tholdalerts", .tholdalert, false),
        ] {
            for item in try expect.list(key) {
                try item.only(["metric", "at", "between"])
                let metric = try item.string("metric")
                if present && metric == nil { throw item.fail("metric", "missing") }
                let range = try item.time("at").map { $0...$0 } ?? item.range("between")
                if present && range == nil { throw item.fail("at", "needs at or between") }
                try check(metric: metric, at: item)
                try check(range: range, at: item, key: item.has("at") ? "at" : "between")
                let what = "\(present ? "a" : "no") \(type.rawValue) on \(metric ?? "any metric")"
                result.append(
                    .mark(
                        type: type, metric: metric, window: range, present: present,
                        label: "\(item.path): \(what)\(range.map { " between \(Self.show($0))" } ?? "")"))
            }
        }
        for item in try expect.list("notifications") {
            let fields = ["alert_type", "metric", "status", "method", "severity"]
            try item.only(fields + ["min", "max"])
            var filter: [String: String] = [:]
            for field in fields { if let v = try item.string(field) { filter[field] = v } }
            try check(metric: filter["metric"], at: item)
            let low = try item.int("min")
            let high = try item.int("max")
            guard low != nil || high != nil else { throw item.fail("min", "give min, max or both") }
            let described = filter.keys.sorted().map { "\($0)=\(filter[$0]!)" }.joined(separator: " ")
            result.append(
                .notifications(
                    filter: filter, min: low, max: high,
                    label:
                        "\(item.path): deliveries with \(described.isEmpty ? "any fields" : described) in [\(low.map(String.init) ?? "-"), \(high.map(String.init) ?? "-")]"
                ))
        }
        if let nab = try expect.child("nab") {
            try nab.only(["labels", "file", "metric", "max_outside", "min_windows"])
            guard let labels = try nab.string("labels"), let key = try nab.string("file"), let metric = try nab.string("metric") else {
                throw nab.fail("file", "nab expectations need labels, file and metric")
            }
            try check(metric: metric, at: nab)
            let windows = try Self.nabWindows(labels: labels, key: key, read: read, at: nab)
            let minimum = try nab.int("min_windows") ?? windows.count
            result.append(
                .windowsHit(
                    metric: metric, windows: windows, minimum: minimum,
                    label: "expect.nab: alerts in at least \(minimum) of \(windows.count) labelled windows of \(key)"))
            if let maxOutside = try nab.int("max_outside") {
                result.append(
                    .alertsOutside(
                        metric: metric, windows: windows, max: maxOutside,
                        label: "expect.nab: at most \(maxOutside) alerts outside the labelled windows of \(key)"))
            }
        }
        return result
    }

    /// The labelled windows of one file in NAB's `combined_windows.json` shape.
    static func nabWindows(
        labels: String, key: String, read: (String) throws -> (path: String, text: String),
        at values: ScenarioValues
    ) throws -> [ClosedRange<Date>] {
        let (path, text) = try read(labels)
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ScenarioError(file: path, key: "(top)", "not a JSON object of file -> windows")
        }
        guard let raw = json[key] as? [[String]] else {
            throw values.fail("file", "'\(key)' is not in \(path)")
        }
        return try raw.map { pair in
            guard pair.count == 2, let a = MetricTimestamp.parse(pair[0]), let b = MetricTimestamp.parse(pair[1]), a <= b else {
                throw ScenarioError(file: path, key: key, "bad window \(pair)")
            }
            return a...b
        }
    }

    static func show(_ range: ClosedRange<Date>) -> String {
        "\(MetricTimestamp.format(range.lowerBound)) and \(MetricTimestamp.format(range.upperBound))"
    }
}
