import Foundation

extension PlotData {
    /// The chart's lines with at most about `2 × buckets` points each: the time span is cut into
    /// `buckets` equal parts and each part keeps its lowest and its highest value (and score), in
    /// time order, so a spike or a dip of one point survives however long the window; the band
    /// keeps its widest range in each part. Marks (alerts, changes, threshold alerts) are kept
    /// as they are. A chart with few enough points is returned unchanged. A dashboard chart is
    /// a few hundred pixels wide: a month of five-minute points (8,640) drew 8,640 segments and
    /// sent them all to the browser.
    public func thinned(toAtMost buckets: Int) -> PlotData {
        let buckets = max(buckets, 1)
        guard values.count > 2 * buckets || scores.count > 2 * buckets || band.count > 2 * buckets else { return self }
        let times = (values.map(\.time) + scores.map(\.time) + band.map(\.time))
        guard let first = times.min(), let last = times.max(), last > first else { return self }
        let width = last.timeIntervalSince(first) / Double(buckets)
        func bucket(_ time: Date) -> Int { min(Int(time.timeIntervalSince(first) / width), buckets - 1) }
        var thinned = self
        thinned.values = Self.extremes(values, bucket: bucket)
        thinned.scores = Self.extremes(scores, bucket: bucket)
        thinned.band = Self.widest(band, bucket: bucket)
        return thinned
    }

    /// Each bucket's lowest and highest point, in time order (one point when they are the same).
    static func extremes(_ points: [Point], bucket: (Date) -> Int) -> [Point] {
        var kept: [Point] = []
        var start = 0
        while start < points.count {
            let current = bucket(points[start].time)
            var end = start
            var low = start
            var high = start
            while end < points.count, bucket(points[end].time) == current {
                if points[end].value < points[low].value { low = end }
                if points[end].value > points[high].value { high = end }
                end += 1
            }
            for index in Set([low, high]).sorted() { kept.append(points[index]) }
            start = end
        }
        return kept
    }

    /// Each bucket's band as one range from its lowest low to its highest high, at the bucket's
    /// first time.
    static func widest(_ bands: [Band], bucket: (Date) -> Int) -> [Band] {
        var kept: [Band] = []
        for band in bands {
            if let previous = kept.last, bucket(previous.time) == bucket(band.time) {
                kept[kept.count - 1].low = min(previous.low, band.low)
                kept[kept.count - 1].high = max(previous.high, band.high)
            } else {
                kept.append(band)
            }
        }
        return kept
    }
}
