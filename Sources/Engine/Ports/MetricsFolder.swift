import Foundation

/// Read access to a metrics folder: how configuration and templates reach the engine.
/// Paths are relative to the folder's root and use `/`.
public protocol MetricsFolder: Sendable {
    /// Every file below the root, as relative paths, sorted.
    func files() throws -> [String]
    /// The text of one file.
    func read(_ relativePath: String) throws -> String
}
