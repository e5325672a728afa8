import Fixtures
import Foundation
import Hummingbird
import Server
import Testing
import Yams

/// docs/openapi.yaml documents exactly the routes the server registers, and every write in it
/// asks for the token.
@Suite struct OpenAPITests {
    @Test func theDocumentMatchesTheRoutes() async throws {
        try await withServer { server in
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
            let document = try #require(try Yams.load(yaml: text) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: Any])
            var documented = Set<String>()
            var openWrites: [String] = []
            for (path, value) in paths {
                for (method, operation) in (value as? [String: Any]) ?? [:] {
                    documented.insert("\(method.uppercased()) \(path)")
                    let security = (operation as? [String: Any])?["security"] as? [[String: Any]]
                    let isAPIWrite = ["post", "put", "delete"].contains(method) && path.hasPrefix("/api/")
                    // An API write must list its own security, without the empty (anonymous) requirement.
                    if isAPIWrite && (security == nil || security!.contains(where: { $0.isEmpty })) {
                        openWrites.append("\(method.uppercased()) \(path)")
                    }
                }
            }
            let registered = Set(server.application.router().routes.map { "\($0.method.rawValue) \($0.path.description)" })
            #expect(documented.subtracting(registered).sorted() == [], "documented but not served")
            #expect(registered.subtracting(documented).sorted() == [], "served but not documented")
            #expect(openWrites == [], "API writes without the token scheme")
        }
    }
}

/// Every GET route answers 200 with sample parameters, and every write answers 401 without the token.
@Suite struct EveryRouteTests {
    @Test func everyRouteAnswers() async throws {
        try await withServer { server in
            for route in server.application.router().routes {
                let path = route.path.description.replacingOccurrences(of: "{batch}", with: "shop")
                    .replacingOccurrences(of: "{metric}", with: "orders").replacingOccurrences(of: "{job}", with: "change")
                let method = route.method.rawValue
                if method == "GET" {
                    // Routes that name what they show in the query get a sample of it.
                    let samples = ["/alert": "?batch=shop&metric=orders&at=2026-01-15T11:30:00Z&kind=alert"]
                    let reply = try await server.get(path + (samples[path] ?? ""))
                    #expect(reply.status == 200, "GET \(path): \(reply.status) \(reply.body.prefix(200))")
                } else if !["/login", "/logout"].contains(path) {
                    let reply = try await server.request(method, path, body: "{}")
                    #expect(reply.status == 401, "\(method) \(path) without the token: \(reply.status)")
                }
            }
            let logout = try await server.request("POST", "/logout")
            #expect(logout.status == 303)
            #expect(logout.headers["set-cookie"]?.contains("Max-Age=0") == true)
        }
    }
}
