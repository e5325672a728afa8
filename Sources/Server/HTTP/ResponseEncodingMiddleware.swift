import CompressNIO
import Engine
import Foundation
import Hummingbird
import NIOCore

/// Conditional GETs and compression for every page, API answer and asset the server renders
/// whole: a weak `ETag` from the body's SHA-256, a `304 Not Modified` without the body when the
/// client's `If-None-Match` names it, and gzip when the client accepts it and the body is text of
/// a kilobyte or more. Streamed bodies (without a known length) and bodies over `maxBytes` pass
/// through as they are. The tag is weak because the gzipped and plain bodies are the same
/// content in two encodings.
struct ResponseEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The largest body collected to be tagged and compressed (pages are tens of kilobytes).
    let maxBytes = 8 << 20
    /// Below this, gzip's header and the client's work cost more than the bytes saved.
    let minimumCompressed = 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .get, response.status == .ok, let length = response.body.contentLength, length <= maxBytes
        else { return response }
        let body = try await BodyCollector.collect(response.body, length: length)
        let tag = Self.tag(body)
        response.headers[.eTag] = tag
        if let notModified = Self.notModified(response, ifNoneMatch: request.headers[.ifNoneMatch]) { return notModified }
        response.headers[.vary] = "Accept-Encoding"
        if body.readableBytes >= minimumCompressed, Self.isText(response.headers[.contentType]),
            Self.acceptsGzip(request.headers[.acceptEncoding])
        {
            var plain = body
            let compressed = try plain.compress(with: .gzip)
            response.headers[.contentEncoding] = "gzip"
            response.body = ResponseBody(byteBuffer: compressed)
        } else {
            response.body = ResponseBody(byteBuffer: body)
        }
        return response
    }

    /// `304 Not Modified` with `response`'s headers but none that describe a body, when the
    /// client's `If-None-Match` names `response`'s `ETag`; nil otherwise.
    static func notModified(_ response: Response, ifNoneMatch wanted: String?) -> Response? {
        guard let wanted, let tag = response.headers[.eTag], matches(wanted, tag) else { return nil }
        var headers = response.headers
        headers[.contentLength] = nil
        headers[.contentType] = nil
        headers[.contentEncoding] = nil
        return Response(status: .notModified, headers: headers)
    }

    /// `W/"<first 16 bytes of the body's SHA-256 in hex>"`.
    static func tag(_ body: ByteBuffer) -> String {
        let digest = body.withUnsafeReadableBytes { SHA256.hash($0) }
        return "W/\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Whether an `If-None-Match` list names `tag`, comparing weakly (RFC 9110 13.1.2).
    static func matches(_ header: String, _ tag: String) -> Bool {
        let opaque = { (text: Substring) in text.hasPrefix("W/") ? text.dropFirst(2) : text }
        let wanted = opaque(Substring(tag))
        return header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || opaque(Substring(trimmed)) == wanted
        }
    }

    /// Whether `Accept-Encoding` accepts gzip (named, or `*`, without `q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { entry in
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "*" else { return false }
            // `q=0` (or 0.0, 0.000) refuses the coding; any other weight accepts it.
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
            return weight.map { $0 > 0 } ?? true
        }
    }

    static func isText(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg+xml")
            || type.hasPrefix("application/javascript")
    }
}

/// Collects a response body written in pieces into one buffer.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    func write(_ piece: ByteBuffer) async throws {
        var piece = piece
        buffer.writeBuffer(&piece)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    /// The whole of a body whose length is known.
    static func collect(_ body: ResponseBody, length: Int) async throws -> ByteBuffer {
        let collector = BodyCollector(capacity: length)
        try await body.write(collector)
        return collector.buffer
    }
}
