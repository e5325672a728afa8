import Engine
import Foundation

/// Typed reads from a scenario's YAML maps, each failing with the file and the key's path.
struct ScenarioValues {
    let file: String
    let path: String
    let map: [String: ConfigValue]
    /// The line of each top-level key of the file; an error deeper down names its section's.
    let lines: [String: Int]

    init(file: String, path: String, _ map: [String: ConfigValue], lines: [String: Int] = [:]) {
        self.file = file
        self.path = path
        self.map = map
        self.lines = lines
    }

    func fail(_ key: String, _ message: String) -> ScenarioError {
        let full = path.isEmpty ? key : "\(path).\(key)"
        let section = String(full.prefix { $0 != "." && $0 != "[" })
        return ScenarioError(file: file, key: full, line: lines[section], message)
    }

    /// Rejects keys outside `allowed`, naming the nearest one.
    func only(_ allowed: [String]) throws {
        for key in map.keys.sorted() where !allowed.contains(key) {
            let hint = NearestName.nearest(to: key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw fail(key, "unknown key\(hint)")
        }
    }

    func has(_ key: String) -> Bool { map[key] != nil && map[key] != .null }

    func string(_ key: String) throws -> String? {
        guard let value = map[key], value != .null else { return nil }
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        default: throw fail(key, "expected text, got \(value.kindName)")
        }
    }

    func number(_ key: String) throws -> Double? {
        guard let value = map[key], value != .null else { return nil }
        guard let d = value.doubleValue else { throw fail(key, "expected a number, got \(value.kindName)") }
        return d
    }

    func int(_ key: String) throws -> Int? {
        guard let value = map[key], value != .null else { return nil }
        guard let i = value.intValue else { throw fail(key, "expected an integer, got \(value.kindName)") }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = map[key], value != .null else { return nil }
        guard let b = value.boolValue else { throw fail(key, "expected true or false, got \(value.kindName)") }
        return b
    }

    func time(_ key: String) throws -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = MetricTimestamp.parse(text) else { throw fail(key, "'\(text)' is not a time (RFC 3339, e.g. 2026-01-05T10:00:00Z)") }
        return date
    }

    func duration(_ key: String) throws -> TimeInterval? {
        guard let text = try string(key) else { return nil }
        guard let seconds = ScenarioDuration.parse(text) else {
            throw fail(key, "'\(text)' is not a duration (e.g. 30s, 5m, 1h, 2d, -2h)")
        }
        return seconds
    }

    func range(_ key: String) throws -> ClosedRange<Date>? {
        guard let value = map[key], value != .null else { return nil }
        guard let list = value.listValue, list.count == 2, let a = list[0].stringValue.flatMap(MetricTimestamp.parse),
            let b = list[1].stringValue.flatMap(MetricTimestamp.parse)
        else {
            throw fail(key, "expected [from, to] as two times")
        }
        guard a <= b else { throw fail(key, "the range ends before it starts") }
        return a...b
    }

    func child(_ key: String) throws -> ScenarioValues? {
        guard let value = map[key], value != .null else { return nil }
        guard let m = value.mapValue else { throw fail(key, "expected a map, got \(value.kindName)") }
        return ScenarioValues(file: file, path: path.isEmpty ? key : "\(path).\(key)", m, lines: lines)
    }

    func list(_ key: String) throws -> [ScenarioValues] {
        guard let value = map[key], value != .null else { return [] }
        guard let l = value.listValue else { throw fail(key, "expected a list, got \(value.kindName)") }
        return try l.enumerated().map { index, item in
            guard let m = item.mapValue else { throw fail("\(key)[\(index)]", "expected a map, got \(item.kindName)") }
            return ScenarioValues(file: file, path: (path.isEmpty ? key : "\(path).\(key)") + "[\(index)]", m, lines: lines)
        }
    }
}

/// Durations as scenarios write them: `30s`, `5m`/`5min`, `1h`, `2d`, `1w`, optionally negative.
enum ScenarioDuration {
    static func parse(_ text: String) -> TimeInterval? {
        var s = text.trimmingCharacters(in: .whitespaces)
        var sign = 1.0
        if s.hasPrefix("-") {
            sign = -1
            s.removeFirst()
        } else if s.hasPrefix("+") {
            s.removeFirst()
        }
        let digits = s.prefix { $0.isNumber || $0 == "." }
        guard let amount = Double(digits) else { return nil }
        let unit: Double
        switch s.dropFirst(digits.count) {
        case "s": unit = 1
        case "m", "min": unit = 60
        case "h": unit = 3600
        case "d": unit = 86_400
        case "w": unit = 604_800
        default: return nil
        }
        return sign * amount * unit
    }
}
