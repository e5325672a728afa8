import Foundation

/// Sends each model to the store of its batch's `model_path`: keys start with the batch's
/// folder (`<batch>/...`), which picks the route. Routes can be added while the engine runs
/// (`register`), for batches that a config reload brings in.
public final class BatchRoutedModelStore: ModelStore, @unchecked Sendable {
    private let base: URL
    private let lock = NSLock()
    private var byPath: [String: ModelStore] = [:]
    private var routes: [String: ModelStore] = [:]

    /// Builds one local store per distinct `model_path`, relative to `base`.
    public init(batches: [BatchConfig], base: URL) throws {
        self.base = base
        try register(batches)
    }

    /// Adds or updates the routes of `batches`.
    public func register(_ batches: [BatchConfig]) throws {
        try lock.withLock {
            for batch in batches {
                let store = try byPath[batch.modelPath] ?? LocalModelStore(modelPath: batch.modelPath, base: base)
                byPath[batch.modelPath] = store
                routes[TrainedModel.safe(batch.name)] = store
            }
        }
    }

    private func store(for key: String) throws -> ModelStore {
        let folder = key.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard let store = lock.withLock({ routes[folder] }) else { throw JobError("no model store for '\(key)'") }
        return store
    }

    public func save(_ data: Data, key: String) throws { try store(for: key).save(data, key: key) }
    public func load(key: String) throws -> Data? { try store(for: key).load(key: key) }
}
