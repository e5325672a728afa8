import Engine
import Foundation

/// A metrics folder held in memory: relative path to file text.
public struct InMemoryMetricsFolder: MetricsFolder {
    public var contents: [String: String]

    public init(_ contents: [String: String]) {
        self.contents = contents
    }

    public func files() throws -> [String] { contents.keys.sorted() }

    public func read(_ relativePath: String) throws -> String {
        guard let text = contents[relativePath] else { throw CocoaError(.fileNoSuchFile) }
        return text
    }
}
