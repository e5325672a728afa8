import CZlib
import Foundation

/// The encoding of Dagster Pipes' bootstrap parameters (`DAGSTER_PIPES_CONTEXT`,
/// `DAGSTER_PIPES_MESSAGES`): JSON, compressed with zlib, then base64.
public enum PipesParameter {
    /// Decodes a parameter into its JSON object; `name` labels errors.
    public static func decode(_ text: String, name: String) throws -> [String: Any] {
        guard let compressed = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw JobError("\(name) is not base64")
        }
        let json = try inflate(Array(compressed), name: name)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else {
            throw JobError("\(name) does not hold a JSON object")
        }
        return object
    }

    /// Encodes a JSON object as Dagster does (for tests and for launching a Pipes process).
    public static func encode(_ object: CanonicalJSON) -> String {
        let bytes = Array(object.text.utf8)
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        _ = compress2(&out, &size, bytes, uLong(bytes.count), 6)
        return Data(out.prefix(Int(size))).base64EncodedString()
    }

    private static func inflate(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        var capacity = max(1024, bytes.count * 8)
        while capacity <= 64 << 20 {
            var out = [UInt8](repeating: 0, count: capacity)
            var size = uLong(capacity)
            let status = uncompress(&out, &size, bytes, uLong(bytes.count))
            if status == Z_OK { return Array(out.prefix(Int(size))) }
            guard status == Z_BUF_ERROR else { throw JobError("\(name) is not zlib-compressed (zlib status \(status))") }
            capacity *= 4
        }
        throw JobError("\(name) inflates to more than 64 MB")
    }
}
