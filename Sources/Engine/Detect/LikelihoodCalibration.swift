import Foundation

/// Numenta's anomaly likelihood as a calibration over any detector's raw scores
/// (`calibration: likelihood`): not "how high is this score" but "how unusual is the recent level
/// of this series' scores, against the level they usually keep".
///
/// For each row, the mean of the last `likelihood_short_n` raw scores is compared with the mean
/// and standard deviation of the `likelihood_window` raw scores before them; the Gaussian upper
/// tail `q` of that difference gives the probability `−log10(q) / likelihood_decades`, capped at
/// 1 (0 at or below the usual level). A series whose detector is always noisy then needs a
/// sustained rise to score, and one whose scores are usually still scores on a small one, so one
/// threshold means the same on every series; a burst of raw scores counts more than a lone one.
///
/// Nothing is fitted: the long-run figures come from the rows before each point, which the score
/// job reads as context (`contextRows`). A row with fewer than `minimumHistory` scores before its
/// short window scores 0.
public struct LikelihoodCalibration: Sendable, Hashable, Codable {
    public var window: Int
    public var shortN: Int
    public var decades: Double

    enum CodingKeys: String, CodingKey {
        case window, decades
        case shortN = "short_n"
    }

    public static let defaultWindow = 1000
    public static let defaultShortN = 10
    public static let defaultDecades = 6.25
    /// The fewest long-run scores a row is judged against.
    static let minimumHistory = 30

    public init(window: Int, shortN: Int, decades: Double) {
        self.window = window
        self.shortN = shortN
        self.decades = decades
    }

    /// The calibration `params` ask for, or nil when their `calibration` is not `likelihood`.
    public init?(_ params: [String: ConfigValue]) {
        guard params["calibration"]?.stringValue == "likelihood" else { return nil }
        self.init(
            window: max(params["likelihood_window"]?.intValue ?? Self.defaultWindow, Self.minimumHistory),
            shortN: max(params["likelihood_short_n"]?.intValue ?? Self.defaultShortN, 1),
            decades: max(params["likelihood_decades"]?.doubleValue ?? Self.defaultDecades, 1e-9))
    }

    /// Rows a score needs before it: the long-run window and the short one before the row.
    public var contextRows: Int { window + shortN - 1 }

    /// Each row's probability from the raw scores up to it, in order.
    public func probabilities(_ raw: [Double]) -> [Double] {
        // Prefix sums make every window's mean and variance O(1); scores that are not finite
        // count as the largest finite one, so one bad row cannot poison the sums.
        let largest = raw.filter(\.isFinite).map(abs).max() ?? 0
        let clean = raw.map { $0.isFinite ? $0 : ($0 > 0 ? largest : -largest) }
        var sum = [0.0]
        var squares = [0.0]
        sum.reserveCapacity(clean.count + 1)
        squares.reserveCapacity(clean.count + 1)
        for v in clean {
            sum.append(sum[sum.count - 1] + v)
            squares.append(squares[squares.count - 1] + v * v)
        }
        return clean.indices.map { t in
            let shortStart = max(t - shortN + 1, 0)
            let historyStart = max(shortStart - window, 0)
            let n = Double(shortStart - historyStart)
            guard n >= Double(Self.minimumHistory) else { return 0 }
            let recent = (sum[t + 1] - sum[shortStart]) / Double(t + 1 - shortStart)
            let mean = (sum[shortStart] - sum[historyStart]) / n
            let variance = max((squares[shortStart] - squares[historyStart]) / n - mean * mean, 0)
            // A floor under the spread, so a series whose scores never moved is not infinitely
            // surprised by a rounding-sized change.
            let sd = max(variance.squareRoot(), 1e-3 * abs(mean), 1e-9)
            let z = (recent - mean) / sd
            guard z > 0 else { return 0 }
            let tail = 0.5 * erfc(z / 2.0.squareRoot())
            return min(-log10(max(tail, 1e-300)) / decades, 1)
        }
    }
}

extension LikelihoodCalibration: ModelFileObject {
    /// The `model_params` of this calibration, accepted by every detector.
    public static let parameters: [String: ConfigSchema.Kind] =
        ["calibration": .string, "likelihood_window": .int, "likelihood_short_n": .int, "likelihood_decades": .number]

    public func modelFileJSON() throws -> String {
        "{\"decades\":\(try JSONText.number(decades)),\"short_n\":\(shortN),\"window\":\(window)}"
    }
}
