import Foundation

/// Anomstack's `*_metric_rounding`: a value kept to n decimals (half to even), or every digit when
/// n is negative. Shared by ingest (values) and score (scores) so both round alike.
struct DecimalRounding: Sendable, Hashable {
    let decimals: Int
    private let factor: Double

    init(decimals: Int) {
        self.decimals = decimals
        factor = pow(10.0, Double(decimals))
    }

    func callAsFunction(_ value: Double) -> Double {
        // Rounding a value whose digits already exceed a double's precision changes nothing, and
        // multiplying it by the factor could overflow.
        decimals >= 0 && abs(value) < 1e15 ? (value * factor).rounded(.toNearestOrEven) / factor : value
    }
}
