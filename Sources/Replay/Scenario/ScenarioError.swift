/// A scenario that cannot be run as written: names the file, the line of the key's section
/// where known, and the key (exit code 2).
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var message: String
    /// The line of the top-level key the failing key is under (YAML scenarios).
    public var line: Int?

    public init(file: String, key: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): key '\(key)': \(message)" }
}
