import Engine
import Foundation
import Yams

/// A replay scenario, loaded from `scenarios/<name>/scenario.yaml` (format in docs/scenarios.md).
public struct Scenario: Sendable {
    public var name: String
    /// The scenario file, as the user named it (for messages and repro commands).
    public var file: String
    public var description: String
    public var start: Date
    public var end: Date
    public var interval: TimeInterval
    public var seed: UInt64
    /// The batch under test, as YAML text in `metrics/` form (defaults applied when loaded).
    public var batchYAML: String
    public var series: [SeriesSpec]
    /// The batch's Python `ingest_fn` makes the data instead of `series` (run at each ingest,
    /// with the replay's `now`, in the scenario's folder).
    public var usesIngestFunction: Bool
    /// Files the batch's templates include, by the path they are included as (read from the
    /// scenario's folder), so an `ingest_fn: {% include "ingest.py" %}` renders as it would live.
    public var includedFiles: [String: String]
    public var events: [TimedEvent]
    public var expectations: [Expectation]
    public var tolerance: Tolerance
    /// The folder the scenario file is in (an `ingest_fn` runs there).
    public var folder: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }
    /// Hash of the scenario file and every data file it read.
    public var hash: String

    /// Parses a scenario. `read` returns a file's text given a path relative to the scenario
    /// folder, or under `shared/` for the shared data folder.
    public static func parse(
        name: String, file: String, text: String, seedOverride: UInt64?,
        read: @escaping (String) throws -> (path: String, text: String)
    ) throws -> Scenario {
        let document: ConfigDocument
        do {
            document = try ConfigDocument(path: file, text: text)
        } catch let error as ConfigError {
            throw ScenarioError(file: file, key: error.key ?? "(top)", line: error.line, error.message)
        }
        let top = ScenarioValues(file: file, path: "", document.values, lines: document.keyLines)
        try top.only(["description", "start", "end", "ticks", "interval", "seed", "batch", "schedule", "series", "events", "expect", "tolerance"])
        guard let start = try top.time("start") else { throw top.fail("start", "missing: the replay's start time") }
        let interval = try top.duration("interval") ?? 3600
        guard interval > 0 else { throw top.fail("interval", "must be positive") }
        let end: Date
        if let e = try top.time("end") {
            end = e
        } else if let ticks = try top.int("ticks") {
            end = start.addingTimeInterval(Double(ticks) * interval)
        } else {
            throw top.fail("end", "missing: give end or ticks")
        }
        guard end > start else { throw top.fail("end", "must be after start") }
        // A scenario is a replayed test: a span that would generate millions of points per series
        // is a typo (a ticks or end off by orders of magnitude), refused before anything is built.
        let points = end.timeIntervalSince(start) / interval
        guard points <= Double(Self.maxPoints) else {
            throw top.fail(
                top.map["end"] != nil ? "end" : "ticks",
                "\(Int(min(points, 1e15))) points a series at interval \(Int(interval)) s; a scenario holds at most \(Self.maxPoints)")
        }
        let seed = try seedOverride ?? top.int("seed").map { UInt64(bitPattern: Int64($0)) } ?? 0
        var hash = StableHash()
        hash.combine(text)

        let batchYAML = try Self.batchYAML(document: text, name: name, top: top)
        let ingestFunction = try Self.ingestFunction(top)
        var includedFiles: [String: String] = [:]
        if let ingestFunction {
            try Self.readIncludes(of: ingestFunction, into: &includedFiles, top: top) { path in
                let file = try read(path)
                hash.combine(file.text)
                return file.text
            }
        }

        var series: [SeriesSpec] = []
        let seriesMap = try top.child("series")
        if ingestFunction != nil, seriesMap != nil {
            throw top.fail("series", "the batch's ingest_fn makes this scenario's data: give series or an ingest_fn, not both")
        }
        if ingestFunction == nil, seriesMap?.map.isEmpty ?? true { throw top.fail("series", "missing: at least one series (or a batch ingest_fn)") }
        for metric in seriesMap?.map.keys.sorted() ?? [] {
            guard let values = try seriesMap?.child(metric) else { throw top.fail("series.\(metric)", "expected a map") }
            let generator = SeriesGenerator(values: values, name: metric, start: start, end: end, interval: interval, seed: seed) { path in
                let file = try read(path)
                hash.combine(file.text)
                return file
            }
            series.append(SeriesSpec(name: metric, points: try generator.points(), arrival: try generator.arrival()))
        }
        let events = try Self.events(top, start: start, end: end)
        guard ingestFunction != nil || series.contains(where: { !$0.points.isEmpty }) else {
            throw top.fail("series", "no series has a point between start and end: the replay would ingest nothing")
        }
        let expectations = try ExpectationParser(
            top: top, start: start, end: end, metrics: ingestFunction == nil ? series.map(\.name) : nil, read: read
        ).parse()
        var tolerance = Tolerance()
        if let t = try top.child("tolerance") {
            try t.only(["score", "value"])
            for field in ["score", "value"] {
                guard let f = try t.child(field) else { continue }
                try f.only(["absolute", "relative"])
                let absolute = try f.number("absolute") ?? 0
                let relative = try f.number("relative") ?? 0
                if field == "score" {
                    tolerance.scoreAbsolute = absolute
                    tolerance.scoreRelative = relative
                } else {
                    tolerance.valueAbsolute = absolute
                    tolerance.valueRelative = relative
                }
            }
        }
        return Scenario(
            name: name, file: file, description: try top.string("description") ?? "", start: start, end: end,
            interval: interval, seed: seed, batchYAML: batchYAML, series: series, usesIngestFunction: ingestFunction != nil,
            includedFiles: includedFiles, events: events,
            expectations: expectations, tolerance: tolerance, hash: hash.hex)
    }

    /// The most points a series of a scenario may span (start to end over the interval): two years
    /// of five-minute points, which a replay already takes many minutes over.
    static let maxPoints = 210_240

    /// The batch's `ingest_fn` source (before rendering), or nil when the scenario's series are the data.
    static func ingestFunction(_ top: ScenarioValues) throws -> String? {
        guard let batch = try top.child("batch"), batch.map["ingest_fn"] != nil else { return nil }
        guard let source = try batch.string("ingest_fn"), !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw batch.fail("ingest_fn", "expected Python source defining ingest()")
        }
        return source
    }

    /// Reads the files `template` includes (and those they include) from the scenario's folder.
    static func readIncludes(
        of template: String, into files: inout [String: String], top: ScenarioValues, depth: Int = 0,
        read: (String) throws -> String
    ) throws {
        for name in IncludeGraph.includedNames(template) {
            let path = IncludeGraph.normalised(name)
            guard files[path] == nil else { continue }
            guard depth < IncludeGraph.maxDepth else { throw top.fail("batch", "includes nested deeper than \(IncludeGraph.maxDepth) at \(path)") }
            let text = try read(path)
            files[path] = text
            try readIncludes(of: text, into: &files, top: top, depth: depth + 1, read: read)
        }
    }

    /// The `batch:` map as YAML, with the name, a placeholder ingest query (the scenario's series
    /// are the data) and the `schedule:` overrides filled in.
    static func batchYAML(document text: String, name: String, top: ScenarioValues) throws -> String {
        guard let node = try Yams.compose(yaml: text), case .mapping(let mapping) = node else { return "" }
        var batch = Node.Mapping([])
        if let value = mapping["batch"] {
            guard case .mapping(let m) = value else { throw top.fail("batch", "expected a map of batch keys") }
            batch = m
        }
        if batch["metric_batch"] == nil { batch["metric_batch"] = Node(name) }
        if batch["ingest_sql"] == nil && batch["ingest_fn"] == nil { batch["ingest_sql"] = Node("-- replay: rows come from the scenario's series") }
        // Only the jobs the scenario schedules run (tholdalert follows ingest, as it does live).
        let schedulable = JobKind.allCases.filter { $0.follows == nil }
        let schedule = try top.child("schedule")
        try schedule?.only(schedulable.map(\.rawValue))
        for job in schedulable {
            let cron = try schedule?.string(job.rawValue)
            if let cron { batch["\(job.rawValue)_cron_schedule"] = Node(cron) }
            batch["\(job.rawValue)_default_schedule_status"] = Node(cron == nil ? "STOPPED" : "RUNNING")
        }
        return try Yams.serialize(node: .mapping(batch))
    }

    /// The scenario's events, each within the replay's span: an event before `start` or after
    /// `end` would never happen, and a clock moved outside the span would make the scheduler replay
    /// every tick from there (a jump to 1900 would run for hours).
    static func events(_ top: ScenarioValues, start: Date, end: Date) throws -> [TimedEvent] {
        var events: [TimedEvent] = []
        let span = "\(MetricTimestamp.formatISO(start)) to \(MetricTimestamp.formatISO(end))"
        for (order, item) in try top.list("events").enumerated() {
            guard let at = try item.time("at") else { throw item.fail("at", "missing: when the event happens") }
            guard at >= start && at <= end else {
                throw item.fail("at", "\(MetricTimestamp.formatISO(at)) lies outside the replay (\(span)), so the event would never happen")
            }
            let kinds = item.map.keys.filter { $0 != "at" }.sorted()
            guard kinds.count == 1 else {
                throw item.fail("at", "each event has at and one of feedback, mute, unmute, snooze, maintenance, set, clock, fail")
            }
            let event: ScenarioEvent
            switch kinds[0] {
            case "feedback":
                guard let f = try item.child("feedback") else { throw item.fail("feedback", "expected a map") }
                try f.only(["metric", "alert_at", "thumbs"])
                guard let metric = try f.string("metric"), let alertAt = try f.time("alert_at"), let thumbs = try f.string("thumbs"),
                    ["up", "down"].contains(thumbs)
                else { throw f.fail("thumbs", "feedback needs metric, alert_at and thumbs: up|down") }
                event = .feedback(metric: metric, alertAt: alertAt, positive: thumbs == "up")
            case "mute", "snooze":
                guard let m = try item.child(kinds[0]) else { throw item.fail(kinds[0], "expected a map") }
                try m.only(["metric", "until", "for"])
                let metric = try m.string("metric")
                var until = try m.time("until")
                if let span = try m.duration("for") { until = at.addingTimeInterval(span) }
                if kinds[0] == "snooze" {
                    guard let metric else { throw m.fail("metric", "missing") }
                    guard let until else { throw m.fail("for", "a snooze needs for or until") }
                    event = .snooze(metric: metric, until: until)
                } else {
                    event = .mute(metric: metric, until: until)
                }
            case "unmute":
                guard let m = try item.child("unmute") else { throw item.fail("unmute", "expected a map (metric, or {} for the batch)") }
                event = .unmute(metric: try m.string("metric"))
            case "maintenance":
                guard let m = try item.child("maintenance") else { throw item.fail("maintenance", "expected a map") }
                var keys = m.map
                let reason = try m.string("reason")
                keys["reason"] = nil
                switch MaintenanceWindow.parse(.map(keys), index: nil) {
                case .success(let window): event = .maintenance(window, reason: reason)
                case .failure(let error): throw item.fail("maintenance", error.message)
                }
            case "set":
                guard let m = try item.child("set"), !m.map.isEmpty else { throw item.fail("set", "expected a map of keys") }
                event = .set(
                    try m.map.keys.sorted().map { key in
                        let value = m.map[key]!
                        guard let text = value.scalarText else { throw m.fail(key, "only scalar values can be set by an event") }
                        return "\(key)=\(text)"
                    })
            case "clock":
                guard let m = try item.child("clock") else { throw item.fail("clock", "expected a map") }
                try m.only(["to", "jump"])
                if let to = try m.time("to") {
                    event = .clockJump(to: to)
                } else if let jump = try m.duration("jump") {
                    event = .clockJump(to: at.addingTimeInterval(jump))
                } else {
                    throw m.fail("jump", "a clock event needs to or jump")
                }
                if case .clockJump(let target) = event, target < start || target > end {
                    throw m.fail(
                        m.map["to"] != nil ? "to" : "jump",
                        "moves the clock to \(MetricTimestamp.formatISO(target)), outside the replay (\(span))")
                }
            case "fail":
                guard let m = try item.child("fail"), let job = try m.string("job").flatMap(JobKind.init) else {
                    throw item.fail("fail", "needs job: \(JobKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                event = .fail(job)
            default:
                let hint =
                    NearestName.nearest(
                        to: kinds[0], among: ["feedback", "mute", "unmute", "snooze", "maintenance", "set", "clock", "fail"])
                    .map { " (did you mean '\($0)'?)" } ?? ""
                throw item.fail(kinds[0], "unknown event\(hint)")
            }
            events.append(TimedEvent(at: at, event: event, order: order))
        }
        return events.sorted { ($0.at, $0.order) < ($1.at, $1.order) }
    }
}
