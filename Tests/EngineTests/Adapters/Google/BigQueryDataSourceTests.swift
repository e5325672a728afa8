import Engine
import Foundation
import Testing

/// `db: bigquery` against a loopback server that answers BigQuery's REST API and Google's token
/// endpoint in their documented wire formats and checks the service account's RS256 JWT
/// (scripts/services/cloud_server.py). It pages results two rows at a time.
@Suite struct BigQueryDataSourceTests {
    func environment() throws -> [String: String] {
        [
            "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": try testService("ENGINE_TEST_GOOGLE_CREDENTIALS", "the BigQuery test"),
            "ANOMSTACK_BIGQUERY_URL": try testService("ENGINE_TEST_CLOUD_URL", "the BigQuery test") + "/bigquery/v2",
        ]
    }

    func source(_ environment: [String: String]) throws -> any DataSource {
        try LocalDataSourceResolver(database: nil, environment: environment)
            .dataSource(for: try batch("metric_batch: test\ningest_sql: select 1\ndb: bigquery\n"))
    }

    static let expected: [SourceRow] = [
        [
            "metric_timestamp": .text("2026-01-15 11:00:00"), "metric_name": .text("orders"), "metric_value": .real(10.5),
            "hits": .integer(3), "note": .text("ok"),
        ],
        [
            "metric_timestamp": .text("2026-01-15 12:00:00"), "metric_name": .text("orders"), "metric_value": .real(12.25),
            "hits": .integer(9_007_199_254_740_993), "note": .null,
        ],
        [
            "metric_timestamp": .text("2026-01-15 13:00:00"), "metric_name": .text("orders"), "metric_value": .real(11),
            "hits": .integer(4), "note": .text("ok"),
        ],
        [
            "metric_timestamp": .text("2026-01-15 14:00:00"), "metric_name": .text("orders"), "metric_value": .real(9.75),
            "hits": .integer(5), "note": .text("ok"),
        ],
        [
            "metric_timestamp": .text("2026-01-15 15:00:00"), "metric_name": .text("orders"), "metric_value": .real(30.5),
            "hits": .integer(6), "note": .text("spike"),
        ],
    ]

    @Test func rowsArriveTypedAcrossPagesAndARunningJobIsAwaited() async throws {
        let source = try source(try environment())
        #expect(try await source.query("SELECT * FROM metrics_src ORDER BY metric_timestamp") == Self.expected)
        #expect(try await source.query("/* slow */ SELECT * FROM metrics_src ORDER BY metric_timestamp") == Self.expected)
        #expect(try await source.query("SELECT * FROM metrics_src WHERE 1 = 0").isEmpty)
    }

    @Test func errorsNameTheServiceAndItsMessage() async throws {
        let source = try source(try environment())
        await #expect { try await source.query("SELECT * FROM nope") } throws: {
            "\($0)" == "BigQuery answered 400 INVALID_ARGUMENT: Syntax error: no such table: nope"
        }
        // A key the server does not know: Google refuses the assertion.
        let dir = try temporaryFolder("engine-bq")
        defer { try? FileManager.default.removeItem(at: dir) }
        var account =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: try environment()["ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS"]!))) as! [String: Any]
        account["client_email"] = "someone-else@engine-test.iam.gserviceaccount.com"
        let other = dir.appendingPathComponent("other.json")
        try JSONSerialization.data(withJSONObject: account).write(to: other)
        var environment = try environment()
        environment["ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS"] = other.path
        await #expect { try await self.source(environment).query("SELECT 1") } throws: {
            "\($0)".hasPrefix("Google refused the service account someone-else@engine-test.iam.gserviceaccount.com (400)")
        }
    }

    @Test func theResolverNamesWhatIsMissing() throws {
        let bigquery = try batch("metric_batch: test\ningest_sql: select 1\ndb: bigquery\n")
        func message(_ environment: [String: String]) -> String { resolverError(bigquery, environment) }
        #expect(message([:]).contains("db: bigquery needs ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS"))
        #expect(
            message(["ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"])
                .hasSuffix("ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS file '/nonexistent/key.json' cannot be read"))
        #expect(
            message(["ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": #"{"type": "authorized_user"}"#])
                .hasSuffix("key 'type' is 'authorized_user', not 'service_account'"))
    }
}
