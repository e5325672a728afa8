import Foundation

/// PyOD's isolation forest (`pyod.models.iforest.IForest`, scikit-learn's algorithm), so an
/// Anomstack batch that names `IForest` runs as it did there: `n_estimators` random trees, each
/// grown on `max_samples` training rows drawn without replacement (with it under `bootstrap`),
/// splitting a random non-constant feature at a uniform value between its least and greatest in
/// the node, until a row stands alone or the depth reaches ⌈log2 max_samples⌉. A point's raw
/// score is `2^(−E[h] / c(ψ))`, where `h` is the depth at which it leaves a tree plus the expected
/// depth `c(n)` of the `n` training rows its leaf still holds: a point isolated early scores near
/// 1, a typical one near 0.5 or below.
///
/// The trees are drawn from the engine's generator, seeded by the run seed, batch, metric and tag
/// (or by `random_state`), so a training is reproducible. The model file therefore holds the
/// training rows and the seed, not the trees: reading it grows the same forest again, which
/// keeps the file as small as a KNN model's.
public struct IsolationForestDetector: Sendable, Hashable, Decodable {
    public var trees: Int
    /// Rows per tree (ψ), already resolved against the training size.
    public var samples: Int
    /// Features each tree may split on (`max_features`), already resolved.
    public var features: Int
    public var bootstrap: Bool
    public var seed: UInt64
    public var columns: Int
    /// The training rows, row-major; stored as `PackedDoubles`.
    public var training: [Double]
    private var forest: Forest

    enum CodingKeys: String, CodingKey {
        case trees, samples, features, bootstrap, seed, columns
        case training = "training_base64"
    }

    public static let defaultTrees = 100
    public static let defaultSamples = 256

    public init(trees: Int, samples: Int, features: Int, bootstrap: Bool, seed: UInt64, columns: Int, training: [Double]) {
        self.trees = trees
        self.samples = samples
        self.features = features
        self.bootstrap = bootstrap
        self.seed = seed
        self.columns = columns
        self.training = training
        forest = Forest(
            trees: trees, samples: samples, features: features, bootstrap: bootstrap, seed: seed,
            columns: columns, training: training)
    }

