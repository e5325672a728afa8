import Foundation

/// Models as files under a root folder (`model_path: local://DIR`). Each file is written whole
/// by ``AtomicFile``, so a crash never leaves half a model behind.
public struct LocalModelStore: ModelStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The store a `model_path` names; only `local://` paths (relative to `base`) are handled here.
    public init(modelPath: String, base: URL) throws {
        guard modelPath.hasPrefix("local://") else {
            throw JobError("model_path '\(modelPath)': supported are local://, s3://, gs:// and az:// paths")
        }
        let path = String(modelPath.dropFirst("local://".count))
        root = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }

    public func save(_ data: Data, key: String) throws {
        try AtomicFile.write(data, to: root.appendingPathComponent(key))
    }

    public func load(key: String) throws -> Data? {
        let url = root.appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }
}
