import Foundation

/// Detector input: one row per point, features contiguous in row-major order.
public struct FeatureMatrix: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    /// `rows * columns` values; row `i` is `values[i*columns ..< (i+1)*columns]`.
    public var values: [Double]
    /// The point each row describes.
    public var timestamps: [Date]

    public init(rows: Int, columns: Int, values: [Double], timestamps: [Date]) {
        precondition(values.count == rows * columns && timestamps.count == rows, "feature matrix shape mismatch")
        self.rows = rows
        self.columns = columns
        self.values = values
        self.timestamps = timestamps
    }

    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// The matrix restricted to the given rows, in the given order.
    public func selecting(_ indices: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
        return FeatureMatrix(rows: indices.count, columns: columns, values: out, timestamps: indices.map { timestamps[$0] })
    }
}
