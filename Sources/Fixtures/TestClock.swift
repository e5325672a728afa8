import Engine
import Foundation
import Synchronization

/// A clock that moves only when told to, in the spirit of swift-clocks' `TestClock`: sleepers
/// wake when `advance` or `set` carries the time past their deadline. A cancelled sleeper wakes
/// at once with `CancellationError`, as `Task.sleep` does, so timeouts can be tested on it.
public final class TestClock: EngineClock {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var current: Date
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(_ start: Date) {
        state = Mutex(State(current: start))
    }

    public var now: Date { state.withLock { $0.current } }

    /// How many tasks are asleep on this clock (a test waits for a loop to go back to sleep).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Date) async throws {
        let id: Int = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.current { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
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
        let due: [Sleeper] = state.withLock { state in
            state.current = date
            let ready = state.sleepers.filter { $0.deadline <= date }
            state.sleepers.removeAll { $0.deadline <= date }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
