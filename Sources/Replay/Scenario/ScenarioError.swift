/// A scenario that cannot be run as written: names the file and key (exit code 2).
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var message: String

    public init(file: String, key: String, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String { "\(file): key '\(key)': \(message)" }
}
