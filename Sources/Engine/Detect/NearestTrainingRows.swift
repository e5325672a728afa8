import Foundation

/// The `k` training rows nearest each of a set of new points (Euclidean, brute force over
/// contiguous rows, which beats a tree for the few features and few thousand rows a metric
/// has): squared distances ascending, and the training rows' indices. Shared by the detectors
/// that score a point by its neighbours (KNN, LOF).
struct NearestTrainingRows {
    let k: Int
    /// `k` squared distances per point, ascending.
    var squaredDistances: [Double]
    /// The training row index behind each distance.
    var indices: [Int]

    init(of x: FeatureMatrix, in training: [Double], columns p: Int, k: Int) {
        self.k = k
        let n = p == 0 ? 0 : training.count / p
        var distances = [Double](repeating: .infinity, count: x.rows * k)
        var ids = [Double](repeating: .nan, count: x.rows * k)
        training.withUnsafeBufferPointer { t in
            distances.withUnsafeMutableBufferPointer { d in
                ids.withUnsafeMutableBufferPointer { nb in
                    for i in 0..<x.rows {
                        let ri = i * p
                        for j in 0..<n {
                            let rj = j * p
                            var sq = 0.0
                            for c in 0..<p {
                                let diff = x.values[ri + c] - t[rj + c]
                                sq += diff * diff
                            }
                            NeighbourLists.offer(sq, id: Double(j), to: d, nb, at: i * k, k: k)
                        }
                    }
                }
            }
        }
        squaredDistances = distances
        indices = ids.map { $0.isNaN ? -1 : Int($0) }
    }

    /// Point `i`'s squared distances.
    func distances(of i: Int) -> ArraySlice<Double> { squaredDistances[(i * k)..<((i + 1) * k)] }
}
