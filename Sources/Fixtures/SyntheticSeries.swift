import Engine
import Foundation

/// Deterministic synthetic metric series for tests and benchmarks: a daily cycle plus Gaussian
/// noise, every draw from a generator seeded by the caller.
public struct SyntheticSeries: Sendable {
    public var start: Date
    public var interval: TimeInterval
    public var level: Double
    public var amplitude: Double
    public var noise: Double
    /// Points per seasonal period.
    public var period: Int

    public init(
        start: Date, interval: TimeInterval = 3600, level: Double = 100, amplitude: Double = 10,
        noise: Double = 1, period: Int = 24
    ) {
        self.start = start
        self.interval = interval
        self.level = level
        self.amplitude = amplitude
        self.noise = noise
        self.period = period
    }

    /// `count` points of metric `name` in batch `batch`, seeded by `seed` and the name.
    public func rows(batch: String, name: String, count: Int, seed: UInt64) -> [MetricRow] {
        var generator = Xoshiro256(runSeed: seed, scope: batch, name, "synthetic")
        return (0..<count).map { i in
            let phase = 2 * Double.pi * Double(i % max(period, 1)) / Double(max(period, 1))
            let value = level + amplitude * sin(phase) + noise * generator.nextGaussian()
            return MetricRow(
                timestamp: start.addingTimeInterval(Double(i) * interval), batch: batch, name: name,
                type: .metric, value: (value * 10_000).rounded() / 10_000)
        }
    }
}
