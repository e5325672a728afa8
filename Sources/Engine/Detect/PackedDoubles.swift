import Foundation

/// How a model file holds a long array of doubles (training rows): little-endian IEEE-754
/// float64 values, base64-encoded. Exact, and far faster to write and read than a JSON array.
enum PackedDoubles {
    static func encode(_ values: [Double]) -> String {
        var data = Data(capacity: values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    /// The values, or nil when `text` is not base64 of whole float64 values.
    static func decode(_ text: String) -> [Double]? {
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }
}
