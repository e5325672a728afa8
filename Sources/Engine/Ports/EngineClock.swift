import Foundation

/// The only way engine logic learns the time or waits for it. The live clock is an adapter;
/// tests and replay use a clock they move themselves.
public protocol EngineClock: Sendable {
    /// The current instant as the engine sees it.
    var now: Date { get }
    /// Suspends until the clock reaches `deadline` (returns at once if it is already past).
    func sleep(until deadline: Date) async throws
}

/// A clock frozen at one instant: what a one-shot `engine run --as-of T` runs on.
public struct FixedClock: EngineClock {
    public let now: Date
    public init(_ now: Date) { self.now = now }
    public func sleep(until deadline: Date) async throws {}
}
