/// A configuration problem, located as precisely as the input allows.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or `environment`, or `--set`) the value came from.
    public var file: String
    public var key: String?
    public var line: Int?
    public var message: String

    public init(file: String, key: String?, line: Int?, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key { return "\(location): key '\(key)': \(message)" }
        return "\(location): \(message)"
    }
}

/// Every problem found while loading a metrics folder, so a user fixes them in one pass.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
