import Engine
import Fixtures
import Foundation
import Testing

/// SigV4 against AWS's documented example, and the S3 model store against a real S3-compatible
/// server (moto's server mode, started by scripts/test-services.sh).
@Suite(.serialized) struct S3ModelStoreTests {
    @Test func theSignatureMatchesAWSsDocumentedExample() {
        // "GET Object" in AWS's Signature Version 4 examples for S3 (header-based auth).
        let signer = AWSSignatureV4(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let request = HTTPRequest(
            method: "GET", url: URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")!,
            headers: ["Range": "bytes=0-9"])
        let signed = signer.sign(request, at: Date(timeIntervalSince1970: 1_369_353_600))  // 2013-05-24T00:00:00Z
        #expect(
            signed.headers["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    func store(bucket: String) throws -> S3ModelStore {
        let environment = [
            "ANOMSTACK_AWS_ACCESS_KEY_ID": "test", "ANOMSTACK_AWS_SECRET_ACCESS_KEY": "test", "ANOMSTACK_AWS_REGION": "us-east-1",
            "ANOMSTACK_S3_ENDPOINT_URL": try testService("ENGINE_TEST_S3_URL", "the S3 test"),
        ]
        return try S3ModelStore.fromModelPath("s3://\(bucket)/models/v1", environment: environment, transport: URLSessionTransport(timeout: 20))
    }

    /// Creates a bucket with a signed PUT, as the AWS CLI would.
    func createBucket(_ store: S3ModelStore) async throws {
        let url = URL(string: store.endpoint.absoluteString + "/" + store.bucket)!
        let response = try await URLSessionTransport(timeout: 20).send(store.signer.sign(HTTPRequest(method: "PUT", url: url), at: Date()))
        #expect(response.status == 200)
    }

    @Test func modelsRoundTripAndMissingOnesAreNil() async throws {
        let store = try store(bucket: "engine-\(UUID().uuidString.prefix(8).lowercased())")
        try await createBucket(store)
        let data = Data((0..<5000).map { UInt8($0 % 256) })
        try await store.save(data, key: "b/cpu%2Fuser_pca default.json")
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == data)
        try await store.save(Data("v2".utf8), key: "b/cpu%2Fuser_pca default.json")
        #expect(try await store.load(key: "b/cpu%2Fuser_pca default.json") == Data("v2".utf8))
        #expect(try await store.load(key: "b/missing.json") == nil)
    }

    @Test func aMissingBucketOrBadPathIsAClearError() async throws {
        let store = try store(bucket: "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())")
        do {
            _ = try await store.load(key: "x.json")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("NoSuchBucket"))
        }
        #expect(throws: JobError.self) { try S3ModelStore.fromModelPath("s3://bucket", environment: [:], transport: URLSessionTransport()) }
        #expect(throws: JobError.self) {
            try S3ModelStore.fromModelPath(
                "s3:///x", environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"],
                transport: URLSessionTransport())
        }
    }

    @Test func trainingAndScoringUseAnS3ModelPath() async throws {
        let bucket = "engine-\(UUID().uuidString.prefix(8).lowercased())"
        try await createBucket(try store(bucket: bucket))
        let environment = [
            "ANOMSTACK_AWS_ACCESS_KEY_ID": "test", "ANOMSTACK_AWS_SECRET_ACCESS_KEY": "test",
            "ANOMSTACK_S3_ENDPOINT_URL": try testService("ENGINE_TEST_S3_URL", "the S3 test"),
        ]
        let b = try batch("metric_batch: test\ningest_sql: select 1\ntrain_min_n: 20\nmodel_path: s3://\(bucket)/models\n")
        let h = try Harness()
        var context = h.context
        context.models = BatchRoutedModelStore(batches: [b], base: URL(fileURLWithPath: "/tmp"), environment: environment)
        try h.store().insert(hourly((0..<48).map { 50 + Double($0 % 4) }))
        let trained = await JobRunner(context: context).run(.train, batch: b)
        #expect(trained.rowsWritten == 1, "one model, the default NOVELTY: \(trained.error ?? "")")
        let scored = await JobRunner(context: context).run(.score, batch: b)
        #expect(scored.status == .success)
        #expect(!(try h.all("test", .score)).isEmpty)
    }

    @Test func aGCSPathGoesThroughTheS3CompatibleAPIWithHMACKeys() async throws {
        let endpoint = try testService("ENGINE_TEST_S3_URL", "the S3 test")
        let bucket = "gcs-\(UUID().uuidString.prefix(8).lowercased())"
        let gcs = try S3ModelStore.fromGCSPath(
            "gs://\(bucket)/models",
            environment: [
                "ANOMSTACK_GCS_HMAC_ACCESS_ID": "GOOGTS7C7FUP3AIRVJTE2BCD", "ANOMSTACK_GCS_HMAC_SECRET": "secret",
                "ANOMSTACK_GCS_ENDPOINT_URL": endpoint, "AWS_SESSION_TOKEN": "not for google",
            ], transport: URLSessionTransport(timeout: 20))
        #expect(gcs.signer.region == "auto")
        #expect(gcs.signer.sessionToken == nil)
        #expect(gcs.prefix == "models")
        try await createBucket(try store(bucket: bucket))  // moto makes buckets in real AWS regions only
        try await gcs.save(Data("model".utf8), key: "b/m.json")
        #expect(try await gcs.load(key: "b/m.json") == Data("model".utf8))
        #expect(throws: JobError.self) { try S3ModelStore.fromGCSPath("gs://b", environment: [:], transport: URLSessionTransport()) }
        let google = try S3ModelStore.fromGCSPath(
            "gs://b/p", environment: ["ANOMSTACK_GCS_HMAC_ACCESS_ID": "a", "ANOMSTACK_GCS_HMAC_SECRET": "s"],
            transport: URLSessionTransport())
        #expect(google.endpoint.absoluteString == "https://storage.googleapis.com")
    }
}
