import Engine
import Fixtures
import Foundation
import Testing

/// `gs://` model paths through Cloud Storage's JSON API with a service account, against a loopback
/// server that follows the documented media upload and download and checks the token's scope
/// (scripts/services/cloud_server.py, which has one bucket: `engine-models`).
@Suite struct GCSModelStoreTests {
    func environment() throws -> [String: String] {
        [
            "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": try testService("ENGINE_TEST_GOOGLE_CREDENTIALS", "the Cloud Storage test"),
            "ANOMSTACK_GCS_ENDPOINT_URL": try testService("ENGINE_TEST_CLOUD_URL", "the Cloud Storage test"),
        ]
    }

    @Test func modelsRoundTripUnderThePrefixAndMissingOnesAreNil() async throws {
        let store = try GCSModelStore.fromModelPath(
            "gs://engine-models/models/\(UUID().uuidString)", environment: try environment(),
            transport: URLSessionTransport(timeout: 20))
        let data = Data((0..<5000).map { UInt8($0 % 256) })
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == nil)
        try await store.save(data, key: "b/cpu%2Fuser_pca default.json")
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == data)
        try await store.save(Data("v2".utf8), key: "b/cpu%2Fuser_pca default.json")
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == Data("v2".utf8))
    }

    @Test func aMissingBucketIsAnErrorNotAMissingModel() async throws {
        let store = try GCSModelStore.fromModelPath(
            "gs://no-such-bucket/m", environment: try environment(), transport: URLSessionTransport(timeout: 20))
        await #expect { try await store.load(key: "b/x.json") } throws: {
            "\($0)" == "cannot load b/x.json from gs://no-such-bucket: Cloud Storage answered 404: The specified bucket does not exist."
        }
    }

    /// Missing credentials fail the models of the batches that use that path, saying what to
    /// set, and leave the other batches' stores working.
    @Test func theRouteIsChosenByTheCredentialsThatAreSet() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-routes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let batches = try BatchLoader(
            folder: InMemoryMetricsFolder([
                "b/b.yaml": "metric_batch: b\ningest_sql: select 1\nmodel_path: gs://engine-models/m\n",
                "c/c.yaml": "metric_batch: c\ningest_sql: select 1\n",
            ])
        )
        .loadValid()
        let unconfigured = BatchRoutedModelStore(batches: batches, base: folder, environment: [:])
        await #expect { try await unconfigured.load(key: "b/m.json") } throws: {
            "\($0)".contains("set ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS (a service-account key), or ANOMSTACK_GCS_HMAC_ACCESS_ID")
        }
        try await unconfigured.save(Data("x".utf8), key: "c/m.json")
        #expect(try await unconfigured.load(key: "c/m.json") == Data("x".utf8))
    }
}
