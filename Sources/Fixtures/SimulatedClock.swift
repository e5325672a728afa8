import Engine
import Foundation

/// A discrete-event clock: sleeping jumps the time straight to the deadline. What replay runs
/// on, so a week of cron ticks takes as long as the jobs themselves.
public final class SimulatedClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) {
        current = start
    }

    public var now: Date { lock.withLock { current } }

    public func sleep(until deadline: Date) async throws {
        lock.withLock { if deadline > current { current = deadline } }
    }

    /// Sets the time, forwards or backwards (a clock jump).
    public func set(_ date: Date) {
        lock.withLock { current = date }
    }
}
