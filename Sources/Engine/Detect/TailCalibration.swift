import Foundation

/// Turns a detector's raw scores into probabilities from the upper tail of its training scores
/// (peaks over threshold), instead of PyOD's min-max scaling — which puts every series' worst
/// training point at 1, so anything beyond it is 1 however far, and 1 means something different
/// on each series.
///
/// Training keeps the 90th percentile `u` of the training scores and the mean excess above it
/// `β`. A raw score `s` above `u` is given the exceedance probability `0.1 · exp(−(s − u)/β)`
/// (an exponential tail, the limit for light-tailed scores); below `u`, one falling linearly
/// from 1 at the training minimum to 0.1 at `u`. The probability is `−log10(exceedance) /
/// decades`, capped at 1: 0.25 at the 90th percentile, and 1 for a point as rare as one in
/// 10^decades training points, whatever the series.
public struct TailCalibration: Sendable, Hashable, Codable {
    public var threshold: Double
    public var scale: Double
    public var minimum: Double
    public var maximum: Double
    public var decades: Double

    public static let defaultDecades = 4.0

    public static func fit(_ scores: [Double], decades: Double) -> TailCalibration {
        let sorted = scores.filter(\.isFinite).sorted()
        guard let low = sorted.first, let high = sorted.last else {
            return TailCalibration(threshold: 0, scale: 1, minimum: 0, maximum: 0, decades: decades)
        }
        let u = sorted[min(Int(0.9 * Double(sorted.count)), sorted.count - 1)]
        let excess = sorted.filter { $0 > u }.map { $0 - u }
        let beta = excess.isEmpty ? 0 : excess.reduce(0, +) / Double(excess.count)
        // A flat tail (every top score equal) gets a scale from the whole range, or a tiny one.
        let scale = beta > 0 ? beta : max((high - low) / 10, 1e-12)
        return TailCalibration(threshold: u, scale: scale, minimum: low, maximum: high, decades: decades)
    }

    public func probability(_ raw: Double) -> Double {
        guard raw.isFinite else { return raw > 0 ? 1 : 0 }
        let exceedance: Double
        if raw > threshold {
            exceedance = 0.1 * exp(-(raw - threshold) / scale)
        } else if threshold > minimum {
            exceedance = 1 - 0.9 * max(raw - minimum, 0) / (threshold - minimum)
        } else {
            exceedance = 1
        }
        return min(max(-log10(max(exceedance, 1e-300)) / max(decades, 1e-9), 0), 1)
    }
}

extension TailCalibration: ModelFileObject {
    /// The `model_params` that choose a calibration, accepted by every detector that min-max scales.
    public static let parameters: [String: ConfigSchema.Kind] = ["calibration": .string, "tail_decades": .number]

    public func modelFileJSON() throws -> String {
        "{\"decades\":\(try JSONText.number(decades)),\"maximum\":\(try JSONText.number(maximum)),"
            + "\"minimum\":\(try JSONText.number(minimum)),\"scale\":\(try JSONText.number(scale)),"
            + "\"threshold\":\(try JSONText.number(threshold))}"
    }
}
