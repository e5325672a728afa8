import Engine
import Foundation

/// One point of a scenario series; a nil value is a missing sample (never delivered).
public struct SeriesPoint: Sendable, Hashable {
    public var timestamp: Date
    public var value: Double?
}

/// How a series' points reach the engine: when each point arrives at the data source.
public struct ArrivalSpec: Sendable, Hashable {
    /// Every point arrives this long after its timestamp.
    public var delay: TimeInterval = 0
    /// Points (by timestamp) that arrive later than the rest, and by how much.
    public var late: [Date: TimeInterval] = [:]
    /// Every n-th point arrives this much later (n, seconds).
    public var lateEvery: (every: Int, by: TimeInterval)?
    /// Every n-th point is delivered a second time, one step later.
    public var duplicateEvery: Int?
    /// Rows of one ingest result come back in a seeded random order.
    public var reorder = false

    public static func == (lhs: ArrivalSpec, rhs: ArrivalSpec) -> Bool {
        lhs.delay == rhs.delay && lhs.late == rhs.late && lhs.lateEvery?.every == rhs.lateEvery?.every
            && lhs.lateEvery?.by == rhs.lateEvery?.by && lhs.duplicateEvery == rhs.duplicateEvery && lhs.reorder == rhs.reorder
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(delay)
        hasher.combine(duplicateEvery)
        hasher.combine(reorder)
    }
}

/// A scenario's metric series: its points, generated once when the scenario loads, and how
/// they arrive.
public struct SeriesSpec: Sendable, Hashable {
    public var name: String
    public var points: [SeriesPoint]
    public var arrival: ArrivalSpec
}
