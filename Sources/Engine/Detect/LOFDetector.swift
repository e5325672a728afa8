import Foundation

/// PyOD's local outlier factor (`pyod.models.lof.LOF`, scikit-learn's `LocalOutlierFactor` in
/// novelty mode, Euclidean distance), so an Anomstack batch that names `LOF` runs as it did
/// there. A point's reachability distance to a training row is the larger of their distance
/// and that row's k-distance (the distance to its own k-th neighbour, itself left out); its
/// local density is one over the mean reachability distance to its k nearest training rows
/// (plus scikit-learn's 1e-10); its raw score is the mean density of those rows over its own:
/// about 1 inside a cluster, larger the sparser the point's neighbourhood is than theirs.
///
/// The model keeps the training rows with each row's k-distance and density, so scoring needs
/// only the new points' neighbours.
public struct LOFDetector: Sendable, Hashable, Decodable {
    public var neighbours: Int
    public var columns: Int
    public var training: [Double]
    /// Each training row's distance to its k-th nearest other row.
    public var kDistances: [Double]
    /// Each training row's local reachability density.
    public var densities: [Double]

    enum CodingKeys: String, CodingKey {
        case neighbours, columns
        case training = "training_base64"
        case kDistances = "k_distances_base64"
        case densities = "densities_base64"
    }

    public static let defaultNeighbours = 20
    /// scikit-learn adds it to the mean reachability distance so duplicates do not divide by 0.
    static let densityGuard = 1e-10

    public init(neighbours: Int, columns: Int, training: [Double], kDistances: [Double], densities: [Double]) {
        self.neighbours = neighbours
        self.columns = columns
        self.training = training
        self.kDistances = kDistances
        self.densities = densities
    }

    /// Fits on `x` (`n_neighbors`, default 20, at most the rows less one, as scikit-learn
    /// clamps it); returns the detector and the training rows' own scores. With a memo, the
    /// neighbour lists of the previous training of the same key are updated, not recomputed.
    public static func fit(
        _ x: FeatureMatrix, params: [String: ConfigValue], memo: DetectorMemo? = nil,
        memoKey: String = ""
    ) -> (LOFDetector, [Double]) {
        let k = max(1, min(params["n_neighbors"]?.intValue ?? defaultNeighbours, max(x.rows - 1, 1)))
        let lists = memo.map { NeighbourLists.update($0.neighbours(memoKey), to: x, k: k) } ?? NeighbourLists(x: x, k: k)
        memo?.store(memoKey, lists)
        let n = x.rows
        var index: [Double: Int] = [:]
        for (i, id) in lists.ids.enumerated() { index[id] = i }
        let neighbourRows = lists.neighbours.map { index[$0] ?? -1 }
        let distances = lists.distances.map { $0.squareRoot() }
        let kDistances = (0..<n).map { distances[$0 * k + k - 1] }
        let densities = (0..<n).map { i in
            density(distances: distances[(i * k)..<((i + 1) * k)], rows: neighbourRows[(i * k)..<((i + 1) * k)], kDistances: kDistances)
        }
        let detector = LOFDetector(neighbours: k, columns: x.columns, training: x.values, kDistances: kDistances, densities: densities)
        let scores = (0..<n).map { i in
            detector.factor(density: densities[i], rows: neighbourRows[(i * k)..<((i + 1) * k)])
        }
        return (detector, scores)
    }

    /// One over the mean reachability distance to `rows` (at `distances`).
    static func density(distances: ArraySlice<Double>, rows: ArraySlice<Int>, kDistances: [Double]) -> Double {
        var total = 0.0
        for (d, row) in zip(distances, rows) { total += row >= 0 ? max(d, kDistances[row]) : d }
        return 1 / (total / Double(max(distances.count, 1)) + densityGuard)
    }

    /// The mean density of `rows` over `density`.
    func factor(density: Double, rows: ArraySlice<Int>) -> Double {
        let valid = rows.filter { $0 >= 0 }
        guard !valid.isEmpty else { return 1 }
        return valid.reduce(0) { $0 + densities[$1] } / Double(valid.count) / density
    }

    /// Raw outlier scores of new points (PyOD's `decision_function`): their local outlier factor.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let nearest = NearestTrainingRows(of: x, in: training, columns: columns, k: neighbours)
        return (0..<x.rows).map { i in
            let rows = nearest.indices[(i * neighbours)..<((i + 1) * neighbours)]
            let own = Self.density(distances: ArraySlice(nearest.distances(of: i).map { $0.squareRoot() }), rows: rows, kDistances: kDistances)
            return factor(density: own, rows: rows)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func packed(_ key: CodingKeys) throws -> [Double] {
            guard let values = PackedDoubles.decode(try container.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not base64 float64 data")
            }
            return values
        }
        self.init(
            neighbours: try container.decode(Int.self, forKey: .neighbours), columns: try container.decode(Int.self, forKey: .columns),
            training: try packed(.training), kDistances: try packed(.kDistances), densities: try packed(.densities))
        let rows = columns > 0 ? training.count / columns : 0
        guard columns > 0, training.count == rows * columns, kDistances.count == rows, densities.count == rows, neighbours >= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .columns, in: container,
                debugDescription:
                    "\(training.count) values, \(kDistances.count) k-distances and \(densities.count) densities do not fit \(columns) columns")
        }
    }

}

extension LOFDetector: Detector {
    public static let fileKey = "lof"
    public static let modelNames = ["LOF"]
    public static let parameters: [String: ConfigSchema.Kind] =
        [
            "contamination": .number, "n_neighbors": .int, "algorithm": .string, "leaf_size": .int, "metric": .string, "p": .int,
            "novelty": .bool, "n_jobs": .int,
        ].merging(TailCalibration.parameters) { $1 }

    public static func problems(in params: [String: ConfigValue]) -> [String] {
        var problems: [String] = []
        if let k = params["n_neighbors"]?.intValue, k < 1 { problems.append("'n_neighbors' must be at least 1") }
        if let metric = params["metric"]?.stringValue, !["minkowski", "euclidean", "l2"].contains(metric) {
            problems.append("'metric' must be euclidean (or minkowski with p 2)")
        }
        if let p = params["p"]?.intValue, p != 2 { problems.append("only 'p: 2' (Euclidean distance) is supported") }
        return problems
    }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (LOFDetector, [Double]) {
        fit(x, params: context.params, memo: context.memo, memoKey: context.memoKey)
    }

    public func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"densities_base64\":\"\(PackedDoubles.encode(densities))\","
            + "\"k_distances_base64\":\"\(PackedDoubles.encode(kDistances))\",\"neighbours\":\(neighbours),"
            + "\"training_base64\":\"\(PackedDoubles.encode(training))\"}"
    }
}
