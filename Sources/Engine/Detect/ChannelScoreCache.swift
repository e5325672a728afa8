import Foundation

/// The inputs and channel readings of a NOVELTY detector's last training, kept so that the next
/// training on a window that moved by a few rows computes only the rows whose inputs it has not
/// seen. A channel's reading at a row is a function of the input values in its lookback alone,
/// so a row whose lookback holds the same values as a cached row's gets that row's reading: the
/// same number a full computation gives, whatever the rows' timestamps. The timestamps only
/// line the two windows up. Readings are kept before the spread floor, which moves with the
/// training range, so a new floor does not throw them away.
struct ChannelScoreCache: Sendable {
    /// A channel's identity for the cache: what its scores depend on besides the input.
    struct Shape: Hashable, Sendable {
        var lag: Int
        var window: Int
        var run: Int
    }

    var timestamps: [Date]
    /// Each lag's input over the training window.
    var inputs: [Int: [Double?]]
    /// Each channel's readings over the rows the records covered.
    var residuals: [Shape: [ResidualChannel.Residual?]]

    /// About how much memory it holds: its arrays' elements.
    var byteCount: Int {
        timestamps.count * MemoryLayout<Date>.stride
            + inputs.values.reduce(0) { $0 + $1.count * MemoryLayout<Double?>.stride }
            + residuals.values.reduce(0) { $0 + $1.count * MemoryLayout<ResidualChannel.Residual?>.stride }
    }

    /// How many rows the window moved on since the cache was made: the cached row that holds
    /// `timestamps[0]`; nil when the new window does not start inside the cached one.
    func shift(to timestamps: [Date]) -> Int? {
        guard let first = timestamps.first else { return nil }
        var low = 0
        var high = self.timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if self.timestamps[mid] < first { low = mid + 1 } else { high = mid }
        }
        return low < self.timestamps.count && self.timestamps[low] == first ? low : nil
    }

    /// The readings of `channel` over `rows` of `input`, taken from the cache where a row's
    /// lookback holds the values the cached row's held (`shift` rows later in the cache), and
    /// computed for the rest.
    func residuals(of channel: ResidualChannel, input: [Double?], rows: Range<Int>, shift: Int) -> [ResidualChannel.Residual?] {
        guard let cached = residuals[channel.shape], let cachedInput = inputs[channel.lag] else {
            return channel.residuals(input, rows: rows)
        }
        // differing[i] counts the inputs before i that differ from (or have no) cached counterpart.
        var differing = [Int](repeating: 0, count: input.count + 1)
        for (i, value) in input.enumerated() {
            let j = i + shift
            differing[i + 1] = differing[i] + (j < cachedInput.count && cachedInput[j] == value ? 0 : 1)
        }
        let span = channel.window + channel.run - 1
        func reusable(_ t: Int) -> Bool {
            let start = t - span
            return start >= 0 && t + shift < cached.count && differing[t + 1] == differing[start]
        }
        var out = [ResidualChannel.Residual?](repeating: nil, count: rows.count)
        var t = rows.lowerBound
        while t < rows.upperBound {
            if reusable(t) {
                out[t - rows.lowerBound] = cached[t + shift]
                t += 1
                continue
            }
            var end = t + 1
            while end < rows.upperBound, !reusable(end) { end += 1 }
            let fresh = channel.residuals(input, rows: t..<end)
            for (offset, residual) in fresh.enumerated() { out[t - rows.lowerBound + offset] = residual }
            t = end
        }
        return out
    }
}

extension ResidualChannel {
    /// What the channel's scores depend on besides its input.
    var shape: ChannelScoreCache.Shape { ChannelScoreCache.Shape(lag: lag, window: window, run: run) }
}
