import Engine
import Foundation

/// A metrics folder in memory that a test can edit while the engine watches it (hot reload).
public final class EditableMetricsFolder: MetricsFolder, @unchecked Sendable {
    private let lock = NSLock()
    private var contents: [String: String]

    public init(_ contents: [String: String]) {
        self.contents = contents
    }

    /// Writes (or replaces) a file.
    public func write(_ relativePath: String, _ text: String) { lock.withLock { contents[relativePath] = text } }

    /// Removes a file.
    public func remove(_ relativePath: String) { lock.withLock { _ = contents.removeValue(forKey: relativePath) } }

    public func files() throws -> [String] { lock.withLock { contents.keys.sorted() } }

    public func read(_ relativePath: String) throws -> String {
        guard let text = lock.withLock({ contents[relativePath] }) else { throw CocoaError(.fileNoSuchFile) }
        return text
    }
}
