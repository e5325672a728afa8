import Foundation

/// Sends each model to the store of its batch's `model_path`: keys start with the batch's
/// folder (`<batch>/...`), which picks the route.
public struct BatchRoutedModelStore: ModelStore {
    let routes: [String: ModelStore]

    /// Builds one local store per distinct `model_path`, relative to `base`.
    public init(batches: [BatchConfig], base: URL) throws {
        var byPath: [String: ModelStore] = [:]
        var routes: [String: ModelStore] = [:]
        for batch in batches {
            let store = try byPath[batch.modelPath] ?? LocalModelStore(modelPath: batch.modelPath, base: base)
            byPath[batch.modelPath] = store
            routes[TrainedModel.safe(batch.name)] = store
        }
        self.routes = routes
    }

    private func store(for key: String) throws -> ModelStore {
        let folder = key.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard let store = routes[folder] else { throw JobError("no model store for '\(key)'") }
        return store
    }

    public func save(_ data: Data, key: String) throws { try store(for: key).save(data, key: key) }
    public func load(key: String) throws -> Data? { try store(for: key).load(key: key) }
}
