import Engine
import Foundation
import Hummingbird

/// Serves the dashboard's overview pages and the read API from `RenderedResponseCache` while the
/// data they show is unchanged, and tells the cache about every write that passes through.
///
/// It sits after authorization (a kept page is only sent to a request allowed to read it) and
/// before page admission, so a kept answer neither waits for a handler's turn nor gives up the
/// client's keep-alive connection. Run history and settings are not kept: they change without
/// a data generation to show it. A kept answer carries its `ETag`, so a client that has it gets
/// `304 Not Modified`.
struct ResponseCacheMiddleware: RouterMiddleware {
    typealias Context = EngineRequestContext
    let cache: RenderedResponseCache
    let engine: ServedEngine
    /// The largest body kept (a page is tens of kilobytes; a long series can be more).
    let maxBodyBytes = 4 << 20

    /// The paths whose answers are kept: what on-call screens poll.
    static func isKept(_ path: String) -> Bool {
        if path == "/" || path == "/anomalies" || path == "/alert" || path.hasPrefix("/batches/") { return true }
        return path.hasPrefix("/api/v1/batches") && !path.contains("/runs") && !path.contains("/settings")
            && !path.contains("/maintenance")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else {
            // A write (or a failed attempt at one) through the server: kept pages may show
            // what it changed, whatever the outcome.
            defer { cache.noteWrite() }
            return try await next(request, context)
        }
        guard Self.isKept(request.uri.path), let version = try? await version() else { return try await next(request, context) }
        let key = RenderedResponseCache.Key(
            target: request.uri.description, signedIn: context.principal != nil,
            gzip: ResponseEncodingMiddleware<Context>.acceptsGzip(request.headers[.acceptEncoding]))
        let response = try await cache.response(key, version: version, now: engine.now) {
            // The kept answer must be the whole body, whatever this client already holds.
            var head = request.head
            head.headerFields[.ifNoneMatch] = nil
            return try await next(Request(head: head, body: request.body), context)
        } cacheable: { response in
            guard response.status == .ok, response.headers[.setCookie] == nil,
                let length = response.body.contentLength, length <= maxBodyBytes
            else { return nil }
            return length
        }
        return ResponseEncodingMiddleware<Context>.notModified(response, ifNoneMatch: request.headers[.ifNoneMatch]) ?? response
    }

    /// What the kept answers are computed from, now; nil when a store keeps no generation
    /// (nothing is kept then).
    func version() async throws -> RenderedResponseCache.DataVersion? {
        let snapshot = await engine.catalog.snapshot
        var generations: [Int64] = []
        generations.reserveCapacity(snapshot.batches.count)
        for batch in snapshot.batches {
            guard let generation = try engine.stores.store(table: batch.tableKey).batchGeneration(batch: batch.name) else { return nil }
            generations.append(generation)
        }
        return .init(catalog: snapshot.generation, batches: generations, writes: cache.writes)
    }
}
