import Foundation
import Hummingbird

/// Keeps the dashboard answering under load. Page and API handlers read the store synchronously,
/// and each one in progress holds a thread of Swift's cooperative pool (one per core). Left alone,
/// fifty clients loading a heavy page take every thread, and `/healthz` waits behind them. This
/// middleware admits at most `limit` such requests at once (one core's worth fewer than the
/// pool), so health, readiness, metrics and static files always find a thread; the others wait
/// suspended, in arrival order, holding no thread. A request whose client goes away is
/// cancelled: while it waits it leaves the queue, while it runs its handler stops at the next
/// metric it reads.
struct PageAdmission<Context: RequestContext>: RouterMiddleware {
    let gate: AdmissionGate

    /// Paths that are never queued: cheap, and what load balancers and monitors poll.
    static func isLight(_ path: String) -> Bool {
        ["/healthz", "/readyz", "/metrics", "/login", "/logout"].contains(path) || path.hasPrefix("/static/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.isLight(request.uri.path) else { return try await next(request, context) }
        // Reads only: a write's body is still to be read by its handler, and writes are quick.
        guard request.method == .get || request.method == .head else {
            return try await gate.admitted { try await next(request, context) }
        }
        var request = request
        return try await request.body.consumeWithCancellationOnInboundClose { body in
            request.body = body
            return try await gate.admitted { try await next(request, context) }
        }
    }
}

/// A counting gate for async work: at most `limit` bodies run at once, the rest wait in order
/// without holding a thread. A cancelled waiter leaves the queue and throws `CancellationError`.
/// (Written here: neither the standard library nor the packages the server builds on offer an
/// async semaphore.)
actor AdmissionGate {
    let limit: Int
    private var running = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// The gate for this machine: one fewer than the cooperative pool's threads, at least one.
    static func forThisMachine() -> AdmissionGate {
        AdmissionGate(limit: ProcessInfo.processInfo.activeProcessorCount - 1)
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
