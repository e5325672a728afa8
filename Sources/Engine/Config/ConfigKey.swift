import Foundation

/// A configuration key and the type its value reads as, so a key's name is written once.
///
/// A batch reads a key with `batch[.alertThreshold]`. There is no fallback literal: the value is
/// the batch's merged one, or else the built-in defaults' (`defaults/defaults.yaml`), so a
/// default lives in one place. The schema, the settings page and the API name keys through the
/// same constants (`ConfigKey<Double>.alertThreshold.name`).
public struct ConfigKey<Value: Sendable>: Sendable {
    /// The key as it is written in YAML.
    public let name: String
    /// The value as `Value`, or nil when it does not read as one (then the default is used).
    let read: @Sendable (ConfigValue?) -> Value?

    public init(_ name: String, read: @escaping @Sendable (ConfigValue?) -> Value?) {
        self.name = name
        self.read = read
    }
}

extension ConfigKey where Value == Int {
    public init(_ name: String) { self.init(name) { $0?.intValue } }
}

extension ConfigKey where Value == Double {
    public init(_ name: String) { self.init(name) { $0?.doubleValue } }
}

extension ConfigKey where Value == Bool {
    public init(_ name: String) { self.init(name) { $0?.boolValue } }
}

extension ConfigKey where Value == String {
    public init(_ name: String) { self.init(name) { $0?.stringValue } }
}

extension ConfigKey where Value == String? {
    /// A text that may be absent; blank text reads as absent.
    public init(optionalText name: String) {
        self.init(name) { value in
            guard let text = value?.stringValue, !text.allSatisfy(\.isWhitespace) else { return .some(nil) }
            return .some(text)
        }
    }
}

extension ConfigKey where Value == [String] {
    /// A comma-separated list of notification methods, trimmed and sorted.
    public init(methods name: String) {
        self.init(name) { value in
            (value?.stringValue ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
        }
    }
}

extension ConfigKey where Value == Set<String> {
    /// A YAML list of names.
    public init(names name: String) {
        self.init(name) { Set(($0?.listValue ?? []).compactMap(\.stringValue)) }
    }
}

extension ConfigKey where Value == [ConfigValue] {
    public init(list name: String) { self.init(name) { $0?.listValue ?? [] } }
}

extension ConfigKey where Value == [String: ConfigValue] {
    public init(map name: String) { self.init(name) { $0?.mapValue ?? [:] } }
}

extension Dictionary where Key == String, Value == ConfigValue {
    /// The raw value a YAML map holds for a typed key (the schema checks raw values, before merging).
    public subscript<Typed>(key: ConfigKey<Typed>) -> ConfigValue? { self[key.name] }
}
