import Foundation

/// Readable tick positions and labels: values on 1-2-5 steps, times on calendar steps.
public enum AxisTicks {
    /// At most about six round values covering [low, high].
    public static func values(low: Double, high: Double, target: Int = 5) -> [Double] {
        let span = high - low
        guard span > 0, span.isFinite else { return [low] }
        let raw = span / Double(target)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(low / step) * step
        var ticks: [Double] = []
        var v = start
        while v <= high + step * 0.5 && ticks.count < 20 {
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            v = start + step * Double(ticks.count)
        }
        return ticks
    }

    static func step(_ ticks: [Double]) -> Double { ticks.count > 1 ? ticks[1] - ticks[0] : 1 }

    /// A value label with as many decimals as the step needs; large values with k/M suffixes.
    public static func label(_ value: Double, step: Double) -> String {
        let magnitude = max(abs(value), step)
        if magnitude >= 1e6 && step >= 1e5 { return Fixed.format(value / 1e6, step >= 1e6 ? 0 : 1) + "M" }
        if magnitude >= 1e4 && step >= 1e3 { return Fixed.format(value / 1e3, step >= 1e3 ? 0 : 1) + "k" }
        let decimals = step >= 1 ? 0 : min(Int(ceil(-log10(step) - 1e-9)), 6)
        return Fixed.format(value, decimals)
    }

    /// Time ticks on a calendar step that gives at most about seven of them, and their labels.
    public struct TimeTicks: Sendable {
        public var times: [Date]
        public var step: TimeInterval

        /// `HH:MM` within a day, `MM-DD HH:MM` across days, `MM-DD` on whole-day steps.
        public func label(_ time: Date) -> String {
            let text = MetricTimestamp.format(time)
            let day = String(text.dropFirst(5).prefix(5))
            let clock = String(text.dropFirst(11).prefix(5))
            if step >= 86_400 { return day }
            if step >= 3_600 * 6 || times.count > 1 && (times.last!.timeIntervalSince(times.first!) >= 86_400) { return "\(day) \(clock)" }
            return clock
        }
    }

    static let steps: [TimeInterval] = [
        60, 300, 900, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 1_209_600,
        2_592_000, 7_776_000, 31_536_000,
    ]

    public static func times(from first: Date, through last: Date, target: Int = 6) -> TimeTicks {
        let span = last.timeIntervalSince(first)
        let step = steps.first { span / $0 <= Double(target) } ?? steps.last!
        let start = ceil(first.timeIntervalSince1970 / step) * step
        var times: [Date] = []
        var t = start
        while t <= last.timeIntervalSince1970 && times.count < 50 {
            times.append(Date(timeIntervalSince1970: t))
            t += step
        }
        return TimeTicks(times: times, step: step)
    }
}
