import Foundation

/// Where trained detectors live, addressed by a relative key such as `batch/metric_pca_default.json`.
/// Asynchronous, as object stores are reached over the network.
public protocol ModelStore: Sendable {
    func save(_ data: Data, key: String) async throws
    /// The stored bytes, or nil when nothing is stored under `key`.
    func load(key: String) async throws -> Data?
}
