import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Finished responses of the dashboard's pages and read API, kept while what they were rendered
/// from holds (`DataVersion`) and for at most `maxAge` of engine time. Fifty on-call screens
/// polling the same overview cost one rendering per change of data (or per `maxAge`, since a
/// window that ends now moves with the clock), not one per poll.
///
/// A miss renders once: requests for the same page that arrive while it renders wait for that
/// rendering instead of starting their own, so an expired entry under load is one rendering,
/// not fifty queued behind each other. Entries and bytes are bounded (`capacity`, `maxBytes`;
/// the oldest goes first), so requests with ever new query strings cannot grow the server's
/// memory.
final class RenderedResponseCache: Sendable {
    /// Which response: the request's path and query, whether it is signed in (pages show it),
    /// and whether it takes gzip (the body is kept as sent).
    struct Key: Hashable, Sendable {
        var target: String
        var signedIn: Bool
        var gzip: Bool
    }

    /// What every cached page is computed from: the catalog's generation, each batch's data
    /// generation (kept by the store for any writer, in any process), and the writes made
    /// through this server (mutes, feedback, settings, runs), which the data generations do
    /// not see.
    struct DataVersion: Hashable, Sendable {
        var catalog: Int
        var batches: [Int64]
        var writes: Int
    }

    /// A response as it was sent, body included.
    struct Stored: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer

        var response: Response {
            Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
        }
    }

    /// What a request does after asking: send what is kept, render (and keep, if `cacheable`),
    /// or render without keeping (another rendering it waited for could not be kept).
    enum Outcome: Sendable {
        case kept(Stored)
        case render
        case renderAlone
    }

    private enum Slot {
        case ready(Stored, version: DataVersion, at: Date)
        case rendering(version: DataVersion, waiting: [CheckedContinuation<Outcome, Never>])
    }

    private let slots = Mutex<[Key: Slot]>([:])
    private let writeCount = Atomic<Int>(0)
    let capacity: Int
    let maxBytes: Int
    let maxAge: TimeInterval

    init(capacity: Int = 512, maxBytes: Int = 64 << 20, maxAge: TimeInterval = 2) {
        self.capacity = max(capacity, 1)
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }

    /// Writes made through the server so far; part of every `DataVersion`.
    var writes: Int { writeCount.load(ordering: .acquiring) }

    /// Called after every request that may have written: what was kept before it is not served again.
    func noteWrite() {
        writeCount.add(1, ordering: .releasing)
    }

    /// The response for `key` at `version`: the one kept (or being rendered, once it is), or
    /// `render()`'s, kept when `cacheable` says so.
    func response(
        _ key: Key, version: DataVersion, now: Date, render: () async throws -> Response,
        cacheable: (Response) -> Int?
    ) async throws -> Response {
        switch await ask(key, version: version, now: now) {
        case .kept(let stored):
            return stored.response
        case .renderAlone:
            return try await render()
        case .render:
            let response: Response
            do {
                response = try await render()
            } catch {
                finish(key, with: nil, version: version, now: now)
                throw error
            }
            guard let length = cacheable(response) else {
                finish(key, with: nil, version: version, now: now)
                return response
            }
            let stored: Stored
            do {
                let body = try await BodyCollector.collect(response.body, length: length)
                var headers = response.headers
                headers[.contentLength] = nil
                stored = Stored(status: response.status, headers: headers, body: body)
            } catch {
                finish(key, with: nil, version: version, now: now)
                throw error
            }
            finish(key, with: stored, version: version, now: now)
            return stored.response
        }
    }

    /// One atomic look at the slot: what is kept and fresh is sent, a rendering of the same
    /// version is waited for, and anything else makes this request the one that renders.
    private func ask(_ key: Key, version: DataVersion, now: Date) async -> Outcome {
        await withCheckedContinuation { continuation in
            slots.withLock { slots in
                switch slots[key] {
                case .ready(let stored, let kept, let at) where kept == version && abs(now.timeIntervalSince(at)) < maxAge:
                    continuation.resume(returning: .kept(stored))
                case .rendering(let rendering, var waiting) where rendering == version:
                    waiting.append(continuation)
                    slots[key] = .rendering(version: rendering, waiting: waiting)
                case .rendering:
                    // A rendering of older data is under way: this request renders the new one
                    // alone and leaves the slot to it.
                    continuation.resume(returning: .renderAlone)
                default:
                    slots[key] = .rendering(version: version, waiting: [])
                    continuation.resume(returning: .render)
                }
            }
        }
    }

    /// Ends a rendering: keeps its response (when there is one) and hands it to every request
    /// that waited; without one they render for themselves.
    private func finish(_ key: Key, with stored: Stored?, version: DataVersion, now: Date) {
        let waiting = slots.withLock { slots -> [CheckedContinuation<Outcome, Never>] in
            guard case .rendering(_, let waiting) = slots[key] else { return [] }
            if let stored {
                slots[key] = .ready(stored, version: version, at: now)
                evict(&slots)
            } else {
                slots[key] = nil
            }
            return waiting
        }
        for continuation in waiting {
            continuation.resume(returning: stored.map(Outcome.kept) ?? .renderAlone)
        }
    }

    /// Drops the oldest kept responses while there are too many or they hold too many bytes.
    private func evict(_ slots: inout [Key: Slot]) {
        func ready() -> [(key: Key, at: Date, bytes: Int)] {
            slots.compactMap { key, slot in
                guard case .ready(let stored, _, let at) = slot else { return nil }
                return (key, at, stored.body.readableBytes)
            }
        }
        var kept = ready().sorted { $0.at < $1.at }
        var bytes = kept.reduce(0) { $0 + $1.bytes }
        while !kept.isEmpty, kept.count > capacity || bytes > maxBytes {
            let oldest = kept.removeFirst()
            slots[oldest.key] = nil
            bytes -= oldest.bytes
        }
    }
}
