/// The change job's decision for one metric's recent values, free of I/O.
///
/// Two tests, each against a reference made of the values before the ones tested, starting no
/// earlier than the metric's last flagged change (once a level has changed, the new level is the
/// normal one; until the reference holds `minimumReference` values of it, nothing is flagged):
/// - **point** (Anomstack's): each of the last `detectLastN` values whose modified z-score
///   exceeds `threshold`. It catches a sudden jump or drop on one point.
/// - **shift** (optional, `shiftWindowN > 0`): the median of the last `shiftWindowN` values,
///   against the reference median, in standard errors of a median of that many points
///   (1.2533 · scale / √n). It catches a persistent shift too small to stand out on any one point.
/// A flagged change silences both tests for `snoozeN` points (the shift test for at least its
/// window, which would otherwise see the same shift again on the next point).
///
/// With `beyondRange`, the point test also asks that the value lie beyond every earlier value it
/// is given (above the highest, or below the lowest: `change_max_n` of them in the job), not only
/// those of the reference: a spike or a daily swing the metric already made is its habit, not a
/// new level, however far it is from the current level's median.
public struct ChangeDetection: Sendable, Hashable {
    public var threshold: Double
    public var detectLastN: Int
    public var snoozeN: Int
    public var shiftWindowN: Int
    public var shiftThreshold: Double
    public var beyondRange: Bool
    /// `change_smooth_n`: both tests judge the trailing mean of this many values (1: the values
    /// themselves), so a noisy metric's level changes stand out from its noise.
    public var smoothN = 1
    /// The fewest reference values either test needs: a median and MAD of fewer points are too
    /// unsteady to call a change on (at ten, noise alone gave false changes in the scenarios).
    public var minimumReference = 30

    public init(threshold: Double, detectLastN: Int, snoozeN: Int, shiftWindowN: Int, shiftThreshold: Double, beyondRange: Bool = false) {
        self.threshold = threshold
        self.detectLastN = detectLastN
        self.snoozeN = snoozeN
        self.shiftWindowN = shiftWindowN
        self.shiftThreshold = shiftThreshold
        self.beyondRange = beyondRange
    }

    /// `change_trend_window_n`: the trend test's window (0 = off).
    public var trendWindowN = 0
    /// `change_trend_threshold`: how many standard errors the recent slope must lie from the
    /// reference's.
    public var trendThreshold = 4.0

    /// Which test flagged a point.
    public enum Method: String, Sendable, Hashable {
        case point, shift, trend
    }

    /// One flagged point.
    public struct Change: Sendable, Hashable {
        public var index: Int
        public var method: Method
        /// The modified z-score (point) or the standard score of the median's move (shift), signed.
        public var z: Double
        public var referenceMedian: Double
        public var mad: Double
        /// Where a trend began (the index where its line leaves the reference's); nil for the other tests.
        public var start: Int? = nil
    }

    /// The changes among `values` (ascending in time), given the indices already flagged.
    public func detect(_ values: [Double], flagged: Set<Int>) -> [Change] {
        guard !values.isEmpty else { return [] }
        let values = smoothN > 1 ? ScoreSmoothing.smoothed(values, window: smoothN) : values
        var flagged = flagged
        var changes: [Change] = []
        let last = values.count - 1
        func regimeStart(before index: Int) -> Int {
            flagged.filter { $0 < index }.max() ?? 0
        }
        func snoozed(_ index: Int, span: Int) -> Bool {
            span > 0 && flagged.contains { $0 < index && $0 >= index - span }
        }
        let firstTested = max(0, values.count - max(detectLastN, 0))
        for i in stride(from: firstTested, through: last, by: 1) where !flagged.contains(i) {
            // The earlier values: those before the tested block, or, after a change flagged
            // inside the block, the points since that change.
            let start = regimeStart(before: i)
            let reference = Array(values[start..<(start < firstTested ? firstTested : i)])
            guard reference.count >= minimumReference, !snoozed(i, span: snoozeN),
                let spread = RobustStatistics.Spread(reference)
            else { continue }
            let z = spread.z(values[i])
            if abs(z) > threshold, !beyondRange || (z > 0 ? values[i] > values[..<i].max()! : values[i] < values[..<i].min()!) {
                flagged.insert(i)
                changes.append(Change(index: i, method: .point, z: z, referenceMedian: spread.median, mad: spread.mad))
            }
        }
        if shiftWindowN > 0, values.count > shiftWindowN, !flagged.contains(last),
            !snoozed(last, span: max(snoozeN, shiftWindowN))
        {
            let windowStart = values.count - shiftWindowN
            let reference = Array(values[regimeStart(before: windowStart)..<windowStart])
            if reference.count >= minimumReference, let spread = RobustStatistics.Spread(reference),
                let recent = RobustStatistics.median(Array(values[windowStart...]))
            {
                let standardError = 1.2533 * spread.scale / Double(shiftWindowN).squareRoot()
                let move = recent - spread.median
                let z = standardError > 0 ? move / standardError : (move == 0 ? 0 : (move > 0 ? .infinity : -.infinity))
                if abs(z) > shiftThreshold {
                    changes.append(Change(index: last, method: .shift, z: z, referenceMedian: spread.median, mad: spread.mad))
                }
            }
        }
        if trendWindowN >= 6,
            let change = trend(
                values, last: last, flagged: flagged, regimeStart: { regimeStart(before: $0) }, snoozed: { snoozed($0, span: $1) })
        {
            changes.append(change)
        }
        return changes
    }

