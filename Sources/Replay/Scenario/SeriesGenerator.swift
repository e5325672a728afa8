import Engine
import Foundation

/// Builds series points from a scenario's `series.<name>` map: promtool notation (`values`),
/// a CSV file (`csv`), or generator components added together (`components`), every random
/// draw from the scenario seed, the series name and the component's position.
struct SeriesGenerator {
    let values: ScenarioValues
    let name: String
    let start: Date
    let end: Date
    let interval: TimeInterval
    let seed: UInt64
    let resolveFile: (String) throws -> (path: String, text: String)

    static let componentNames = [
        "level", "daily", "weekly", "trend", "noise", "random_walk", "spike", "dip",
        "level_shift", "variance_change", "flat", "gap",
    ]

    func points() throws -> [SeriesPoint] {
        try values.only(["values", "csv", "components", "every", "points", "arrival", "description"])
        let sources = ["values", "csv", "components"].filter(values.has)
        guard sources.count == 1 else {
            throw values.fail(
                "values", "give exactly one of values, csv or components (got \(sources.isEmpty ? "none" : sources.joined(separator: ", ")))")
        }
        let every = try values.duration("every") ?? interval
        guard every > 0 else { throw values.fail("every", "must be positive") }
        if values.has("csv") { return try csvPoints() }
        if let notation = try values.string("values") {
            switch SeriesNotation.expand(notation) {
            case .success(let expanded):
                return expanded.enumerated().map { SeriesPoint(timestamp: start.addingTimeInterval(Double($0) * every), value: $1) }
            case .failure(let error):
                throw values.fail("values", "cannot read '\(error.token)' (write a, a+bxn, axn, _ or _xn)")
            }
        }
        let count = try values.int("points") ?? Int(((end.timeIntervalSince(start)) / every).rounded(.down)) + 1
        guard count > 0 else { throw values.fail("points", "must be positive") }
        let times = (0..<count).map { start.addingTimeInterval(Double($0) * every) }
        var series = [Double?](repeating: 0, count: count)
        for (index, component) in try values.list("components").enumerated() {
            try apply(component, index: index, times: times, every: every, to: &series)
        }
        return zip(times, series).map { SeriesPoint(timestamp: $0, value: $1.map { ($0 * 10_000).rounded() / 10_000 }) }
    }

