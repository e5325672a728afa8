import Foundation

/// An anomaly-likelihood detector in the spirit of Numenta's: how unusual the *recent* surprise
/// of a series is, against the surprise it usually shows.
///
/// A row's surprise is the modified z-score of each value in it (the current value and its
/// `lags_n` lags, as preprocessed) against the training median and MAD, averaged over the row —
/// so one odd point raises it a little and a run of them a lot. Training records the mean and
/// standard deviation of that average over the training rows; a new row's likelihood is the
/// Gaussian tail `Φ((a − mean) / sd)`, and its probability `−log10(1 − Φ) / decades` (capped at
/// 1): a log scale keeps rare rows apart where `Φ` itself would round to 1 (with `decades` 10, a
/// tail of 1e-8 gives 0.8 and the cap is reached near a standard score of 6.4; more decades
/// reach further), and it means the same on every series whatever its noise.
public struct LikelihoodDetector: Sendable, Hashable, Codable {
    public var median: Double
    public var scale: Double
    public var surpriseMean: Double
    public var surpriseSD: Double
    public var decades: Double

    enum CodingKeys: String, CodingKey {
        case median, scale, decades
        case surpriseMean = "surprise_mean"
        case surpriseSD = "surprise_sd"
    }

    public static let defaultDecades = 10.0

    public init(median: Double, scale: Double, surpriseMean: Double, surpriseSD: Double, decades: Double) {
        self.median = median
        self.scale = scale
        self.surpriseMean = surpriseMean
        self.surpriseSD = surpriseSD
        self.decades = decades
    }

    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue]) -> LikelihoodDetector {
        let spread = RobustStatistics.Spread((0..<x.rows).map { x.values[$0 * x.columns] })
        var detector = LikelihoodDetector(
            median: spread?.median ?? 0, scale: spread?.scale ?? 0, surpriseMean: 0, surpriseSD: 0,
            decades: params["decades"]?.doubleValue ?? defaultDecades)
        let surprises = detector.surprise(x)
        let mean = surprises.reduce(0, +) / Double(max(surprises.count, 1))
        let variance = surprises.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(surprises.count, 1))
        detector.surpriseMean = mean
        detector.surpriseSD = variance.squareRoot()
        return detector
    }

    /// The mean modified z-score of each row's values.
    func surprise(_ x: FeatureMatrix) -> [Double] {
        (0..<x.rows).map { i in
            var total = 0.0
            for j in 0..<x.columns {
                let distance = abs(x.values[i * x.columns + j] - median)
                total += scale > 0 ? min(distance / scale, 1e6) : (distance == 0 ? 0 : 1e6)
            }
            return total / Double(x.columns)
        }
    }

    /// The standard score of each row's surprise against training.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let sd = max(surpriseSD, 1e-9)
        return surprise(x).map { ($0 - surpriseMean) / sd }
    }

    public func probability(_ x: FeatureMatrix) -> [Double] {
        decisionFunction(x).map { z in
            // The upper tail 1 − Φ(z), computed directly so it does not round to 0 for large z.
            let tail = 0.5 * erfc(z / 2.0.squareRoot())
            return min(max(-log10(max(tail, 1e-300)) / max(decades, 1e-9), 0), 1)
        }
    }
}

extension LikelihoodDetector: Detector {
    public static let fileKey = "likelihood"
    public static let modelNames = ["LIKELIHOOD"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["decades": .number]

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (LikelihoodDetector, [Double]) {
        let detector = fit(x, params: context.params)
        return (detector, detector.decisionFunction(x))
    }

    public func calibratedProbability(_ x: FeatureMatrix) -> [Double]? { probability(x) }

    public func modelFileJSON() throws -> String {
        "{\"decades\":\(try JSONText.number(decades)),\"median\":\(try JSONText.number(median)),"
            + "\"scale\":\(try JSONText.number(scale)),\"surprise_mean\":\(try JSONText.number(surpriseMean)),"
            + "\"surprise_sd\":\(try JSONText.number(surpriseSD))}"
    }
}
