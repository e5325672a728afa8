import Foundation

/// PyOD's k-nearest-neighbour outlier detector (`pyod.models.knn.KNN`, Euclidean distance):
/// a point's raw score is the distance to its k-th nearest training point (`largest`, the
/// default), or the mean or median of the k distances. A training point's own score leaves the
/// point itself out, as scikit-learn's `kneighbors()` does. Brute force over contiguous rows,
/// which beats a tree for the few features and few thousand points a metric has.
public struct KNNDetector: Sendable, Hashable, Decodable {
    public enum Method: String, Sendable, Hashable, Codable {
        case largest, mean, median
    }

    public var neighbours: Int
    public var method: Method
    public var columns: Int
    /// The training rows, row-major. Stored as `training_base64`: the values as little-endian
    /// IEEE-754 doubles, base64-encoded, which is exact and far faster to read than a JSON array.
    public var training: [Double]

    enum CodingKeys: String, CodingKey {
        case neighbours, method, columns
        case training = "training_base64"
    }

    public init(neighbours: Int, method: Method, columns: Int, training: [Double]) {
        self.neighbours = neighbours
        self.method = method
        self.columns = columns
        self.training = training
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        neighbours = try container.decode(Int.self, forKey: .neighbours)
        method = try container.decode(Method.self, forKey: .method)
        columns = try container.decode(Int.self, forKey: .columns)
        guard let values = PackedDoubles.decode(try container.decode(String.self, forKey: .training)) else {
            throw DecodingError.dataCorruptedError(forKey: .training, in: container, debugDescription: "not base64 float64 data")
        }
        training = values
        guard columns > 0, training.count % columns == 0, neighbours >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .columns, in: container, debugDescription: "training data does not fit \(columns) columns")
        }
    }

    /// The training rows as `PackedDoubles`.
    var trainingBase64: String { PackedDoubles.encode(training) }

    /// Fits on `x`; returns the detector and the training points' own scores. With a memo, the
    /// neighbour lists of the previous training of the same key are updated, not recomputed.
    public static func fit(
        _ x: FeatureMatrix, params: [String: ConfigValue], memo: DetectorMemo? = nil,
        memoKey: String = ""
    ) -> (KNNDetector, [Double]) {
        let k = max(1, min(params["n_neighbors"]?.intValue ?? 5, max(x.rows - 1, 1)))
        let method = params["method"]?.stringValue.flatMap(Method.init) ?? .largest
        let detector = KNNDetector(neighbours: k, method: method, columns: x.columns, training: x.values)
        let lists = memo.map { NeighbourLists.update($0.neighbours(memoKey), to: x, k: k) } ?? NeighbourLists(x: x, k: k)
        memo?.store(memoKey, lists)
        let scores = (0..<x.rows).map { detector.aggregate(lists.distances[($0 * k)..<(($0 + 1) * k)]) }
        return (detector, scores)
    }

    /// Raw outlier scores of new points, larger is more anomalous.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let nearest = NearestTrainingRows(of: x, in: training, columns: columns, k: neighbours)
        return (0..<x.rows).map { aggregate(nearest.distances(of: $0)) }
    }

    func aggregate<C: Collection>(_ squared: C) -> Double where C.Element == Double {
        let distances = squared.map { $0.squareRoot() }
        switch method {
        case .largest: return distances.last ?? 0
        case .mean: return distances.reduce(0, +) / Double(distances.count)
        case .median:
            let mid = distances.count / 2
            return distances.count % 2 == 1 ? distances[mid] : (distances[mid - 1] + distances[mid]) / 2
        }
    }
}

extension KNNDetector: Detector {
    public static let fileKey = "knn"
    public static let modelNames = ["KNN"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["contamination": .number, "n_neighbors": .int, "method": .string].merging(TailCalibration.parameters) { $1 }

    public static func problems(in params: [String: ConfigValue]) -> [String] {
        var problems: [String] = []
        if let k = params["n_neighbors"]?.intValue, k < 1 { problems.append("'n_neighbors' must be at least 1") }
        if let method = params["method"]?.stringValue, Method(rawValue: method) == nil {
            problems.append("'method' must be largest, mean or median")
        }
        return problems
    }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (KNNDetector, [Double]) {
        fit(x, params: context.params, memo: context.memo, memoKey: context.memoKey)
    }

    public func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"method\":\(JSONText.quote(method.rawValue)),\"neighbours\":\(neighbours),"
            + "\"training_base64\":\"\(trainingBase64)\"}"
    }
}
