import Engine
import Foundation
import Synchronization

/// A metrics folder in memory that a test can edit while the engine watches it (hot reload).
public final class EditableMetricsFolder: MetricsFolder {
    private let contents: Mutex<[String: String]>

    public init(_ contents: [String: String]) {
        self.contents = Mutex(contents)
    }

    /// Writes (or replaces) a file.
    public func write(_ relativePath: String, _ text: String) { contents.withLock { $0[relativePath] = text } }

    /// Removes a file.
    public func remove(_ relativePath: String) { contents.withLock { _ = $0.removeValue(forKey: relativePath) } }

    public func files() throws -> [String] { contents.withLock { $0.keys.sorted() } }

    public func read(_ relativePath: String) throws -> String {
        guard let text = contents.withLock({ $0[relativePath] }) else { throw CocoaError(.fileNoSuchFile) }
        return text
    }
}
