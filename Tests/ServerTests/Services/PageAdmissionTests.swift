import Foundation
import Testing

@testable import Server

/// The admission gate that keeps page rendering from taking every thread (robustness finding D6):
/// at most `limit` bodies at once, the rest in arrival order, a cancelled waiter gone from the
/// queue; and the paths that never wait for it.
@Suite struct PageAdmissionTests {
    /// A body that runs until the test lets it finish, and says when it has started.
    final class Holder: @unchecked Sendable {
        private let lock = NSLock()
        private var started: [String] = []
        private var released: Set<String> = []

        func run(_ name: String) async throws -> String {
            lock.withLock { started.append(name) }
            while !lock.withLock({ released.contains(name) }) { try await Task.sleep(nanoseconds: 1_000_000) }
            return name
        }

        func release(_ name: String) { _ = lock.withLock { released.insert(name) } }
        var order: [String] { lock.withLock { started } }
    }

    func until(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(nanoseconds: 1_000_000) }
        #expect(condition())
    }

    @Test func onlyTheLimitRunsTheRestWaitInOrderAndACancelledWaiterLeaves() async throws {
        let gate = AdmissionGate(limit: 1)
        let holder = Holder()
        let a = Task { try await gate.admitted { try await holder.run("a") } }
        try await until { holder.order == ["a"] }
        let b = Task { try await gate.admitted { try await holder.run("b") } }
        try await Task.sleep(nanoseconds: 20_000_000)
        let c = Task { try await gate.admitted { try await holder.run("c") } }
        try await Task.sleep(nanoseconds: 20_000_000)
        #expect(holder.order == ["a"])  // b and c wait while a holds the only slot
        b.cancel()
        await #expect(throws: CancellationError.self) { try await b.value }
        holder.release("a")
        #expect(try await a.value == "a")
        try await until { holder.order == ["a", "c"] }  // the cancelled b never ran
        holder.release("c")
        #expect(try await c.value == "c")
    }

    @Test func healthMetricsAndStaticFilesNeverWait() {
        for path in ["/healthz", "/readyz", "/metrics", "/static/app.js", "/login"] {
            #expect(PageAdmission<EngineRequestContext>.isLight(path), "\(path)")
        }
        for path in ["/", "/batches/shop", "/anomalies", "/api/v1/batches"] {
            #expect(!PageAdmission<EngineRequestContext>.isLight(path), "\(path)")
        }
        #expect(AdmissionGate(limit: 0).limit == 1)
    }
}
