import Foundation

/// Where the plot job puts its charts: `<batch>/<file>` under a plots folder on disk, a
/// recorder in replay (whose SVGs become goldens).
public protocol PlotSink: Sendable {
    /// Stores `data` as `file` (e.g. `cpu.svg`) of `batch`, replacing an older one.
    func write(batch: String, file: String, data: Data) throws
}
