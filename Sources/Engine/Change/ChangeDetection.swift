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

    /// Which test flagged a point.
    public enum Method: String, Sendable, Hashable {
        case point, shift
    }

    /// One flagged point.
    public struct Change: Sendable, Hashable {
        public var index: Int
        public var method: Method
        /// The modified z-score (point) or the standard score of the median's move (shift), signed.
        public var z: Double
        public var referenceMedian: Double
        public var mad: Double
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
        return changes
    }
}
