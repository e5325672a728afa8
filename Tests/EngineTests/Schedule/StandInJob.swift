import Engine
import Foundation
import Testing

/// What the stand-in jobs did, in order: "<batch> <job> start|end @HH:MM:SS".
actor RunLog {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}

/// A job that takes `seconds` on the context's clock (and can be made to fail), so scheduler
/// tests can see overlaps, limits and timeouts without real work.
struct StandInJob: BatchJob {
    let kind: JobKind
    let seconds: TimeInterval
    let fails: Bool
    let log: RunLog

    func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let clock = context.clock
        await log.append("\(batch.name) \(kind.rawValue) start @\(MetricTimestamp.format(clock.now).suffix(8))")
        if seconds > 0 { try await clock.sleep(until: clock.now.addingTimeInterval(seconds)) }
        await log.append("\(batch.name) \(kind.rawValue) end @\(MetricTimestamp.format(clock.now).suffix(8))")
        if fails { throw JobError("stand-in failure") }
        return JobOutcome(rowsWritten: 1)
    }
}

/// Waits (in real time, briefly) until `condition` holds: for tasks that must reach a sleep or
/// finish a run before the test moves the clock.
func eventually(_ condition: @Sendable () async -> Bool) async throws {
    for _ in 0..<2_000 {
        if await condition() { return }
        try await Task.sleep(nanoseconds: 1_000_000)
    }
    Issue.record("the condition did not hold within 2 s")
}

/// A stop signal that can be waited for again and again (as ServiceLifecycle's
/// `gracefulShutdown()` can) and whose waits end when their task is cancelled.
final class Latch: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false

    func open() { lock.withLock { isOpen = true } }

    func wait() async {
        while !lock.withLock({ isOpen }) && !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
    }
}
