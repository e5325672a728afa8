import Foundation

/// PyOD's PCA outlier detector (`pyod.models.pca.PCA` with its defaults): features are
/// standardised (population standard deviation, 1 for a constant feature), principal components
/// come from the covariance of the standardised training data with scikit-learn's sign
/// convention (each component's largest-magnitude entry positive), and a point's raw score is
/// PyOD's `sum_j dist(z, v_j) / w_j` over the selected components, where `dist` is the Euclidean
/// distance between the standardised point and the component vector and `w_j` the component's
/// explained-variance ratio (1 when `weighted` is false).
public struct PCADetector: Sendable, Hashable, Codable {
    public var mean: [Double]
    public var scale: [Double]
    /// Selected components, each a unit vector of `columns` entries.
    public var components: [[Double]]
    public var weights: [Double]

    /// Components whose explained-variance ratio is below this are weighted as if it were this;
    /// PyOD divides by zero there and returns infinite scores for every point.
    static let minimumWeight = 1e-12

    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue]) -> PCADetector {
        let n = x.rows
        let p = x.columns
        let standardize = params["standardization"]?.boolValue ?? true
        var mean = [Double](repeating: 0, count: p)
        var scale = [Double](repeating: 1, count: p)
        if standardize {
            for i in 0..<n { for j in 0..<p { mean[j] += x.values[i * p + j] } }
            for j in 0..<p { mean[j] /= Double(n) }
            var variance = [Double](repeating: 0, count: p)
            for i in 0..<n {
                for j in 0..<p {
                    let d = x.values[i * p + j] - mean[j]
                    variance[j] += d * d
                }
            }
            for j in 0..<p {
                let sd = (variance[j] / Double(n)).squareRoot()
                scale[j] = sd < 10 * Double.ulpOfOne * max(abs(mean[j]), 1) ? 1 : sd
            }
        }
        var z = [Double](repeating: 0, count: n * p)
        var zMean = [Double](repeating: 0, count: p)
        for i in 0..<n {
            for j in 0..<p {
                let v = (x.values[i * p + j] - mean[j]) / scale[j]
                z[i * p + j] = v
                zMean[j] += v
            }
        }
        for j in 0..<p { zMean[j] /= Double(n) }
        var covariance = [Double](repeating: 0, count: p * p)
        for i in 0..<n {
            for a in 0..<p {
                let da = z[i * p + a] - zMean[a]
                for b in a..<p { covariance[a * p + b] += da * (z[i * p + b] - zMean[b]) }
            }
        }
        let denominator = Double(max(n - 1, 1))
        for a in 0..<p {
            for b in a..<p {
                covariance[a * p + b] /= denominator
                covariance[b * p + a] = covariance[a * p + b]
            }
        }
        let eigen = SymmetricEigen(matrix: covariance, size: p)
        let count = min(n, p)
        let total = eigen.values.reduce(0) { $0 + max($1, 0) }
        var components: [[Double]] = []
        var ratios: [Double] = []
        for k in 0..<count {
            var vector = eigen.vectors[k]
            var largest = 0
            for j in 1..<p where abs(vector[j]) > abs(vector[largest]) { largest = j }
            if vector[largest] < 0 { vector = vector.map { -$0 } }
            components.append(vector)
            ratios.append(total > 0 ? max(eigen.values[k], 0) / total : 0)
        }
        let selected = min(max(params["n_selected_components"]?.intValue ?? count, 1), count)
        let weighted = params["weighted"]?.boolValue ?? true
        let chosen = Array(components.suffix(selected))
        let weights = Array(ratios.suffix(selected)).map { weighted ? max($0, minimumWeight) : 1 }
        return PCADetector(mean: mean, scale: scale, components: chosen, weights: weights)
    }

    /// Raw outlier scores, larger is more anomalous.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let p = x.columns
        var scores = [Double](repeating: 0, count: x.rows)
        var z = [Double](repeating: 0, count: p)
        for i in 0..<x.rows {
            for j in 0..<p { z[j] = (x.values[i * p + j] - mean[j]) / scale[j] }
            var score = 0.0
            for (k, v) in components.enumerated() {
                var sq = 0.0
                for j in 0..<p {
                    let d = z[j] - v[j]
                    sq += d * d
                }
                score += sq.squareRoot() / weights[k]
            }
            scores[i] = score
        }
        return scores
    }
}

extension PCADetector: Detector {
    public static let fileKey = "pca"
    public static let modelNames = ["PCA"]
    public static let parameters: [String: ConfigSchema.Kind] =
        [
            "contamination": .number, "n_components": .int, "n_selected_components": .int, "weighted": .bool,
            "standardization": .bool,
        ].merging(TailCalibration.parameters) { $1 }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (PCADetector, [Double]) {
        let detector = fit(x, params: context.params)
        return (detector, detector.decisionFunction(x))
    }

    public func modelFileJSON() throws -> String {
        let components = "[" + (try self.components.map(JSONText.numbers)).joined(separator: ",") + "]"
        return "{\"components\":\(components),\"mean\":\(try JSONText.numbers(mean)),"
            + "\"scale\":\(try JSONText.numbers(scale)),\"weights\":\(try JSONText.numbers(weights))}"
    }
}
