import Engine
import Foundation

/// A model store in a dictionary, for tests, replay and benchmarks.
public final class InMemoryModelStore: ModelStore, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String: Data] = [:]

    public init() {}

    public func save(_ data: Data, key: String) throws {
        lock.withLock { items[key] = data }
    }

    public func load(key: String) throws -> Data? {
        lock.withLock { items[key] }
    }

    /// Every stored key, sorted.
    public var keys: [String] { lock.withLock { items.keys.sorted() } }
}
