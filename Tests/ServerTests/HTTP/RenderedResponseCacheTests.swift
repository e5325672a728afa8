import Engine
import Fixtures
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing

@testable import Server

/// A kept response is sent again while its data version holds and it is young; anything else
/// renders anew, one rendering serves every request that waited for it, and what is kept stays
/// within its bounds. Through the server: a write or new data shows on the next request.
@Suite struct RenderedResponseCacheTests {
    typealias Cache = RenderedResponseCache
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func key(_ target: String = "/anomalies") -> Cache.Key { .init(target: target, signedIn: false, gzip: true) }
    func version(_ batches: [Int64] = [1], writes: Int = 0) -> Cache.DataVersion { .init(catalog: 0, batches: batches, writes: writes) }

    /// A renderer that counts its calls and answers `body` (or throws, or answers `status`).
    final class Renderer: Sendable {
        let calls = Atomic<Int>(0)
        func callAsFunction(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
            calls.add(1, ordering: .relaxed)
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        var count: Int { calls.load(ordering: .relaxed) }
    }

    func text(_ response: Response) async throws -> String {
        let length = try #require(response.body.contentLength)
        return String(buffer: try await BodyCollector.collect(response.body, length: length))
    }

    func ask(_ cache: Cache, _ renderer: Renderer, key: Cache.Key? = nil, version: Cache.DataVersion? = nil, at seconds: TimeInterval = 0, body: String = "page") async throws -> String {
        let response = try await cache.response(key ?? self.key(), version: version ?? self.version(), now: start + seconds) {
            renderer(body)
        } cacheable: { response in response.status == .ok ? response.body.contentLength : nil }
        return try await text(response)
    }

    @Test func aKeptAnswerIsSentUntilItsDataOrItsAgeMoves() async throws {
        let cache = Cache(maxAge: 2)
        let renderer = Renderer()
        #expect(try await ask(cache, renderer, body: "one") == "one")
        #expect(try await ask(cache, renderer, at: 1.9, body: "two") == "one")
        #expect(renderer.count == 1)
        // New rows in a batch, a write through the server, the clock past maxAge: rendered anew.
        #expect(try await ask(cache, renderer, version: version([2]), at: 1.9, body: "rows") == "rows")
        #expect(try await ask(cache, renderer, version: version([2], writes: 1), at: 1.9, body: "write") == "write")
        #expect(try await ask(cache, renderer, version: version([2], writes: 1), at: 4, body: "later") == "later")
        #expect(renderer.count == 4)
        // Another page, another signed-in state or encoding: kept apart.
        #expect(try await ask(cache, renderer, key: key("/"), version: version([2], writes: 1), at: 4, body: "home") == "home")
        #expect(try await ask(cache, renderer, key: .init(target: "/anomalies", signedIn: true, gzip: true), version: version([2], writes: 1), at: 4, body: "signed in") == "signed in")
        #expect(try await ask(cache, renderer, version: version([2], writes: 1), at: 4.5, body: "again") == "later")
        #expect(renderer.count == 6)
        let writes = cache.writes
        cache.noteWrite()
        #expect(cache.writes == writes + 1)
    }

    @Test func anAnswerThatCannotBeKeptIsRenderedEachTime() async throws {
        let cache = Cache()
        let renderer = Renderer()
        for _ in 0..<3 {
            let response = try await cache.response(key(), version: version(), now: start) {
                renderer("missing", status: .notFound)
            } cacheable: { response in response.status == .ok ? response.body.contentLength : nil }
            #expect(response.status == .notFound)
            #expect(try await text(response) == "missing")
        }
        #expect(renderer.count == 3)
    }

