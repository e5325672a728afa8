import Engine
import Foundation
import Synchronization

/// A discrete-event clock: sleeping jumps the time straight to the deadline. What replay runs
/// on, so a week of cron ticks takes as long as the jobs themselves.
public final class SimulatedClock: EngineClock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func sleep(until deadline: Date) async throws {
        current.withLock { if deadline > $0 { $0 = deadline } }
    }

    /// Sets the time, forwards or backwards (a clock jump).
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
