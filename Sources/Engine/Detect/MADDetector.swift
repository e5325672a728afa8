import Foundation

/// PyOD's MAD detector, for one series: a point's raw score is its modified z-score,
/// `|x − median| / (MAD / 0.6745)`, of the current (preprocessed) value — the first feature
/// column; lag columns are left out, so a spike does not keep scoring high while it is a lag.
/// The median and MAD come from the training rows (with `RobustStatistics`' fallback when the
/// MAD is 0). Unlike PCA and KNN, its probability is not min-max scaled against the training
/// scores (which makes every series put its own worst training point at 1): it is
/// `1 − exp(−z / z_scale)`, the same for every series, so scores compare across metrics and
/// one threshold means the same everywhere. With the default `z_scale` 3.1 a z-score of 5 gives
/// 0.8, Anomstack's alert threshold.
public struct MADDetector: Sendable, Hashable, Codable {
    public var median: Double
    public var scale: Double
    public var zScale: Double

    enum CodingKeys: String, CodingKey {
        case median, scale
        case zScale = "z_scale"
    }

    public static let defaultZScale = 3.1

    public init(median: Double, scale: Double, zScale: Double) {
        self.median = median
        self.scale = scale
        self.zScale = zScale
    }

    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue]) -> MADDetector {
        let column = (0..<x.rows).map { x.values[$0 * x.columns] }
        let spread = RobustStatistics.Spread(column)
        return MADDetector(
            median: spread?.median ?? 0, scale: spread?.scale ?? 0,
            zScale: params["z_scale"]?.doubleValue ?? defaultZScale)
    }

    /// The modified z-score of each row's current value; a constant training series makes any
    /// other value infinitely far (scored as 1e9).
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        (0..<x.rows).map { i in
            let distance = abs(x.values[i * x.columns] - median)
            guard scale > 0 else { return distance == 0 ? 0 : 1e9 }
            return distance / scale
        }
    }

    public func probability(_ x: FeatureMatrix) -> [Double] {
        decisionFunction(x).map { 1 - exp(-$0 / max(zScale, 1e-9)) }
    }
}

extension MADDetector: Detector {
    public static let fileKey = "mad"
    public static let modelNames = ["MAD"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["contamination": .number, "threshold": .number, "z_scale": .number]

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (MADDetector, [Double]) {
        let detector = fit(x, params: context.params)
        return (detector, detector.decisionFunction(x))
    }

    public func calibratedProbability(_ x: FeatureMatrix) -> [Double]? { probability(x) }

    public func modelFileJSON() throws -> String {
        "{\"median\":\(try JSONText.number(median)),\"scale\":\(try JSONText.number(scale)),\"z_scale\":\(try JSONText.number(zScale))}"
    }
}
