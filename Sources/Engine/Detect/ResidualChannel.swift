import Foundation

/// One way of asking how far a series has strayed from its recent past: the mean of its last
/// `run` values as a robust z-score against the `window` values just before them (their median,
/// and their MAD-based spread shrunk by √run, since a mean of `run` values wanders √run times
/// less). With `run` 1 it is a point's distance from the local level — a spike; with a longer
/// run, a shift that no single point shows. A channel with a `lag` reads the series' difference
/// from `lag` rows earlier (one day or one week) instead of the series, so a day that breaks the
/// daily or weekly pattern stands out.
public struct ResidualChannel: Sendable, Hashable, Codable {
    /// Rows back to difference against; 0 reads the series itself.
    public var lag: Int
    public var window: Int
    public var run: Int
    /// The largest score the channel gave over the training rows: the record new points are
    /// measured against.
    public var record: Double = 0
    /// How many scores the record is the largest of. Until that reaches `window` (and the
    /// detector's `learnRows`) the record is still being learnt: scoring raises it but the
    /// channel does not vote, so a record from a short history does not break on the next
    /// ordinary wobble.
    public var recordRows: Int = 0

    enum CodingKeys: String, CodingKey {
        case lag, window, run, record
        case recordRows = "record_rows"
    }

    /// How many earlier values of the series a score needs.
    var lookback: Int { lag + window + run - 1 }

    /// What the channel reads: the series, or its difference from the value `lag` rows of
    /// `spacing` seconds earlier — found by time, within half a spacing, so rows missing in
    /// between do not shift it (nil where there is no such row). Without a spacing (a model from
    /// before it was stored) the lag counts rows.
    func input(_ values: [Double], timestamps: [Date], spacing: Double?) -> [Double?] {
        guard lag > 0 else { return values.map { $0 } }
        let earlier = Self.earlierRows(count: values.count, timestamps: timestamps, lag: lag, spacing: spacing)
        return values.indices.map { i in earlier[i].map { values[i] - values[$0] } }
    }

    /// Each row's row `lag` rows of `spacing` seconds earlier — found by time, within half a
    /// spacing, so rows missing in between do not shift it (nil where there is no such row).
    /// Without a spacing, or timestamps for every row, it counts rows.
    static func earlierRows(count: Int, timestamps: [Date], lag: Int, spacing: Double?) -> [Int?] {
        guard let spacing, timestamps.count == count else {
            return (0..<count).map { $0 >= lag ? $0 - lag : nil }
        }
        let offset = Double(lag) * spacing
        let tolerance = spacing / 2
        var earlier = 0
        return (0..<count).map { i in
            let target = timestamps[i].addingTimeInterval(-offset)
            while earlier < i, timestamps[earlier].timeIntervalSince(target) < -tolerance { earlier += 1 }
            guard earlier < i, abs(timestamps[earlier].timeIntervalSince(target)) <= tolerance else { return nil }
            return earlier
        }
    }

    /// A channel's reading at one row before any floor: how far the mean of the run lies from
    /// the window's median (signed: above is positive), and the window's spread shrunk by √run.
    /// Kept apart so a score can be taken at whatever floor the detector has (the floor follows
    /// the training range).
    struct Residual: Sendable, Hashable {
        var deviation: Double
        var scale: Double
        /// How many values the run's mean took (fewer than the channel's run where some were
        /// missing): the weight of the row's own value in it.
        var run: Int

        /// The robust z-score, with the spread bounded below by `floor`.
        func score(floor: Double) -> Double { abs(deviation) / max(scale, floor) }

        /// The values the row's own value could have taken, `value` being the one it took, for
        /// the score to stay under `limit`: the row's value enters the run's mean with weight
        /// 1/run, and the window and lagged value do not depend on it, so the interval is centred
        /// where the mean meets the median. Nil when `limit` is not positive or the bounds overflow.
        func interval(around value: Double, floor: Double, limit: Double) -> ClosedRange<Double>? {
            let centre = value - Double(run) * deviation
            let half = Double(run) * limit * max(scale, floor)
            // Out of range arithmetic on extreme values draws no band rather than trapping.
            guard limit > 0, (centre - half).isFinite, (centre + half).isFinite else { return nil }
            return (centre - half)...(centre + half)
        }
    }

    /// The scores at rows `rows` of `input`, nil where `input` is nil or too short before the row.
    /// `floor` bounds the spread from below, so a flat window does not make every change infinite.
    func scores(_ input: [Double?], rows: Range<Int>, floor: Double) -> [Double?] {
        residuals(input, rows: rows).map { $0?.score(floor: floor) }
    }

    /// The readings at rows `rows` of `input`: nil where the row's own input is nil, where the
    /// window would reach before the input's first value (a lagged input has none for its first
    /// day or week: that is not yet history, not a hole in it), or where fewer than half the
    /// window's values (`minimumPresent`) are there. A missing value inside the window or the run
    /// is left out of the median, the spread and the mean rather than blinding the channel for a
    /// window's length: one reading lost by a sensor, or a day-earlier row missing, should not
    /// leave the next `window` points unscored.
    func residuals(_ input: [Double?], rows: Range<Int>) -> [Residual?] {
        var out = [Residual?](repeating: nil, count: rows.count)
        var spread: SlidingSpread?
        var spreadEnd = -1  // the window covers input[spreadEnd - window + 1 ... spreadEnd]
        let first = input.firstIndex { $0 != nil } ?? input.count
        for t in rows {
            let end = t - run
            let start = end - window + 1
            guard start >= first, t < input.count else {
                spread = nil
                continue
            }
            if var current = spread, spreadEnd == end - 1 {
                current.slide(out: input[start - 1], in: input[end])
                spread = current
            } else {
                spread = SlidingSpread((start...end).compactMap { input[$0] })
            }
            spreadEnd = end
            guard input[t] != nil, spread!.count >= minimumPresent else { continue }
            // Summed afresh (run is short), so a score does not depend on where the scan began;
            // row t has a value, so the run has at least one.
            var sum = 0.0
            var present = 0
            for i in (end + 1)...t {
                guard let value = input[i] else { continue }
                sum += value
                present += 1
            }
            out[t - rows.lowerBound] = Residual(
                deviation: sum / Double(present) - spread!.median, scale: spread!.scale / Double(present).squareRoot(),
                run: present)
        }
        return out
    }

    /// The fewest values of its window a reading needs: half of them, and at least two.
    var minimumPresent: Int { max((window + 1) / 2, 2) }
}

extension ResidualChannel {
    /// Models written before `record_rows` existed marked an unlearnt record with −1 and trusted
    /// every other one; they read back with that meaning. (In an extension, so the memberwise
    /// initialiser stays.)
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lag = try container.decode(Int.self, forKey: .lag)
        window = try container.decode(Int.self, forKey: .window)
        run = try container.decode(Int.self, forKey: .run)
        let stored = try container.decode(Double.self, forKey: .record)
        record = max(stored, 0)
        recordRows = try container.decodeIfPresent(Int.self, forKey: .recordRows) ?? (stored < 0 ? 0 : window)
    }
}
