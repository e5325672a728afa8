import Foundation

/// A `scheme://container/prefix` model path (S3 and GCS buckets, Azure containers) split into the
/// container and the prefix every model key goes under, and how an object's URL is put together.
struct ObjectStorePath: Sendable {
    let container: String
    let prefix: String

    /// Splits `path`; `containerWord` names the first part in errors ("bucket", "container").
    init(_ path: String, scheme: String, containerWord: String = "bucket") throws {
        let rest = path.dropFirst(scheme.count + 3)
        container = String(rest.prefix { $0 != "/" })
        guard !container.isEmpty else { throw JobError("model_path '\(path)': no \(containerWord) name after \(scheme)://") }
        prefix = Self.trimmed(String(rest.dropFirst(container.count)))
    }

    /// A prefix without leading or trailing slashes.
    static func trimmed(_ prefix: String) -> String { prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }

    /// The object name of a model key under `prefix`.
    static func object(_ key: String, prefix: String) -> String { (prefix.isEmpty ? "" : prefix + "/") + key }

    /// `endpoint` followed by `path` (which starts with a slash), without a doubled slash.
    static func url(_ endpoint: URL, _ path: String) -> URL {
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        return URL(string: base + path)!
    }
}
