import CFixedFormat
import Foundation

/// Fixed-precision number text for every text output, independent of locale.
public enum Fixed {
    /// `value` with `decimals` digits after the point, as printf's `%.<decimals>f` writes it in
    /// the C locale, without a sign on a zero ("-0.00" is "0.00"). Written by C's `snprintf`
    /// (through a two-line shim, `CFixedFormat`) into a buffer on the stack: `String(format:)`
    /// took a microsecond and a half a number, which made drawing a chart's few thousand
    /// coordinates a third of a batch page's time, and Swift's `withVaList` boxed each argument.
    public static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let precision = Int32(min(max(decimals, 0), 40))
        // 309 digits before the point at most (1.8e308), a sign, a point and the decimals.
        let capacity = 360
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let base = buffer.baseAddress!
            let written = engine_format_fixed(base, capacity, precision, value)
            guard written > 0, Int(written) < capacity else { return String(format: "%.\(precision)f", value) }
            let bytes = UnsafeRawBufferPointer(start: base, count: Int(written))
            // A negative number that rounds to zero prints "-0.00": drop the sign.
            if bytes[0] == UInt8(ascii: "-"), bytes.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) {
                return String(decoding: bytes.dropFirst(), as: UTF8.self)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
