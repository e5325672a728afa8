import Engine
import Foundation

/// A database of its own on a test PostgreSQL server, made fresh for one test and dropped
/// (connections and all) when the test is done with it.
public final class ScratchPostgresDatabase: Sendable {
    /// The scratch database's URL: the server's, with the database's name as the path.
    public let url: String
    private let admin: PostgresConnection
    private let name: String

    /// Creates `<prefix>_<random>` on the server at `serverURL`.
    public init(serverURL: String, prefix: String) throws {
        admin = try PostgresConnection(url: serverURL)
        name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.query("CREATE DATABASE \(name)")
        var components = URLComponents(string: serverURL)!
        components.path = "/" + name
        url = components.string!
    }

    deinit { _ = try? admin.query("DROP DATABASE \(name) WITH (FORCE)") }
}
