import Engine
import Foundation
import Testing

/// The Azure Blob model store against a loopback server that follows Azure's Blob REST API and
/// checks Shared Key signatures with its own implementation (scripts/services/blob_server.py).
@Suite struct AzureBlobModelStoreTests {
    func environment() throws -> [String: String] {
        [
            "ANOMSTACK_AZURE_STORAGE_ACCOUNT": try testService("ENGINE_TEST_BLOB_ACCOUNT", "the Azure Blob test"),
            "ANOMSTACK_AZURE_STORAGE_KEY": try testService("ENGINE_TEST_BLOB_KEY", "the Azure Blob test"),
            "ANOMSTACK_AZURE_BLOB_ENDPOINT": try testService("ENGINE_TEST_BLOB_URL", "the Azure Blob test"),
        ]
    }

    func createContainer(_ store: AzureBlobModelStore) async throws -> Int {
        let url = URL(string: store.endpoint.absoluteString + "/" + store.container + "?restype=container")!
        return try await URLSessionTransport(timeout: 10).send(store.sign(HTTPRequest(method: "PUT", url: url), at: Date())).status
    }

    @Test func blobsRoundTripWithSharedKey() async throws {
        let container = "models-\(UUID().uuidString.prefix(8).lowercased())"
        let store = try AzureBlobModelStore.fromModelPath(
            "az://\(container)/engine", environment: try environment(),
            transport: URLSessionTransport(timeout: 10))
        #expect(try await createContainer(store) == 201)
        let data = Data((0..<3000).map { UInt8($0 % 251) })
        try await store.save(data, key: "b/cpu%2Fuser_pca default.json")
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == data)
        #expect(try await store.load(key: "b/none.json") == nil)
        let missing = try AzureBlobModelStore.fromModelPath(
            "az://no-such-container", environment: try environment(),
            transport: URLSessionTransport(timeout: 10))
        do {
            _ = try await missing.load(key: "x.json")
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "cannot load x.json from az://no-such-container: ContainerNotFound")
        }
    }

    @Test func aWrongKeyIsRefusedAndBadSettingsAreNamed() async throws {
        var environment = try environment()
        environment["ANOMSTACK_AZURE_STORAGE_KEY"] = Data("not the key".utf8).base64EncodedString()
        let store = try AzureBlobModelStore.fromModelPath("az://c", environment: environment, transport: URLSessionTransport(timeout: 10))
        do {
            try await store.save(Data("x".utf8), key: "k")
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasSuffix("AuthenticationFailed"))
        }
        #expect(throws: JobError.self) { try AzureBlobModelStore.fromModelPath("az://c", environment: [:], transport: URLSessionTransport()) }
        #expect(throws: JobError.self) {
            try AzureBlobModelStore.fromModelPath(
                "az://c", environment: ["AZURE_STORAGE_ACCOUNT": "a", "AZURE_STORAGE_KEY": "%%%"],
                transport: URLSessionTransport())
        }
        let cloud = try AzureBlobModelStore.fromModelPath(
            "az://c/p",
            environment: [
                "AZURE_STORAGE_ACCOUNT": "acct",
                "AZURE_STORAGE_KEY": "a2V5",
            ], transport: URLSessionTransport())
        #expect(cloud.endpoint.absoluteString == "https://acct.blob.core.windows.net")
    }
}
