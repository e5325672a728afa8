import Foundation

/// PyOD's ECOD and COPOD (`pyod.models.ecod.ECOD`, `pyod.models.copod.COPOD`: one method by the
/// same authors, ECOD its refined presentation), so Anomstack batches that name either run as
/// they did there. Per feature, a value's left and right tail probabilities come from the
/// empirical CDF (`#{x ≤ v}/n` and `#{x ≥ v}/n`); their negative logs are the left and right
/// surprise, and the feature's skewness picks the tail that matters (right for a right-skewed
/// feature, left for a left-skewed one, both for a symmetric one). ECOD takes the largest of the
/// three, COPOD the larger of the skew-picked one and the mean of the two; the raw score sums
/// over features.
///
/// As in PyOD, new points are scored against the training rows *and each other*: the CDFs and
/// skewness are those of the training rows with the scored points appended, so a point is
/// scored a little differently in a different batch of points (one scored alone counts itself
/// once among n + 1). The model keeps the training rows for that.
public struct EmpiricalCDFDetector: Sendable, Hashable, Decodable {
    /// Which combination of the tails.
    public enum Variant: String, Sendable, Hashable, Codable {
        case ecod, copod
    }

    public var variant: Variant
    public var columns: Int
    public var training: [Double]

    enum CodingKeys: String, CodingKey {
        case variant, columns
        case training = "training_base64"
    }

    public init(variant: Variant, columns: Int, training: [Double]) {
        self.variant = variant
        self.columns = columns
        self.training = training
    }

    /// Fits on `x`; returns the detector and the training rows' scores (against the training alone).
    public static func fit(_ x: FeatureMatrix, variant: Variant) -> (EmpiricalCDFDetector, [Double]) {
        let detector = EmpiricalCDFDetector(variant: variant, columns: x.columns, training: x.values)
        return (detector, detector.scores(x.values, last: x.rows))
    }

    /// Raw outlier scores of new points, against the training rows with the points appended.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        scores(training + x.values, last: x.rows)
    }

    /// The scores of the last `m` rows of `values` (row-major, `columns` wide), every row
    /// counting in the CDFs and skewness.
    func scores(_ values: [Double], last m: Int) -> [Double] {
        let p = columns
        guard p > 0 else { return [Double](repeating: 0, count: m) }
        let n = values.count / p
        var totals = [Double](repeating: 0, count: m)
        for c in 0..<p {
            let column = (0..<n).map { values[$0 * p + c] }
            let sorted = column.sorted()
            let side = Self.skewSign(column)
            for r in 0..<m {
                let v = column[n - m + r]
                let atOrBelow = Self.count(in: sorted) { $0 <= v }
                let atOrAbove = n - Self.count(in: sorted) { $0 < v }
                let left = -log(Double(atOrBelow) / Double(n))
                let right = -log(Double(atOrAbove) / Double(n))
                // PyOD's `U_l·(−sign(s − 1)) + U_r·sign(s + 1)`: the right tail for s = 1, the left for −1, both for 0.
                let skewed = (side > 0 ? 0 : left) + (side < 0 ? 0 : right)
                switch variant {
                case .ecod: totals[r] += max(left, right, skewed)
                case .copod: totals[r] += max(skewed, (left + right) / 2)
                }
            }
        }
        return totals
    }

    /// How many of `sorted`'s leading values satisfy `isBefore` (a binary search).
    static func count(in sorted: [Double], where isBefore: (Double) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if isBefore(sorted[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The sign of the sample skewness (`m3 / m2^1.5`, as scipy's `skew`), 0 where scipy gives
    /// none (a column constant to within rounding).
    static func skewSign(_ column: [Double]) -> Int {
        let n = Double(column.count)
        guard n > 0 else { return 0 }
        let mean = column.reduce(0, +) / n
        var m2 = 0.0
        var m3 = 0.0
        for v in column {
            let d = v - mean
            m2 += d * d
            m3 += d * d * d
        }
        m2 /= n
        m3 /= n
        let resolution = 1e-15 * mean
        guard m2 > resolution * resolution else { return 0 }
        let skew = m3 / pow(m2, 1.5)
        return skew > 0 ? 1 : (skew < 0 ? -1 : 0)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let training = PackedDoubles.decode(try container.decode(String.self, forKey: .training)) else {
            throw DecodingError.dataCorruptedError(forKey: .training, in: container, debugDescription: "not base64 float64 data")
        }
        let columns = try container.decode(Int.self, forKey: .columns)
        guard columns > 0, training.count % columns == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .columns, in: container, debugDescription: "training data does not fit \(columns) columns")
        }
        self.init(variant: try container.decode(Variant.self, forKey: .variant), columns: columns, training: training)
    }

}

extension EmpiricalCDFDetector: Detector {
    public static let fileKey = "ecdf"
    public static let modelNames = ["ECOD", "COPOD"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["contamination": .number, "n_jobs": .int].merging(TailCalibration.parameters) { $1 }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (EmpiricalCDFDetector, [Double]) {
        fit(x, variant: context.modelName == "COPOD" ? .copod : .ecod)
    }

    public func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"training_base64\":\"\(PackedDoubles.encode(training))\",\"variant\":\(JSONText.quote(variant.rawValue))}"
    }
}
