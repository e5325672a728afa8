import Engine
import Fixtures
import Foundation
import Logging
import Replay
import Testing

/// Replays on the distributed layout's parts — PostgreSQL as the source (arrivals land in a
/// PostgreSQL table and are read back by the `db: postgres` adapter) and as the store, and an
/// S3-compatible server (moto) for the models — give byte-for-byte the goldens recorded on
/// in-memory SQLite: the source and the stores must not change any output.
@Suite(.serialized) struct SharedStoreReplayTests {
    static let repository = ReplaySuiteTests.repository

    @Test(arguments: ["spike", "feedback_and_mute", "threshold_breach"])
    func aScenarioFromAndOnPostgreSQLWithS3ModelsMatchesItsSQLiteGoldens(_ name: String) async throws {
        let postgres = try TestServices.url("ENGINE_TEST_POSTGRES_URL")
        let s3 = try TestServices.url("ENGINE_TEST_S3_URL")
        let scratch = try ScratchPostgresDatabase(serverURL: postgres, prefix: "replay")
        let url = scratch.url

        let bucket = "replay-\(UUID().uuidString.prefix(8).lowercased())"
        let models = try S3ModelStore.fromModelPath(
            "s3://\(bucket)/models",
            environment: [
                "ANOMSTACK_AWS_ACCESS_KEY_ID": "test", "ANOMSTACK_AWS_SECRET_ACCESS_KEY": "test", "ANOMSTACK_S3_ENDPOINT_URL": s3,
            ], transport: URLSessionTransport(timeout: 20))
        let create = models.signer.sign(HTTPRequest(method: "PUT", url: URL(string: "\(s3)/\(bucket)")!), at: Date())
        #expect(try await URLSessionTransport(timeout: 20).send(create).status == 200)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let suite = ReplaySuite(root: Self.repository, options: .init(record: .never, logger: logger))
        let scenario = try suite.load(Self.repository.appendingPathComponent("scenarios/\(name)"))
        let driver = ReplayDriver(
            options: .init(
                logger: logger, store: { try PostgresDatabase(url: url) }, models: models,
                landing: try PostgresArrivalLanding(url: url)))
        let outputs = try await driver.run(scenario)
        for file in outputs.comparedFiles {
            let golden = try String(contentsOf: Self.repository.appendingPathComponent("golden/\(name)/\(file)"), encoding: .utf8)
            #expect(outputs.files[file] == golden, "\(name)/\(file) differs on PostgreSQL and S3")
        }
        #expect(!outputs.comparedFiles.isEmpty)
        // The rows did cross PostgreSQL: every arrival is in the landing table.
        let landed = try PostgresConnection(url: url).query("SELECT count(*) FROM replay_arrivals").rows[0][0].flatMap { Int($0) } ?? 0
        #expect(landed >= scenario.series.reduce(0) { $0 + $1.points.filter { $0.value != nil }.count })
    }
}
