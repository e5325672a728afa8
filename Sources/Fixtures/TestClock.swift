import Engine
import Foundation

/// A clock that moves only when told to, in the spirit of swift-clocks' `TestClock`: sleepers
/// wake when `advance` or `set` carries the time past their deadline. A cancelled sleeper wakes
/// at once with `CancellationError`, as `Task.sleep` does, so timeouts can be tested on it.
public final class TestClock: EngineClock, @unchecked Sendable {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current: Date
    private var sleepers: [Sleeper] = []
    private var nextID = 0

    public init(_ start: Date) {
        current = start
    }

    public var now: Date { lock.withLock { current } }

    /// How many tasks are asleep on this clock (a test waits for a loop to go back to sleep).
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// The earliest deadline anyone sleeps until.
    public var nextDeadline: Date? { lock.withLock { sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Date) async throws {
        let id: Int = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = lock.withLock {
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= current { return .success(()) }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled: Sleeper? = lock.withLock {
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `seconds` and wakes every sleeper whose deadline has come.
    public func advance(by seconds: TimeInterval) {
        set(now.addingTimeInterval(seconds))
    }

    /// Sets the clock (forwards or backwards) and wakes every sleeper whose deadline has come.
    public func set(_ date: Date) {
        let due: [Sleeper] = lock.withLock {
            current = date
            let ready = sleepers.filter { $0.deadline <= date }
            sleepers.removeAll { $0.deadline <= date }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