    /// Fits on `x` with PyOD's parameters (`n_estimators`, `max_samples` as "auto", a count or a
    /// fraction, `max_features` as a count or a fraction, `bootstrap`, `random_state`); `seed`
    /// is used unless `random_state` is set. Returns the detector and the training rows' scores.
    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue], seed: UInt64) -> (IsolationForestDetector, [Double]) {
        let n = max(x.rows, 1)
        let trees = max(params["n_estimators"]?.intValue ?? defaultTrees, 1)
        // As in scikit-learn, an integer is a count and a float a fraction (so 1.0 is every row).
        func resolved(_ value: ConfigValue?, of total: Int, otherwise: Int) -> Int {
            switch value {
            case .int(let count): return count
            case .double(let fraction): return Int(fraction * Double(total))
            default: return otherwise
            }
        }
        let samples = resolved(params["max_samples"], of: n, otherwise: defaultSamples)
        let features = resolved(params["max_features"], of: x.columns, otherwise: x.columns)
        let randomState = params["random_state"]?.intValue.map { UInt64(bitPattern: Int64($0)) }
        let detector = IsolationForestDetector(
            trees: trees, samples: min(max(samples, 1), n), features: min(max(features, 1), max(x.columns, 1)),
            bootstrap: params["bootstrap"]?.boolValue ?? false, seed: randomState ?? seed,
            columns: x.columns, training: x.values)
        return (detector, detector.decisionFunction(x))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let seedText = try container.decode(String.self, forKey: .seed)
        guard let seed = UInt64(seedText, radix: 16) else {
            throw DecodingError.dataCorruptedError(forKey: .seed, in: container, debugDescription: "not a hexadecimal seed")
        }
        guard let training = PackedDoubles.decode(try container.decode(String.self, forKey: .training)) else {
            throw DecodingError.dataCorruptedError(forKey: .training, in: container, debugDescription: "not base64 float64 data")
        }
        let columns = try container.decode(Int.self, forKey: .columns)
        let trees = try container.decode(Int.self, forKey: .trees)
        let samples = try container.decode(Int.self, forKey: .samples)
        let features = try container.decode(Int.self, forKey: .features)
        guard columns > 0, training.count % columns == 0, training.count / columns >= samples, trees >= 1, samples >= 1,
            (1...columns).contains(features)
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .columns, in: container,
                debugDescription: "\(training.count) values do not fit \(columns) columns, \(samples) samples and \(features) features")
        }
        self.init(
            trees: trees, samples: samples, features: features, bootstrap: try container.decode(Bool.self, forKey: .bootstrap),
            seed: seed, columns: columns, training: training)
    }

    /// The seed as 16 hexadecimal digits: JSON numbers lose a 64-bit integer's low bits.
    var seedText: String {
        let hex = String(seed, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    var trainingBase64: String { PackedDoubles.encode(training) }

    /// Raw outlier scores, larger is more anomalous: `2^(−mean path length / c(ψ))`.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let normaliser = Double(trees) * Self.averagePathLength(samples)
        return (0..<x.rows).map { i in
            let row = x.values[(i * x.columns)..<((i + 1) * x.columns)]
            let total = forest.pathLengthSum(row)
            return normaliser > 0 ? pow(2, -total / normaliser) : 0.5
        }
    }

    /// c(n): the average path length of an unsuccessful search in a binary search tree of n
    /// rows, scikit-learn's `_average_path_length` (0 for one row, 1 for two).
    static func averagePathLength(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let m = Double(n - 1)
        return 2 * (log(m) + 0.577_215_664_901_532_9) - 2 * m / Double(n)
    }

    /// The trees, laid out flat: node `i`'s left child is `i + 1`, its right child `right[i]`;
    /// a leaf (`feature[i] < 0`) holds in `value[i]` its depth plus c(rows left in it), a split
    /// node its threshold (rows at or under it go left, as in scikit-learn).
    struct Forest: Sendable, Hashable {
        var roots: [Int32] = []
        var feature: [Int16] = []
        var right: [Int32] = []
        var value: [Double] = []

        init(trees: Int, samples: Int, features: Int, bootstrap: Bool, seed: UInt64, columns: Int, training: [Double]) {
            let rows = columns > 0 ? training.count / columns : 0
            guard rows > 0 else { return }
            var random = Xoshiro256(seed: seed)
            let maxDepth = Int(ceil(log2(Double(max(samples, 2)))))
            var order = Array(0..<rows)
            var columnOrder = Array(0..<columns)
            for _ in 0..<trees {
                var chosen: [Int]
                if bootstrap {
                    chosen = (0..<samples).map { _ in Self.uniform(rows, &random) }
                } else {
                    for i in 0..<samples { order.swapAt(i, i + Self.uniform(rows - i, &random)) }
                    chosen = Array(order[0..<samples])
                }
                for i in 0..<features { columnOrder.swapAt(i, i + Self.uniform(columns - i, &random)) }
                let usable = Array(columnOrder[0..<features])
                roots.append(Int32(feature.count))
                grow(
                    &chosen, 0..<chosen.count, depth: 0, maxDepth: maxDepth, usable: usable, columns: columns, training: training,
                    random: &random)
            }
        }

        /// A uniform integer in 0..<n from the engine's generator (the same on every platform).
        static func uniform(_ n: Int, _ random: inout Xoshiro256) -> Int {
            min(Int(random.nextUnit() * Double(n)), n - 1)
        }

        private mutating func grow(
            _ rows: inout [Int], _ range: Range<Int>, depth: Int, maxDepth: Int, usable: [Int], columns: Int,
            training: [Double], random: inout Xoshiro256
        ) {
            let node = feature.count
            func leaf() {
                feature.append(-1)
                right.append(-1)
                value.append(Double(depth) + IsolationForestDetector.averagePathLength(range.count))
            }
            guard depth < maxDepth, range.count > 1 else { return leaf() }
            // A random feature among those not constant in this node, as scikit-learn's random splitter draws.
            var candidates = usable
            var split: (feature: Int, low: Double, high: Double)?
            while split == nil, !candidates.isEmpty {
                let f = candidates.remove(at: Self.uniform(candidates.count, &random))
                var low = Double.infinity
                var high = -Double.infinity
                for r in range {
                    let v = training[rows[r] * columns + f]
                    low = min(low, v)
                    high = max(high, v)
                }
                if high > low { split = (f, low, high) }
            }
            guard let split else { return leaf() }
            var threshold = split.low + random.nextUnit() * (split.high - split.low)
            if threshold >= split.high { threshold = split.low }
            feature.append(Int16(split.feature))
            right.append(0)
            value.append(threshold)
            var middle = range.lowerBound
            for r in range where training[rows[r] * columns + split.feature] <= threshold {
                rows.swapAt(r, middle)
                middle += 1
            }
            grow(
                &rows, range.lowerBound..<middle, depth: depth + 1, maxDepth: maxDepth, usable: usable, columns: columns,
                training: training, random: &random)
            right[node] = Int32(feature.count)
            grow(
                &rows, middle..<range.upperBound, depth: depth + 1, maxDepth: maxDepth, usable: usable, columns: columns,
                training: training, random: &random)
        }

        /// The sum over the trees of the path length of `row`.
        func pathLengthSum(_ row: ArraySlice<Double>) -> Double {
            var total = 0.0
            let base = row.startIndex
            for root in roots {
                var i = Int(root)
                while feature[i] >= 0 {
                    i = row[base + Int(feature[i])] <= value[i] ? i + 1 : Int(right[i])
                }
                total += value[i]
            }
            return total
        }
    }
}

extension IsolationForestDetector: Detector {
    public static let fileKey = "iforest"
    public static let modelNames = ["IForest"]
    public static let parameters: [String: ConfigSchema.Kind] =
        [
            "contamination": .number, "n_estimators": .int, "max_samples": .any, "max_features": .number, "bootstrap": .bool,
            "random_state": .int, "n_jobs": .int,
        ].merging(TailCalibration.parameters) { $1 }

    public static func problems(in params: [String: ConfigValue]) -> [String] {
        var problems: [String] = []
        for key in ["max_samples", "max_features"] {
            guard let size = params[key] else { continue }
            switch size {
            case .string("auto") where key == "max_samples", .int(1...), .double(0.0.nextUp...1.0): break
            default:
                problems.append("'\(key)' must be \(key == "max_samples" ? "auto, " : "")a count of at least 1 or a fraction in (0, 1]")
            }
        }
        if let trees = params["n_estimators"]?.intValue, trees < 1 { problems.append("'n_estimators' must be at least 1") }
        return problems
    }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (IsolationForestDetector, [Double]) {
        fit(x, params: context.params, seed: context.seed)
    }

    public func modelFileJSON() throws -> String {
        "{\"bootstrap\":\(bootstrap),\"columns\":\(columns),\"features\":\(features),\"samples\":\(samples),"
            + "\"seed\":\"\(seedText)\",\"training_base64\":\"\(trainingBase64)\",\"trees\":\(trees)}"
    }
}
