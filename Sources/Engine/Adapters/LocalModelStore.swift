import Foundation

/// Models as files under a root folder (`model_path: local://DIR`). Each file is written to a
/// temporary name and renamed, so a crash never leaves half a model behind.
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
        let url = root.appendingPathComponent(key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        // rename(2) replaces the old file atomically; FileManager's replaceItemAt does not on Linux.
        guard rename(temporary.path, url.path) == 0 else {
            throw JobError("cannot save model \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    public func load(key: String) throws -> Data? {
        let url = root.appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }
}
