import Foundation

/// Anomstack's preprocessing chain, the same for training and scoring: resample (`freq`,
/// `freq_agg`) → (ours, optional) minus the value one `season` earlier, matched by time →
/// lag-`diff_n` difference → trailing mean over `smooth_n` → `lags_n` lagged copies; rows with a missing value (the first ones, and gaps left by resampling) are dropped,
/// unless `missing_data` fills the gaps first (zero, the last value, or a straight line).
/// Features per row: the transformed value, then lag 1 ... lag n.
public struct Preprocessor: Sendable {
    public let params: PreprocessParams

    public init(params: PreprocessParams) {
        self.params = params
    }

    /// Builds the feature matrix of a series given in ascending time order.
    public func features(timestamps: [Date], values: [Double]) -> FeatureMatrix {
        var (times, series) = resample(timestamps: timestamps, values: values)
        // Slots filled in between the metric's own points feed the differences, means and lags
        // of the points after them, but are no rows themselves: only points that came get a score.
        var inserted: Set<Date> = []
        if params.missingData != .skip {
            if params.freq == nil { (times, series, inserted) = missingSlots(times: times, series: series) }
            series = params.missingData.fill(series)
        }
        if let season = params.season { series = seasonalDifference(times: times, series: series, seconds: season.seconds) }
        if params.diffN > 0 { series = difference(series, lag: params.diffN) }
        if params.smoothN > 1 { series = trailingMean(series, window: params.smoothN) }
        let columns = params.lagsN + 1
        var out = [Double]()
        out.reserveCapacity(series.count * columns)
        var kept: [Date] = []
        kept.reserveCapacity(series.count)
        rows: for i in params.lagsN..<max(series.count, params.lagsN) where !inserted.contains(times[i]) {
            for k in 0...params.lagsN where series[i - k].isNaN { continue rows }
            for k in 0...params.lagsN { out.append(series[i - k]) }
            kept.append(times[i])
        }
        return FeatureMatrix(rows: kept.count, columns: columns, values: out, timestamps: kept)
    }

    func resample(timestamps: [Date], values: [Double]) -> ([Date], [Double]) {
        guard let freq = params.freq, let first = timestamps.first, let last = timestamps.last else {
            return (timestamps, values)
        }
        let step = Double(freq.seconds)
        let start = (first.timeIntervalSince1970 / step).rounded(.down)
        let end = (last.timeIntervalSince1970 / step).rounded(.down)
        let bucketCount = Int(end - start) + 1
        var times: [Date] = []
        var out: [Double] = []
        times.reserveCapacity(bucketCount)
        out.reserveCapacity(bucketCount)
        var index = 0
        for b in 0..<bucketCount {
            let bucketStart = (start + Double(b)) * step
            let lower = index
            while index < timestamps.count && timestamps[index].timeIntervalSince1970 < bucketStart + step { index += 1 }
            times.append(Date(timeIntervalSince1970: bucketStart))
            out.append(params.freqAgg.combine(values[lower..<index]))
        }
        return (times, out)
    }

    /// The series with a NaN at each slot of its own interval (the median gap between its points)
    /// where no point came, the points' own times kept, and the times of the slots added. A gap that would need more slots than
    /// `maxInsertedPerPoint` times the series' length is left as it is.
    func missingSlots(times: [Date], series: [Double]) -> ([Date], [Double], Set<Date>) {
        guard let step = MetricInterval.median(of: times, minimumGaps: 2) else { return (times, series, []) }
        var outTimes: [Date] = []
        var outSeries: [Double] = []
        var inserted: Set<Date> = []
        var budget = times.count * Self.maxInsertedPerPoint
        for i in times.indices {
            if i > 0 {
                let gap = times[i].timeIntervalSince(times[i - 1])
                let missing = Int((gap / step).rounded()) - 1
                if gap >= 1.5 * step, missing > 0, missing <= budget {
                    budget -= missing
                    for k in 1...missing {
                        let slot = times[i - 1].addingTimeInterval(Double(k) * step)
                        outTimes.append(slot)
                        outSeries.append(.nan)
                        inserted.insert(slot)
                    }
                }
            }
            outTimes.append(times[i])
            outSeries.append(series[i])
        }
        return (outTimes, outSeries, inserted)
    }

    /// How many missing slots per point `missingSlots` may add in all: a year of silence in a
    /// minutely metric is not filled in.
    static let maxInsertedPerPoint = 10

    /// Each value minus the value stored exactly one season earlier; NaN (the row is dropped)
    /// where there is none.
    func seasonalDifference(times: [Date], series: [Double], seconds: Int) -> [Double] {
        var byTime: [Date: Double] = [:]
        for (t, v) in zip(times, series) { byTime[t] = v }
        return zip(times, series).map { t, v in
            byTime[t.addingTimeInterval(-Double(seconds))].map { v - $0 } ?? .nan
        }
    }

    func difference(_ series: [Double], lag: Int) -> [Double] {
        var out = [Double](repeating: .nan, count: series.count)
        if series.count > lag {
            for i in lag..<series.count { out[i] = series[i] - series[i - lag] }
        }
        return out
    }

    /// pandas' `rolling(window).mean()`: NaN until a full window, and NaN while a NaN is inside it.
    func trailingMean(_ series: [Double], window: Int) -> [Double] {
        var out = [Double](repeating: .nan, count: series.count)
        guard series.count >= window else { return out }
        for i in (window - 1)..<series.count {
            var sum = 0.0
            for j in (i - window + 1)...i { sum += series[j] }
            out[i] = sum / Double(window)
        }
        return out
    }
}
