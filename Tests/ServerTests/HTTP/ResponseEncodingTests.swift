import Foundation
import Testing

@testable import Server

/// Pages and API answers carry an ETag, an unchanged one comes back as 304 without the body,
/// and text is gzipped for clients that accept it.
@Suite(.serialized) struct ResponseEncodingTests {
    @Test func anUnchangedAnswerIsA304AndAChangedOneIsNot() async throws {
        try await withServer { server in
            for path in ["/", "/batches/shop", "/anomalies", "/api/v1/batches", "/static/app.css"] {
                let first = try await server.get(path)
                let tag = try #require(first.headers["etag"], "\(path)")
                #expect(tag.hasPrefix("W/\"") && tag.count == 36, "\(path): \(tag)")
                let again = try await server.request("GET", path, headers: ["If-None-Match": tag])
                #expect(again.status == 304 && again.body.isEmpty, "\(path)")
                #expect(again.headers["etag"] == tag)
                let other = try await server.request("GET", path, headers: ["If-None-Match": "W/\"0123\", \"abcd\""])
                #expect(other.status == 200 && other.body == first.body, "\(path)")
            }
            // New data makes a new tag: a verdict on an alert changes the alert list.
            let before = try #require(try await server.get("/api/v1/alerts").headers["etag"])
            let verdict = try await server.request(
                "POST", "/api/v1/feedback",
                body: #"{"batch":"shop","metric":"orders","timestamp":"2026-01-15T11:30:00Z","verdict":"up"}"#, auth: true)
            #expect(verdict.status == 200)
            let after = try await server.request("GET", "/api/v1/alerts", headers: ["If-None-Match": before])
            #expect(after.status == 200 && after.headers["etag"] != before && after.body.contains("\"feedback\":\"up\""))
            // Errors are not tagged.
            #expect(try await server.get("/batches/no-such-batch").headers["etag"] == nil)
        }
    }

    @Test func textIsGzippedForClientsThatAcceptIt() async throws {
        try await withServer { server in
            let plain = try await server.request("GET", "/", headers: ["Accept-Encoding": "identity"])
            #expect(plain.headers["content-encoding"] == nil && plain.body.contains("<html"))
            #expect(plain.headers["vary"] == "Accept-Encoding")
            // URLSession inflates what it receives: the page reads the same, marked as gzipped.
            let gzipped = try await server.request("GET", "/", headers: ["Accept-Encoding": "gzip"])
            #expect(gzipped.headers["content-encoding"] == "gzip")
            #expect(gzipped.body == plain.body)
            let refused = try await server.request("GET", "/", headers: ["Accept-Encoding": "gzip;q=0"])
            #expect(refused.headers["content-encoding"] == nil)
        }
    }

    @Test func acceptEncodingAndIfNoneMatchAreReadAsRFC9110Says() {
        typealias M = ResponseEncodingMiddleware<EngineRequestContext>
        #expect(M.acceptsGzip("gzip, deflate, br"))
        #expect(M.acceptsGzip("deflate;q=0.5, gzip;q=0.8"))
        #expect(M.acceptsGzip("*"))
        #expect(!M.acceptsGzip("gzip;q=0, deflate"))
        #expect(!M.acceptsGzip("gzip; q=0.000"))
        #expect(!M.acceptsGzip("br"))
        #expect(!M.acceptsGzip(nil))
        #expect(M.matches("W/\"abc\"", "W/\"abc\""))
        #expect(M.matches("\"x\", \"abc\"", "W/\"abc\""))  // weak comparison
        #expect(M.matches("*", "W/\"abc\""))
        #expect(!M.matches("W/\"abd\"", "W/\"abc\""))
        #expect(M.isText("text/html; charset=utf-8") && M.isText("application/json; charset=utf-8") && M.isText("image/svg+xml"))
        #expect(!M.isText("image/png") && !M.isText(nil))
    }
}
