import Algorithms
import Foundation

/// PyOD's histogram-based outlier score (`pyod.models.hbos.HBOS`), so Anomstack batches that
/// name `HBOS` run as they did there. Per feature, a histogram of the training values in
/// `n_bins` (10) equal bins between their least and greatest, as densities (numpy's
/// `histogram(density=True)`); a value scores `log2(density of its bin + alpha)`, and the raw
/// score is minus the sum over features, so values in sparse bins score high. A value outside
/// the histogram takes the edge bin when it lies within `tol` (0.5) bin widths of it, and the
/// sparsest bin's score beyond that. Bins are found as PyOD finds them (`np.digitize(right=True)`,
/// so a value on a bin's upper edge belongs to it), which differs from the histogram's own
/// half-open bins at the edges; both are kept.
public struct HBOSDetector: Sendable, Hashable, Codable {
    public var bins: Int
    public var alpha: Double
    public var tolerance: Double
    /// Per feature, `bins + 1` edges.
    public var edges: [[Double]]
    /// Per feature, `bins` densities.
    public var densities: [[Double]]

    enum CodingKeys: String, CodingKey {
        case bins, alpha, tolerance, edges, densities
    }

    public static let defaultBins = 10

    public init(bins: Int, alpha: Double, tolerance: Double, edges: [[Double]], densities: [[Double]]) {
        self.bins = bins
        self.alpha = alpha
        self.tolerance = tolerance
        self.edges = edges
        self.densities = densities
    }

    /// Fits on `x` (`n_bins`, `alpha`, `tol`); returns the detector and the training rows' scores.
    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue]) -> (HBOSDetector, [Double]) {
        let bins = max(params["n_bins"]?.intValue ?? defaultBins, 2)
        var edges: [[Double]] = []
        var densities: [[Double]] = []
        for c in 0..<x.columns {
            let column = (0..<x.rows).map { x.values[$0 * x.columns + c] }
            let (e, d) = histogram(column, bins: bins)
            edges.append(e)
            densities.append(d)
        }
        let detector = HBOSDetector(
            bins: bins, alpha: params["alpha"]?.doubleValue ?? 0.1, tolerance: params["tol"]?.doubleValue ?? 0.5,
            edges: edges, densities: densities)
        return (detector, detector.decisionFunction(x))
    }

    /// numpy's `histogram(values, bins, density=True)`: equal bins from the least value to the
    /// greatest (±0.5 around a constant), each `[low, high)` but the last `[low, high]`.
    static func histogram(_ values: [Double], bins: Int) -> (edges: [Double], densities: [Double]) {
        var low = values.min() ?? 0
        var high = values.max() ?? 0
        if low == high {
            low -= 0.5
            high += 0.5
        }
        let step = (high - low) / Double(bins)
        var edges = (0...bins).map { low + Double($0) * step }
        edges[bins] = high
        var counts = [Double](repeating: 0, count: bins)
        for v in values {
            // The last edge at or below v, the greatest value in the last bin.
            var k = Self.upperBound(edges, v) - 1
            k = min(max(k, 0), bins - 1)
            counts[k] += 1
        }
        let total = Double(max(values.count, 1))
        let densities = (0..<bins).map { counts[$0] / total / (edges[$0 + 1] - edges[$0]) }
        return (edges, densities)
    }

    /// The index of the first element of `sorted` greater than `value`.
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int { sorted.partitioningIndex { !($0 <= value) } }

    /// Raw outlier scores of new points: minus the sum over features of `log2(density + alpha)`.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let features = min(x.columns, edges.count)
        // Each feature's bin scores and its sparsest bin's, once per call rather than per value.
        let binScores = densities.prefix(features).map { $0.map { log2($0 + alpha) } }
        let sparsest = binScores.map { $0.min() ?? 0 }
        return (0..<x.rows).map { r in
            var total = 0.0
            for c in 0..<features {
                total += score(x.values[r * x.columns + c], edges: edges[c], binScores: binScores[c], sparsest: sparsest[c])
            }
            return -total
        }
    }

    /// One value's score on one feature, from that feature's bin edges and bin scores.
    func score(_ v: Double, edges e: [Double], binScores scores: [Double], sparsest: Double) -> Double {
        // np.digitize(right=True): i with e[i-1] < v <= e[i]; 0 below the first edge, bins + 1 above the last.
        var lo = 0
        var hi = e.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if e[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        if lo == 0 {
            return e[0] - v <= (e[1] - e[0]) * tolerance ? scores[0] : sparsest
        }
        if lo == bins + 1 {
            return v - e[bins] <= (e[bins] - e[bins - 1]) * tolerance ? scores[bins - 1] : sparsest
        }
        return scores[lo - 1]
    }
}

extension HBOSDetector: Detector {
    public static let fileKey = "hbos"
    public static let modelNames = ["HBOS"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["contamination": .number, "n_bins": .any, "alpha": .number, "tol": .number].merging(TailCalibration.parameters) { $1 }

    public static func problems(in params: [String: ConfigValue]) -> [String] {
        var problems: [String] = []
        if let bins = params["n_bins"], (bins.intValue ?? 0) < 2 {
            problems.append("'n_bins' must be a whole number of at least 2 (\"auto\" is not supported)")
        }
        for key in ["alpha", "tol"] {
            if let v = params[key]?.doubleValue, !(v > 0 && v < 1) { problems.append("'\(key)' must lie between 0 and 1") }
        }
        return problems
    }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (HBOSDetector, [Double]) {
        fit(x, params: context.params)
    }

    public func modelFileJSON() throws -> String {
        let edges = "[" + (try self.edges.map(JSONText.numbers)).joined(separator: ",") + "]"
        let densities = "[" + (try self.densities.map(JSONText.numbers)).joined(separator: ",") + "]"
        return "{\"alpha\":\(try JSONText.number(alpha)),\"bins\":\(bins),\"densities\":\(densities),\"edges\":\(edges),"
            + "\"tolerance\":\(try JSONText.number(tolerance))}"
    }
}
