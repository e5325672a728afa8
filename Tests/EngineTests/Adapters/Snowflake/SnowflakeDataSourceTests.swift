import Engine
import Foundation
import Testing

/// `db: snowflake` against a loopback server that answers Snowflake's SQL API v2 in its documented
/// wire format (statements, 202 while running, result partitions, error codes) and checks the
/// key-pair JWT, issuer fingerprint included (scripts/services/cloud_server.py).
@Suite struct SnowflakeDataSourceTests {
    func environment() throws -> [String: String] {
        [
            "ANOMSTACK_SNOWFLAKE_ACCOUNT": "testorg-account", "ANOMSTACK_SNOWFLAKE_USER": "engine",
            "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH": try testService("ENGINE_TEST_CLOUD_KEY", "the Snowflake test"),
            "ANOMSTACK_SNOWFLAKE_URL": try testService("ENGINE_TEST_CLOUD_URL", "the Snowflake test"),
            "ANOMSTACK_SNOWFLAKE_WAREHOUSE": "COMPUTE_WH",
        ]
    }

    func source(_ environment: [String: String]) throws -> any DataSource {
        try LocalDataSourceResolver(database: nil, environment: environment)
            .dataSource(for: try batch("metric_batch: test\ningest_sql: select 1\ndb: snowflake\n"))
    }

    @Test func rowsArriveTypedAcrossPartitionsAndARunningStatementIsPolled() async throws {
        let source = try source(try environment())
        #expect(try await source.query("SELECT * FROM metrics_src ORDER BY metric_timestamp") == BigQueryDataSourceTests.expected)
        #expect(try await source.query("SELECT * FROM metrics_src WHERE 1 = 0").isEmpty)
        let slow = try #require(source as? SnowflakeDataSource)
        let quick = SnowflakeDataSource(
            account: slow.account, user: slow.user, endpoint: slow.endpoint, key: slow.key,
            transport: slow.transport, pollInterval: .milliseconds(20))
        #expect(try await quick.query("/* slow */ SELECT * FROM metrics_src ORDER BY metric_timestamp") == BigQueryDataSourceTests.expected)
    }

    @Test func errorsCarrySnowflakesCodeAndMessage() async throws {
        let source = try source(try environment())
        await #expect { try await source.query("SELECT * FROM nope") } throws: {
            "\($0)" == "Snowflake answered 422 (002003): SQL compilation error:\nno such table: nope"
        }
        var wrongUser = try environment()
        wrongUser["ANOMSTACK_SNOWFLAKE_USER"] = "intruder"
        await #expect { try await self.source(wrongUser).query("SELECT 1") } throws: {
            "\($0)" == "Snowflake answered 401 (390144): JWT token is invalid."
        }
    }

    @Test func timestampsDatesAndNumbersAreTypedFromRowType() throws {
        #expect(try SnowflakeDataSource.value("1768474800.123000000", type: "timestamp_ntz", scale: 9, at: "x") == .text("2026-01-15 11:00:00"))
        #expect(try SnowflakeDataSource.value("1768474800.000000000 1500", type: "timestamp_tz", scale: 9, at: "x") == .text("2026-01-15 11:00:00"))
        #expect(try SnowflakeDataSource.value("20468", type: "date", scale: 0, at: "x") == .text("2026-01-15"))
        #expect(try SnowflakeDataSource.value("12.50", type: "fixed", scale: 2, at: "x") == .real(12.5))
        #expect(try SnowflakeDataSource.value(nil, type: "fixed", scale: 0, at: "x") == .null)
        #expect { try SnowflakeDataSource.value("abc", type: "fixed", scale: 0, at: "row 3, column 'hits'") } throws: {
            "\($0)" == "Snowflake row 3, column 'hits': 'abc' is not an integer"
        }
    }

    /// Without a key pair, Anomstack's password signs in to a session (Snowflake's drivers'
    /// protocol): the first rows come with the answer, the rest as chunks behind the answer's
    /// key, a running statement is polled, and the session is closed.
    @Test func aPasswordSignsInToASessionAndReadsEveryChunk() async throws {
        var environment = try environment()
        environment["ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH"] = nil
        environment["ANOMSTACK_SNOWFLAKE_PASSWORD"] = "engine-password"
        let source = try #require(try source(environment) as? SnowflakeSessionDataSource)
        #expect(try await source.query("SELECT * FROM metrics_src ORDER BY metric_timestamp") == BigQueryDataSourceTests.expected)
        #expect(try await source.query("SELECT * FROM metrics_src WHERE 1 = 0").isEmpty)
        let quick = SnowflakeSessionDataSource(
            account: source.account, user: source.user, password: source.password, endpoint: source.endpoint,
            transport: source.transport, pollInterval: .milliseconds(20))
        #expect(try await quick.query("/* slow */ SELECT * FROM metrics_src ORDER BY metric_timestamp") == BigQueryDataSourceTests.expected)
        await #expect { try await source.query("SELECT * FROM nope") } throws: {
            "\($0)" == "Snowflake refused the statement (002003): SQL compilation error:\nno such table: nope"
        }
        environment["ANOMSTACK_SNOWFLAKE_PASSWORD"] = "wrong"
        await #expect { try await self.source(environment).query("SELECT 1") } throws: {
            "\($0)" == "Snowflake refused the login (390100): Incorrect username or password was specified."
        }
    }

    @Test func theResolverAsksForAPasswordOrAKeyPair() throws {
        let snowflake = try batch("metric_batch: test\ningest_sql: select 1\ndb: snowflake\n")
        func message(_ environment: [String: String]) -> String { resolverError(snowflake, environment) }
        #expect(message([:]).hasSuffix("db: snowflake needs ANOMSTACK_SNOWFLAKE_ACCOUNT and ANOMSTACK_SNOWFLAKE_USER"))
        #expect(
            message(["ANOMSTACK_SNOWFLAKE_ACCOUNT": "a", "ANOMSTACK_SNOWFLAKE_USER": "u"])
                .hasSuffix("db: snowflake needs ANOMSTACK_SNOWFLAKE_PASSWORD, or a key pair: ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH, the PEM file of the key registered with ALTER USER … SET RSA_PUBLIC_KEY"))
        let password = try LocalDataSourceResolver(
            database: nil, environment: ["ANOMSTACK_SNOWFLAKE_ACCOUNT": "a", "ANOMSTACK_SNOWFLAKE_USER": "u", "ANOMSTACK_SNOWFLAKE_PASSWORD": "p"]
        ).dataSource(for: snowflake)
        #expect(password is SnowflakeSessionDataSource)
        #expect(
            message(["ANOMSTACK_SNOWFLAKE_ACCOUNT": "a", "ANOMSTACK_SNOWFLAKE_USER": "u", "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY": "nonsense"])
                .contains("ANOMSTACK_SNOWFLAKE_PRIVATE_KEY: not a PEM private key"))
    }
}
