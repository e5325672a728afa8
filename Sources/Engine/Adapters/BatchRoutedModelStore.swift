import Foundation
import Synchronization

/// Sends each model to the store of its batch's `model_path`: keys start with the batch's
/// folder (`<batch>/...`), which picks the route. Routes can be added while the engine runs
/// (`register`), for batches that a config reload brings in.
public final class BatchRoutedModelStore: ModelStore {
    private let base: URL
    private let environment: [String: String]
    /// The store of each distinct `model_path`, and the store of each batch's folder.
    private let table = Mutex<(byPath: [String: any ModelStore], routes: [String: any ModelStore])>(([:], [:]))

    /// Builds one store per distinct `model_path`: `local://` relative to `base`; `s3://`, `gs://`
    /// and `az://` with the credentials and endpoints in `environment`.
    public init(batches: [BatchConfig], base: URL, environment: [String: String] = [:]) {
        self.base = base
        self.environment = environment
        register(batches)
    }

    /// Adds or updates the routes of `batches`. A `model_path` whose store cannot be made (its
    /// credentials are missing) fails the jobs of its batches, saying why, not the other batches.
    public func register(_ batches: [BatchConfig]) {
        table.withLock { table in
            for batch in batches {
                let store = table.byPath[batch.modelPath] ?? storeOrReason(batch.modelPath)
                table.byPath[batch.modelPath] = store
                table.routes[TrainedModel.safe(batch.name)] = store
            }
        }
    }

    private func storeOrReason(_ modelPath: String) -> any ModelStore {
        do {
            return try makeStore(modelPath)
        } catch {
            return UnavailableModelStore(reason: "\(error)")
        }
    }

    private func makeStore(_ modelPath: String) throws -> any ModelStore {
        if modelPath.hasPrefix("s3://") {
            return try S3ModelStore.fromModelPath(modelPath, environment: environment, transport: URLSessionTransport(timeout: 120))
        }
        if modelPath.hasPrefix("gs://") {
            // An HMAC key selects the S3-compatible XML API; otherwise the JSON API with a service account.
            if environment["ANOMSTACK_GCS_HMAC_ACCESS_ID"] != nil {
                return try S3ModelStore.fromGCSPath(modelPath, environment: environment, transport: URLSessionTransport(timeout: 120))
            }
            return try GCSModelStore.fromModelPath(modelPath, environment: environment, transport: URLSessionTransport(timeout: 120))
        }
        if modelPath.hasPrefix("az://") {
            return try AzureBlobModelStore.fromModelPath(modelPath, environment: environment, transport: URLSessionTransport(timeout: 120))
        }
        return try LocalModelStore(modelPath: modelPath, base: base)
    }

    private func store(for key: String) throws -> any ModelStore {
        let folder = key.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard let store = table.withLock({ $0.routes[folder] }) else { throw JobError("no model store for '\(key)'") }
        return store
    }

    public func save(_ data: Data, key: String) async throws { try await store(for: key).save(data, key: key) }
    public func load(key: String) async throws -> Data? { try await store(for: key).load(key: key) }
}

/// The store of a `model_path` that could not be made: every use fails with the reason.
private struct UnavailableModelStore: ModelStore {
    let reason: String

    func save(_ data: Data, key: String) async throws { throw JobError(reason) }
    func load(key: String) async throws -> Data? { throw JobError(reason) }
}
