import Foundation
import Yams

/// A configuration value as YAML gives it: the merged batch configuration is a map of these.
public enum ConfigValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case map([String: ConfigValue])

    /// Parses one YAML scalar the way a YAML file would (`false` is a Bool, `3` an Int, `"3"` a String).
    public static func scalar(_ text: String) -> ConfigValue {
        guard text.utf8.count <= ConfigDocument.maxBytes, let node = try? Yams.compose(yaml: text) else { return .string(text) }
        return (try? ConfigValue(node: node)) ?? .string(text)
    }

    /// The most values (scalars, lists and maps, aliases counted each time they are used) one
    /// document may hold. A configuration holds hundreds; the bound stops a "billion laughs"
    /// document, a few hundred bytes of nested aliases, before it expands into gigabytes.
    public static let maxValues = 100_000

    init(node: Node) throws {
        var budget = Self.maxValues
        try self.init(node: node, budget: &budget)
    }

    init(node: Node, budget: inout Int) throws {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigError(
                file: "", key: nil, line: node.mark?.line,
                message: "the document expands to more than \(Self.maxValues) values (nested YAML aliases?)")
        }
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = node.bool.map(ConfigValue.bool) ?? .string(scalar.string)
            case .int: self = Self.integer(node, scalar.string).map(ConfigValue.int) ?? .string(scalar.string)
            case .float: self = node.float.map(ConfigValue.double) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for item in sequence { items.append(try ConfigValue(node: item, budget: &budget)) }
            self = .list(items)
        case .mapping(let mapping):
            var result: [String: ConfigValue] = [:]
            for (key, value) in mapping {
                result[key.string ?? "\(key)"] = try ConfigValue(node: value, budget: &budget)
            }
            self = .map(result)
        case .alias(let alias):
            throw ConfigError(file: "", key: nil, line: alias.mark?.line, message: "YAML aliases are not supported")
        }
    }

    /// An integer scalar's value. YAML 1.1's base-60 form (`1:30` is 90) is computed here with
    /// overflow checks: Yams multiplies without them, so `202022222222222222:3` trapped and took
    /// `engine validate` or a server's reload down with it. One too large reads as a string.
    static func integer(_ node: Node, _ text: String) -> Int? {
        guard text.contains(":") else { return node.int }
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard let component = Int(part), component >= 0 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            let (sum, overflow2) = shifted.addingReportingOverflow(component)
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a map"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    /// A scalar as text (tags, route matches); nil for null, lists and maps.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }
    public var listValue: [ConfigValue]? { if case .list(let l) = self { return l } else { return nil } }
    public var mapValue: [String: ConfigValue]? { if case .map(let m) = self { return m } else { return nil } }

    /// Merges `overlay` over `self`: maps merge key by key, a map keyed by positions merges into
    /// a list, anything else is replaced.
    public func merged(with overlay: ConfigValue) -> ConfigValue {
        // A map keyed by positions overlays a list element by element, so a dotted key such as
        // `model_configs.0.model_params.quiet_n` reaches one detector's setting.
        if case .list(var items) = self, case .map(let top) = overlay,
            top.keys.allSatisfy({ Int($0).map(items.indices.contains) ?? false })
        {
            for (key, value) in top {
                let index = Int(key)!
                items[index] = items[index].merged(with: value)
            }
            return .list(items)
        }
        guard case .map(let base) = self, case .map(let top) = overlay else { return overlay }
        var result = base
        for (key, value) in top {
            result[key] = result[key].map { $0.merged(with: value) } ?? value
        }
        return .map(result)
    }

    /// The value as a plain Swift value for templates (maps and lists become dictionaries and arrays).
    public var templateValue: Any? {
        switch self {
        case .null: return nil
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .list(let l): return l.map { $0.templateValue ?? "" }
        case .map(let m): return m.mapValues { $0.templateValue ?? "" }
        }
    }
}

/// A parsed YAML file: its top-level map and the line of each top-level key.
public struct ConfigDocument: Sendable {
    public var path: String
    public var values: [String: ConfigValue]
    public var keyLines: [String: Int]

    /// The largest configuration file read, in bytes: far above any real batch file, and a bound
    /// on what parsing one may cost.
    public static let maxBytes = 1 << 20

    /// Parses YAML text; errors name `path` and the line.
    public init(path: String, text: String) throws {
        self.path = path
        guard text.utf8.count <= Self.maxBytes else {
            throw ConfigError(
                file: path, key: nil, line: nil,
                message: "is \(text.utf8.count) bytes; a configuration file may hold at most \(Self.maxBytes)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: path, key: nil, line: nil, message: "invalid YAML: \(error)")
        }
        guard let node else {
            values = [:]
            keyLines = [:]
            return
        }
        guard case .mapping(let mapping) = node else {
            throw ConfigError(file: path, key: nil, line: node.mark.map { $0.line }, message: "expected a map of keys at the top level")
        }
        var values: [String: ConfigValue] = [:]
        var lines: [String: Int] = [:]
        var budget = ConfigValue.maxValues
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            if values[name] != nil {
                throw ConfigError(file: path, key: name, line: key.mark?.line, message: "key appears twice")
            }
            do {
                values[name] = try ConfigValue(node: value, budget: &budget)
            } catch var error as ConfigError {
                error.file = path
                error.key = name
                throw error
            }
            lines[name] = key.mark?.line
        }
        self.values = values
        self.keyLines = lines
    }
}