    /// A rendering that has started and waits for `release` before it answers `render()`.
    func heldRendering(
        _ cache: Cache, render: @escaping @Sendable () throws -> Response
    ) async -> (rendering: Task<Response, any Error>, release: AsyncStream<Void>.Continuation) {
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let started = Atomic<Bool>(false)
        let (key, version, start) = (key(), version(), start)
        let rendering = Task {
            try await cache.response(key, version: version, now: start) {
                started.store(true, ordering: .releasing)
                for await _ in release { break }
                return try render()
            } cacheable: { $0.body.contentLength }
        }
        while !started.load(ordering: .acquiring) { await Task.yield() }
        return (rendering, releaser)
    }

    @Test func requestsArrivingDuringARenderingWaitForIt() async throws {
        let cache = Cache()
        let renderer = Renderer()
        let (first, releaser) = await heldRendering(cache) { renderer("slow page") }
        let waiters = (0..<8).map { _ in
            Task { try await ask(cache, renderer, body: "a second rendering") }
        }
        try await Task.sleep(for: .milliseconds(50))
        releaser.yield()
        #expect(try await text(try await first.value) == "slow page")
        for waiter in waiters { #expect(try await waiter.value == "slow page") }
        #expect(renderer.count == 1)
    }

    @Test func whenTheRenderingFailsTheWaitersRenderForThemselves() async throws {
        struct Broken: Error {}
        let cache = Cache()
        let renderer = Renderer()
        let (first, releaser) = await heldRendering(cache) { throw Broken() }
        let waiter = Task { try await ask(cache, renderer, body: "own") }
        try await Task.sleep(for: .milliseconds(50))
        releaser.yield()
        await #expect(throws: Broken.self) { try await first.value }
        #expect(try await waiter.value == "own")
        // Nothing was kept by the failure: the next request renders (and keeps) its own.
        #expect(try await ask(cache, renderer, body: "next") == "next")
        #expect(renderer.count == 2)
    }

    @Test func theOldestAnswersGoFirstPastTheBounds() async throws {
        let cache = Cache(capacity: 2)
        let renderer = Renderer()
        for (i, page) in ["/a", "/b", "/c"].enumerated() {
            _ = try await ask(cache, renderer, key: key(page), at: Double(i) / 10, body: page)
        }
        #expect(try await ask(cache, renderer, key: key("/c"), at: 0.5, body: "new c") == "/c")
        #expect(try await ask(cache, renderer, key: key("/a"), at: 0.5, body: "new a") == "new a")
        #expect(renderer.count == 4)
        // Bytes bound it too: a cache of 10 bytes keeps one 6-byte page at a time.
        let small = Cache(maxBytes: 10)
        let counted = Renderer()
        _ = try await ask(small, counted, key: key("/a"), body: "aaaaaa")
        _ = try await ask(small, counted, key: key("/b"), at: 0.1, body: "bbbbbb")
        #expect(try await ask(small, counted, key: key("/b"), at: 0.2, body: "B") == "bbbbbb")
        #expect(try await ask(small, counted, key: key("/a"), at: 0.2, body: "A") == "A")
        #expect(counted.count == 3)
    }

    @Test func throughTheServerWritesAndNewDataShowAtOnce() async throws {
        try await withServer { server in
            let before = try await server.get("/anomalies")
            #expect(try await server.get("/anomalies").body == before.body)
            // A mute through the server is on the next page.
            let mute = try await server.request(
                "POST", "/api/v1/batches/shop/mutes", body: #"{"metric":"orders","for":"24h","reason":"deploying"}"#, auth: true)
            #expect(mute.status < 300, "\(mute.body)")
            let muted = try await server.get("/anomalies")
            #expect(muted.body != before.body && muted.body.contains("deploying"))
            // Rows written to the store by another writer (the clock standing still): the batch's generation moves.
            let home = try await server.get("/api/v1/batches")
            let store = try server.database.store(table: "metrics")
            _ = try store.insert([MetricRow(timestamp: server.clock.now, batch: "shop", name: "refunds", type: .metric, value: 12_345)])
            let fresh = try await server.get("/api/v1/batches")
            #expect(fresh.body != home.body && fresh.body.contains("\"metrics\":3"))
        }
    }
}
