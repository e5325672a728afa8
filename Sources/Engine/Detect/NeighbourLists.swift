import Foundation

/// The k nearest neighbours of every training row of a KNN detector, kept so that the next
/// training on a window that moved by a few points updates them instead of recomputing all
/// pairs. Rows are identified by their timestamp; an update gives exactly the squared
/// distances a full computation gives (the same arithmetic on the same rows), so detector
/// output does not depend on whether a cache was used.
struct NeighbourLists: Sendable {
    var k: Int
    var columns: Int
    var ids: [Double]
    var rows: [Double]
    /// `k` squared distances per row, ascending, and the ids they belong to.
    var distances: [Double]
    var neighbours: [Double]

    /// Computes every row's list from scratch, each pair once.
    init(x: FeatureMatrix, k: Int) {
        self.k = k
        columns = x.columns
        ids = x.timestamps.map(\.timeIntervalSince1970)
        rows = x.values
        let n = x.rows
        distances = [Double](repeating: .infinity, count: n * k)
        neighbours = [Double](repeating: .nan, count: n * k)
        let p = columns
        rows.withUnsafeBufferPointer { t in
            distances.withUnsafeMutableBufferPointer { d in
                neighbours.withUnsafeMutableBufferPointer { nb in
                    for i in 0..<n {
                        for j in (i + 1)..<max(n, i + 1) {
                            var sq = 0.0
                            for c in 0..<p {
                                let diff = t[i * p + c] - t[j * p + c]
                                sq += diff * diff
                            }
                            Self.offer(sq, id: ids[j], to: d, nb, at: i * k, k: k)
                            Self.offer(sq, id: ids[i], to: d, nb, at: j * k, k: k)
                        }
                    }
                }
            }
        }
    }

    /// The lists for `x`, reusing `previous` for rows both share with identical features.
    /// Falls back to a full computation when less than half the rows are shared.
    static func update(_ previous: NeighbourLists?, to x: FeatureMatrix, k: Int) -> NeighbourLists {
        guard let previous, previous.k == k, previous.columns == x.columns else { return NeighbourLists(x: x, k: k) }
        let p = x.columns
        let n = x.rows
        var oldIndex: [Double: Int] = [:]
        oldIndex.reserveCapacity(previous.ids.count)
        for (i, id) in previous.ids.enumerated() { oldIndex[id] = i }
        var kept = [Int?](repeating: nil, count: n)
        var keptCount = 0
        for j in 0..<n {
            guard let i = oldIndex[x.timestamps[j].timeIntervalSince1970] else { continue }
            if previous.rows[(i * p)..<((i + 1) * p)].elementsEqual(x.values[(j * p)..<((j + 1) * p)]) {
                kept[j] = i
                keptCount += 1
            }
        }
        guard keptCount * 2 >= n else { return NeighbourLists(x: x, k: k) }
        var lists = previous
        lists.ids = x.timestamps.map(\.timeIntervalSince1970)
        lists.rows = x.values
        lists.distances = [Double](repeating: .infinity, count: n * k)
        lists.neighbours = [Double](repeating: .nan, count: n * k)
        var present = Set<Double>(minimumCapacity: n)
        for j in 0..<n where kept[j] != nil { present.insert(lists.ids[j]) }
        let fresh = (0..<n).filter { kept[$0] == nil }
        lists.rows.withUnsafeBufferPointer { t in
            lists.distances.withUnsafeMutableBufferPointer { d in
                lists.neighbours.withUnsafeMutableBufferPointer { nb in
                    func distance(_ a: Int, _ b: Int) -> Double {
                        var sq = 0.0
                        for c in 0..<p {
                            let diff = t[a * p + c] - t[b * p + c]
                            sq += diff * diff
                        }
                        return sq
                    }
                    for j in 0..<n {
                        guard let i = kept[j] else {
                            for other in 0..<n where other != j { offer(distance(j, other), id: lists.ids[other], to: d, nb, at: j * k, k: k) }
                            continue
                        }
                        let old = (i * k)..<((i + 1) * k)
                        if previous.neighbours[old].allSatisfy({ $0.isNaN || present.contains($0) }) {
                            for (m, index) in old.enumerated() {
                                d[j * k + m] = previous.distances[index]
                                nb[j * k + m] = previous.neighbours[index]
                            }
                            for other in fresh { offer(distance(j, other), id: lists.ids[other], to: d, nb, at: j * k, k: k) }
                        } else {
                            for other in 0..<n where other != j { offer(distance(j, other), id: lists.ids[other], to: d, nb, at: j * k, k: k) }
                        }
                    }
                }
            }
        }
        return lists
    }

    /// Keeps the k smallest squared distances of a row, ascending, with their ids. Among equal
    /// distances the newest row (largest id) is kept, so when a window moves and its oldest rows
    /// drop out, few lists held them: on flat or repetitive data ties are everywhere, and
    /// keeping old rows would force most lists to be recomputed. Which of several equal
    /// distances is kept never changes a score.
    @inline(__always)
    static func offer(
        _ value: Double, id: Double, to d: UnsafeMutableBufferPointer<Double>,
        _ nb: UnsafeMutableBufferPointer<Double>, at base: Int, k: Int
    ) {
        var m = base + k - 1
        guard value < d[m] || (value == d[m] && id > nb[m]) else { return }
        while m > base && (d[m - 1] > value || (d[m - 1] == value && nb[m - 1] < id)) {
            d[m] = d[m - 1]
            nb[m] = nb[m - 1]
            m -= 1
        }
        d[m] = value
        nb[m] = id
    }
}
