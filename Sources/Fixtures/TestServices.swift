import Engine
import Foundation

/// The services `scripts/test-services.sh` starts (PostgreSQL, S3, SMTP, HTTP receivers), as the
/// tests of every target find them, and fresh stores on them.
public enum TestServices {
    /// A test needs a service whose variable is not set: the suite was run without the services.
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public init(variable: String) { self.variable = variable }
        public var description: String {
            "this test needs $\(variable): run `source scripts/test-services.sh` first (scripts/test.sh does)"
        }
    }

    /// The store kinds every store test runs against.
    public static let storeKinds = ["sqlite", "postgres"]

    /// A service's URL, or `Missing` (a thrown error fails the test loudly; it never skips).
    public static func url(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { throw Missing(variable: variable) }
        return value
    }

    /// A fresh store of `kind`, opened by location as the CLI opens one: SQLite in memory, or a new
    /// database named `<prefix>_…` on the test PostgreSQL server, dropped when `body` returns.
    public static func withDatabase<T>(_ kind: String, prefix: String, _ body: (any EngineStore) async throws -> T) async throws -> T {
        guard kind == "postgres" else { return try await body(try LocalInstallation.openDatabase(at: ":memory:")) }
        let scratch = try ScratchPostgresDatabase(serverURL: try url("ENGINE_TEST_POSTGRES_URL"), prefix: prefix)
        let result = try await body(try LocalInstallation.openDatabase(at: scratch.url))
        withExtendedLifetime(scratch) {}
        return result
    }

    /// `withDatabase` for a synchronous body.
    public static func withDatabase<T>(_ kind: String, prefix: String, _ body: (any EngineStore) throws -> T) throws -> T {
        guard kind == "postgres" else { return try body(try LocalInstallation.openDatabase(at: ":memory:")) }
        let scratch = try ScratchPostgresDatabase(serverURL: try url("ENGINE_TEST_POSTGRES_URL"), prefix: prefix)
        let result = try body(try LocalInstallation.openDatabase(at: scratch.url))
        withExtendedLifetime(scratch) {}
        return result
    }
}

/// The time tests build their data around: 2026-01-15 12:00:00 UTC.
public let referenceTime = Date(timeIntervalSince1970: 1_768_478_400)

/// The repository's root folder, found from this file's path (for tests that read `metrics/`,
/// `scenarios/` or `../shared`).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
