import Engine
import Foundation
import Synchronization

/// A model store in a dictionary, for tests, replay and benchmarks.
public final class InMemoryModelStore: ModelStore {
    private let items = Mutex<[String: Data]>([:])

    public init() {}

    public func save(_ data: Data, key: String) throws {
        items.withLock { $0[key] = data }
    }

    public func load(key: String) throws -> Data? {
        items.withLock { $0[key] }
    }

    /// Every stored key, sorted.
    public var keys: [String] { items.withLock { $0.keys.sorted() } }
}
