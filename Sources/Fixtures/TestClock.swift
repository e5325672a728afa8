import Engine
import Foundation

/// A clock that moves only when told to, in the spirit of swift-clocks' `TestClock`: sleepers
/// wake when `advance` or `set` carries the time past their deadline.
public final class TestClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [(deadline: Date, continuation: CheckedContinuation<Void, Never>)] = []

    public init(_ start: Date) {
        current = start
    }

    public var now: Date { lock.withLock { current } }

    /// How many tasks are asleep on this clock (a test waits for a loop to go back to sleep).
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    public func sleep(until deadline: Date) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = lock.withLock {
                if deadline <= current { return true }
                sleepers.append((deadline, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Moves the clock forward by `seconds` and wakes every sleeper whose deadline has come.
    public func advance(by seconds: TimeInterval) {
        set(now.addingTimeInterval(seconds))
    }

    /// Sets the clock (forwards or backwards) and wakes every sleeper whose deadline has come.
    public func set(_ date: Date) {
        let due: [CheckedContinuation<Void, Never>] = lock.withLock {
            current = date
            let ready = sleepers.filter { $0.deadline <= date }.map(\.continuation)
            sleepers.removeAll { $0.deadline <= date }
            return ready
        }
        for continuation in due { continuation.resume() }
    }
}
