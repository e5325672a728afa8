/// The Theil–Sen line of a series against its index: the median of the slopes between every pair
/// of points, and the median intercept. A third of the points can be outliers before it moves,
/// which a least-squares line cannot say.
enum TheilSen {
    /// (slope per step, intercept), or nil for fewer than two points.
    static func fit(_ values: [Double]) -> (slope: Double, intercept: Double)? {
        guard values.count >= 2 else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(values.count * (values.count - 1) / 2)
        for i in values.indices {
            for j in (i + 1)..<values.count { slopes.append((values[j] - values[i]) / Double(j - i)) }
        }
        guard let slope = RobustStatistics.median(slopes),
            let intercept = RobustStatistics.median(values.indices.map { values[$0] - slope * Double($0) })
        else { return nil }
        return (slope, intercept)
    }
}