    private func apply(_ component: ScenarioValues, index: Int, times: [Date], every: TimeInterval, to series: inout [Double?]) throws {
        guard component.map.count == 1, let kind = component.map.keys.first else {
            throw component.fail("", "each component is one of \(Self.componentNames.joined(separator: ", ")), as a one-key map")
        }
        guard Self.componentNames.contains(kind) else {
            let hint = NearestName.nearest(to: kind, among: Self.componentNames).map { " (did you mean '\($0)'?)" } ?? ""
            throw component.fail(kind, "unknown component\(hint)")
        }
        var rng = Xoshiro256(runSeed: seed, scope: "series", name, String(index), kind)
        let shorthand = component.map[kind]?.doubleValue
        let p =
            try shorthand == nil
            ? component.child(kind) ?? ScenarioValues(file: component.file, path: "\(component.path).\(kind)", [:], lines: component.lines)
            : ScenarioValues(file: component.file, path: "\(component.path).\(kind)", [:], lines: component.lines)
        func add(_ f: (Int, Date) -> Double) {
            for i in series.indices { if let v = series[i] { series[i] = v + f(i, times[i]) } }
        }
        func inWindow(_ t: Date, _ from: Date, _ to: Date?) -> Bool { t >= from && (to.map { t < $0 } ?? true) }
        let days = { (t: Date) in t.timeIntervalSince(self.start) / 86_400 }
        switch kind {
        case "level":
            let level = try shorthand ?? p.number("value") ?? 0
            add { _, _ in level }
        case "daily", "weekly":
            let amplitude = try shorthand ?? p.number("amplitude") ?? 1
            let period = kind == "daily" ? 86_400.0 : 604_800.0
            let phase = try p.duration("phase") ?? 0
            add { _, t in amplitude * sin(2 * .pi * (t.timeIntervalSince1970 - phase) / period) }
        case "trend":
            let perDay = try shorthand ?? p.number("per_day") ?? 0
            // From `from` on (a leak that starts one day), else from the start.
            let from = try p.time("from")
            add { _, t in
                guard let from else { return perDay * days(t) }
                return t >= from ? perDay * (days(t) - days(from)) : 0
            }
        case "noise":
            let sd = try shorthand ?? p.number("sd") ?? 1
            add { _, _ in sd * rng.nextGaussian() }
        case "random_walk":
            let sd = try shorthand ?? p.number("sd") ?? 1
            var walk = 0.0
            add { _, _ in
                walk += sd * rng.nextGaussian()
                return walk
            }
        case "spike", "dip":
            guard let at = try p.time("at") else { throw p.fail("at", "missing: when the \(kind) happens") }
            let size = abs(try p.number("size") ?? 10) * (kind == "dip" ? -1 : 1)
            let width = try p.int("width") ?? 1
            guard let first = times.firstIndex(where: { $0 >= at }) else { throw p.fail("at", "is after the series ends") }
            add { i, _ in i >= first && i < first + width ? size : 0 }
        case "level_shift":
            guard let at = try p.time("at") else { throw p.fail("at", "missing: when the shift happens") }
            let size = try p.number("size") ?? 10
            add { _, t in t >= at ? size : 0 }
        case "variance_change":
            guard let at = try p.time("at") else { throw p.fail("at", "missing: when the variance changes") }
            let until = try p.time("until")
            let sd = try p.number("sd") ?? 1
            add { _, t in inWindow(t, at, until) ? sd * rng.nextGaussian() : 0 }
        case "flat":
            guard let from = try p.time("from") else { throw p.fail("from", "missing: when the flat line starts") }
            let to = try p.time("to")
            let fixed = try p.number("value")
            var held: Double?
            for i in series.indices where inWindow(times[i], from, to) {
                if held == nil { held = fixed ?? series[i] ?? 0 }
                if series[i] != nil { series[i] = held }
            }
        case "gap":
            guard let from = try p.time("from") else { throw p.fail("from", "missing: when the gap starts") }
            let to = try p.time("to")
            for i in series.indices where inWindow(times[i], from, to) { series[i] = nil }
        default:
            break
        }
    }

    private func csvPoints() throws -> [SeriesPoint] {
        let (path, text) = try resolveFile(try values.string("csv")!)
        let table: CSVTable
        do {
            // The header row is optional: a first field that is not a time is taken for one.
            let first = text.prefix { $0 != "," && !$0.isNewline }.trimmingCharacters(in: .whitespaces)
            table = try CSVTable.parse(text, file: path, hasHeader: MetricTimestamp.parse(first) == nil)
        } catch let error as CSVError {
            throw ScenarioError(file: path, key: "csv", error.description)
        }
        var points: [SeriesPoint] = []
        for row in table.rows.indices {
            let line = "line \(table.lines[row])"
            guard table.rows[row].count >= 2, let t = MetricTimestamp.parse(table.field(row, 0)) else {
                throw ScenarioError(file: path, key: line, "expected timestamp,value, got '\(table.rows[row].joined(separator: ","))'")
            }
            let value = table.field(row, 1)
            if value.isEmpty || value == "_" {
                points.append(SeriesPoint(timestamp: t, value: nil))
            } else if let v = Double(value), v.isFinite {
                points.append(SeriesPoint(timestamp: t, value: v))
            } else {
                throw ScenarioError(file: path, key: line, "value '\(value)' is not a number")
            }
        }
        guard !points.isEmpty else { throw values.fail("csv", "\(path) has no rows") }
        return points
    }

    func arrival() throws -> ArrivalSpec {
        var spec = ArrivalSpec()
        guard let a = try values.child("arrival") else { return spec }
        try a.only(["delay", "late", "late_every", "duplicate_every", "reorder"])
        spec.delay = try a.duration("delay") ?? 0
        for item in try a.list("late") {
            try item.only(["at", "by"])
            guard let at = try item.time("at"), let by = try item.duration("by") else { throw item.fail("at", "late points need at and by") }
            spec.late[at] = by
        }
        if let every = try a.child("late_every") {
            guard let n = try every.int("every"), n > 0, let by = try every.duration("by") else {
                throw every.fail("every", "late_every needs every (a positive count) and by (a duration)")
            }
            spec.lateEvery = (n, by)
        }
        spec.duplicateEvery = try a.int("duplicate_every")
        spec.reorder = try a.bool("reorder") ?? false
        return spec
    }
}
