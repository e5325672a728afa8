import Foundation

/// Models in a Cloud Storage bucket (`model_path: gs://bucket/prefix`) through its JSON API with a
/// service account, as Anomstack's users have it (`ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS`).
/// An object is written whole by one media upload, which Cloud Storage makes visible atomically;
/// a missing object is nil; a missing bucket or a refusal is an error with Google's message.
public struct GCSModelStore: ModelStore {
    public let bucket: String
    public let prefix: String
    /// `https://storage.googleapis.com`, or a stand-in's URL.
    public let endpoint: URL
    public let tokens: GoogleAccessTokens
    public let transport: any HTTPTransport

    public static let scope = "https://www.googleapis.com/auth/devstorage.read_write"

    public init(bucket: String, prefix: String, endpoint: URL, tokens: GoogleAccessTokens, transport: any HTTPTransport) {
        self.bucket = bucket
        self.prefix = ObjectStorePath.trimmed(prefix)
        self.endpoint = endpoint
        self.tokens = tokens
        self.transport = transport
    }

    /// The store a `gs://bucket/prefix` path names, with the service account in `environment`.
    public static func fromModelPath(_ path: String, environment: [String: String], transport: any HTTPTransport) throws -> GCSModelStore {
        let location = try ObjectStorePath(path, scheme: "gs")
        guard let account = try GoogleServiceAccount.fromEnvironment(environment) else {
            throw JobError(
                "model_path '\(path)': set \(GoogleServiceAccount.variable) (a service-account key), or ANOMSTACK_GCS_HMAC_ACCESS_ID and "
                    + "ANOMSTACK_GCS_HMAC_SECRET (an HMAC key)")
        }
        let endpointText = environment["ANOMSTACK_GCS_ENDPOINT_URL"] ?? "https://storage.googleapis.com"
        guard let endpoint = URL(string: endpointText) else { throw JobError("the Cloud Storage endpoint '\(endpointText)' is not a URL") }
        return GCSModelStore(
            bucket: location.container, prefix: location.prefix, endpoint: endpoint,
            tokens: GoogleAccessTokens(account: account, scope: scope, transport: transport), transport: transport)
    }

    func object(_ key: String) -> String { ObjectStorePath.object(key, prefix: prefix) }

    func url(_ path: String, query: String) -> URL { ObjectStorePath.url(endpoint, path + "?" + query) }

    public func save(_ data: Data, key: String) async throws {
        let target = url(
            "/upload/storage/v1/b/\(PercentEncoding.unreserved(bucket))/o",
            query: "uploadType=media&name=\(PercentEncoding.unreserved(object(key)))")
        let response = try await transport.send(
            HTTPRequest(
                method: "POST", url: target,
                headers: [
                    "Authorization": "Bearer \(try await tokens.token())", "Content-Type": "application/octet-stream",
                ], body: data))
        guard response.status == 200 else { throw Self.error(response, doing: "save \(key) to gs://\(bucket)") }
    }

    public func load(key: String) async throws -> Data? {
        // Object names go into the path with every slash escaped, as the JSON API requires.
        let target = url("/storage/v1/b/\(PercentEncoding.unreserved(bucket))/o/\(PercentEncoding.unreserved(object(key)))", query: "alt=media")
        let response = try await transport.send(
            HTTPRequest(method: "GET", url: target, headers: ["Authorization": "Bearer \(try await tokens.token())"]))
        if response.status == 404, !Self.message(response).lowercased().contains("bucket") { return nil }
        guard response.status == 200 else { throw Self.error(response, doing: "load \(key) from gs://\(bucket)") }
        return response.body
    }

    static func message(_ response: HTTPResponse) -> String {
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["message"] as? String ?? String(decoding: response.body.prefix(300), as: UTF8.self)
    }

    static func error(_ response: HTTPResponse, doing what: String) -> JobError {
        JobError("cannot \(what): Cloud Storage answered \(response.status): \(message(response))")
    }
}
