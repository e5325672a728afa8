import Foundation

/// Where trained detectors live, addressed by a relative key such as `batch/metric_pca_default.json`.
public protocol ModelStore: Sendable {
    func save(_ data: Data, key: String) throws
    /// The stored bytes, or nil when nothing is stored under `key`.
    func load(key: String) throws -> Data?
}
