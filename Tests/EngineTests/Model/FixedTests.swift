import Engine
import Foundation
import Testing

/// Fixed-precision text is what printf writes, whatever the value, and never a signed zero.
@Suite struct FixedTests {
    /// The reference: Foundation's formatting, as the outputs were written before.
    func reference(_ value: Double, _ decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text == "-" + String(format: "%.\(decimals)f", 0.0) ? String(format: "%.\(decimals)f", 0.0) : text
    }

    @Test func everyValueReadsAsPrintfWritesIt() {
        var generator = SplitMix(seed: 7)
        var values: [Double] = [
            0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.0004, -0.0004, -0.00049, 1e-320, -1e-320, 123456789.987654321,
            1e15, 1e16 + 1, 9.999999999, -9.9995, 1e100, -1e100, 1.7976931348623157e308, -1.7976931348623157e308,
            Double.leastNonzeroMagnitude, 0.1 + 0.2,
        ]
        for _ in 0..<5_000 {
            let magnitude = pow(10, Double(generator.next() % 40) - 20)
            values.append((Double(generator.next() % 2_000_001) / 1_000_000 - 1) * magnitude)
        }
        for value in values {
            for decimals in [0, 1, 2, 3, 4, 6, 8, 12] {
                #expect(Fixed.format(value, decimals) == reference(value, decimals), "\(value) at \(decimals)")
            }
        }
        #expect(Fixed.format(-0.0004, 3) == "0.000")
        #expect(Fixed.format(.nan, 2) == "nan" && Fixed.format(.infinity, 2) == "inf" && Fixed.format(-.infinity, 2) == "-inf")
    }

    /// A small deterministic generator for the test's values.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
