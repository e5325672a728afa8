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

    @Test func theRouteIsChosenByTheCredentialsThatAreSet() throws {
        let batches = try BatchLoader(
            folder: InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\nmodel_path: gs://engine-models/m\n"])
        )
        .loadValid()
        #expect { try BatchRoutedModelStore(batches: batches, base: URL(fileURLWithPath: "/tmp"), environment: [:]) } throws: {
            "\($0)".contains("set ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS (a service-account key), or ANOMSTACK_GCS_HMAC_ACCESS_ID")
        }
        _ = try BatchRoutedModelStore(batches: batches, base: URL(fileURLWithPath: "/tmp"), environment: try environment())
        _ = try BatchRoutedModelStore(
            batches: batches, base: URL(fileURLWithPath: "/tmp"),
            environment: ["ANOMSTACK_GCS_HMAC_ACCESS_ID": "a", "ANOMSTACK_GCS_HMAC_SECRET": "s"])
    }
}
