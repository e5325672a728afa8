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