    /// The trend test (optional): the Theil–Sen slope of the last `trendWindowN` values against
    /// the slope of the reference before them, in standard errors of the two slopes (the noise
    /// being the reference's robust scatter around its own line). A slope gathers evidence from
    /// every point of its window, so a slow leak or a creeping latency is flagged on the latest
    /// point while that point is still within what the point test accepts. `referenceMedian`
    /// holds the reference's slope.
    private func trend(
        _ values: [Double], last: Int, flagged: Set<Int>, regimeStart: (Int) -> Int, snoozed: (Int, Int) -> Bool
    ) -> Change? {
        guard values.count > trendWindowN, !flagged.contains(last), !snoozed(last, max(snoozeN, trendWindowN)) else { return nil }
        let windowStart = values.count - trendWindowN
        let reference = Array(values[regimeStart(windowStart)..<windowStart])
        guard reference.count >= minimumReference, let recentLine = TheilSen.fit(Array(values[windowStart...])),
            let referenceLine = TheilSen.fit(reference),
            let scatter = RobustStatistics.Spread(reference.indices.map { reference[$0] - referenceLine.intercept - referenceLine.slope * Double($0) })
        else { return nil }

        // The standard error of each slope, as a least-squares slope's over the same points, 10%
        // wider for Theil–Sen's lower efficiency, with the reference's scatter as the noise, and
        // wider again by how much neighbouring residuals move together: a metric's noise is rarely
        // independent from point to point (a daily cycle, a slow wander), and a slope fitted to
        // correlated noise strays far more than the independent formula says, which made the test
        // flag trends in ordinary wander.
        func variance(_ n: Int) -> Double { 12 / (Double(n) * (Double(n * n) - 1)) }
        let residuals = reference.indices.map { reference[$0] - referenceLine.intercept - referenceLine.slope * Double($0) }
        let inflation = Self.slopeVarianceInflation(residuals: residuals, scale: scatter.scale)
        let standardError = 1.1 * scatter.scale * (inflation * (variance(trendWindowN) + variance(reference.count))).squareRoot()
        let move = recentLine.slope - referenceLine.slope
        let z = standardError > 0 ? move / standardError : (move == 0 ? 0 : (move > 0 ? .infinity : -.infinity))
        guard abs(z) > trendThreshold else { return nil }
        // Where the recent line meets the reference's, carried forward: the trend's start.
        let referenceAtWindow = referenceLine.intercept + referenceLine.slope * Double(reference.count)
        let meet = (referenceAtWindow - recentLine.intercept) / move
        let offset = meet.isFinite ? Int(min(max(meet, 0), Double(trendWindowN - 1)).rounded()) : 0
        return Change(
            index: last, method: .trend, z: z, referenceMedian: referenceLine.slope, mad: scatter.mad, start: windowStart + offset)
    }

    /// How much wider a slope's variance is over noise whose neighbours correlate: (1 + ρ) / (1 − ρ)
    /// for first-order autocorrelation ρ, the factor for a regression slope under AR(1) errors.
    /// ρ is the lag-1 autocorrelation of the residuals clipped at three robust scales, so one
    /// spike does not set it. Only a correlation beyond what independent noise shows by chance
    /// (about 2/√n) counts, none narrows the error, and ρ stops at 0.95 (a factor of 39).
    public static func slopeVarianceInflation(residuals: [Double], scale: Double) -> Double {
        guard residuals.count >= 3, scale > 0 else { return 1 }
        let clipped = residuals.map { min(max($0, -3 * scale), 3 * scale) }
        let power = clipped.reduce(0) { $0 + $1 * $1 }
        guard power > 0 else { return 1 }
        let lagged = zip(clipped.dropFirst(), clipped).reduce(0) { $0 + $1.0 * $1.1 }
        let rho = min(lagged / power, 0.95)
        guard rho > 2 / Double(residuals.count).squareRoot() else { return 1 }
        return (1 + rho) / (1 - rho)
    }
}
