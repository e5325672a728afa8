import Foundation
import Hummingbird

/// Keeps the dashboard answering under load. Page and API handlers read the store synchronously,
/// and run on Swift's cooperative pool (one thread per core) a handler in progress holds a thread.
/// Left alone, fifty clients loading a heavy page take every thread, and `/healthz` waits behind
/// them. This middleware runs page and API handlers on threads of their own (`PageExecutor`), so
/// the cooperative pool stays free for health, readiness, metrics and static files, and admits at
/// most one handler per core at once (`AdmissionGate`), so the rest wait suspended, in arrival
/// order, holding no thread.
///
/// A request is not cancelled when its client goes away: watching for that (Hummingbird's
/// `consumeWithCancellationOnInboundClose`) closes the connection after every answer, so no
/// client could keep one alive. Abandoned work stays small instead: overview pages are kept
/// (`ResponseCacheMiddleware`), and a client that gives up and asks again waits for the
/// rendering already under way rather than starting another.
struct PageAdmission<Context: RequestContext>: RouterMiddleware {
    let gate: AdmissionGate
    let executor = PageExecutor.shared

    /// Paths that are never queued: cheap, and what load balancers and monitors poll.
    static func isLight(_ path: String) -> Bool {
        ["/healthz", "/readyz", "/version", "/metrics", "/login", "/logout"].contains(path) || path.hasPrefix("/static/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.isLight(request.uri.path) else { return try await next(request, context) }
        return try await gate.admitted { try await executor.run { try await next(request, context) } }
    }
}

/// Threads for page and API handlers, apart from Swift's cooperative pool: a task executor over a
/// concurrent dispatch queue (its threads are not the pool's). The gate bounds how many handlers
/// run on it at once.
struct PageExecutor: Sendable {
    static let shared = PageExecutor()

    /// Runs `body`, and the nonisolated async code it calls, on this executor's threads (where
    /// the platform has task executors; elsewhere where it is called).
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if #available(macOS 15.0, *) {
            return try await withTaskExecutorPreference(QueueTaskExecutor.pages) { try await body() }
        }
        return try await body()
    }
}

@available(macOS 15.0, *)
private final class QueueTaskExecutor: TaskExecutor, Sendable {
    /// One for the process: jobs hold an unowned reference to their executor.
    static let pages = QueueTaskExecutor(queue: DispatchQueue(label: "engine.pages", attributes: .concurrent))
    let queue: DispatchQueue

    init(queue: DispatchQueue) { self.queue = queue }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// A counting gate for async work: at most `limit` bodies run at once, the rest wait in order
/// without holding a thread. A cancelled waiter leaves the queue and throws `CancellationError`.
/// (Written here: neither the standard library nor the packages the server builds on offer an
/// async semaphore.)
actor AdmissionGate {
    nonisolated let limit: Int
    private var running = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// The gate for this machine: one handler per core.
    static func forThisMachine() -> AdmissionGate {
        AdmissionGate(limit: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `body` once admitted; the body runs off the gate's own executor.
    nonisolated func admitted<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await enter()
        do {
            try Task.checkCancellation()
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async throws {
        if running < limit && waiting.isEmpty {
            running += 1
            return
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiting.removeFirst().continuation.resume()
        }
    }

    private func cancel(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
