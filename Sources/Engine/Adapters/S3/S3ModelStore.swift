import Foundation

/// Models in an S3 bucket (`model_path: s3://bucket/prefix`), or in any S3-compatible store
/// through an endpoint override (path-style URLs). Objects are written whole by one PUT, which
/// S3 makes visible atomically; a missing object is nil; anything else S3 refuses is an error
/// with its code and message.
public struct S3ModelStore: ModelStore {
    public let bucket: String
    public let prefix: String
    /// `https://s3.<region>.amazonaws.com` by default; an S3-compatible server's URL otherwise.
    public let endpoint: URL
    public let signer: AWSSignatureV4
    public let transport: any HTTPTransport

    public init(bucket: String, prefix: String, endpoint: URL, signer: AWSSignatureV4, transport: any HTTPTransport) {
        self.bucket = bucket
        self.prefix = ObjectStorePath.trimmed(prefix)
        self.endpoint = endpoint
        self.signer = signer
        self.transport = transport
    }

    /// The store an `s3://bucket/prefix` model path names, with credentials and endpoint from
    /// Anomstack's variables (`ANOMSTACK_AWS_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`, `_SESSION_TOKEN`,
    /// `_REGION`; the plain `AWS_*` ones as a fallback) and `ANOMSTACK_S3_ENDPOINT_URL` or
    /// `AWS_ENDPOINT_URL` for S3-compatible servers.
    public static func fromModelPath(_ path: String, environment: [String: String], transport: any HTTPTransport) throws -> S3ModelStore {
        let location = try ObjectStorePath(path, scheme: "s3")
        func variable(_ name: String) -> String? { environment["ANOMSTACK_AWS_\(name)"] ?? environment["AWS_\(name)"] }
        guard let access = variable("ACCESS_KEY_ID"), let secret = variable("SECRET_ACCESS_KEY") else {
            throw JobError("model_path '\(path)': set ANOMSTACK_AWS_ACCESS_KEY_ID and ANOMSTACK_AWS_SECRET_ACCESS_KEY")
        }
        let region = variable("REGION") ?? variable("DEFAULT_REGION") ?? "us-east-1"
        let endpointText = environment["ANOMSTACK_S3_ENDPOINT_URL"] ?? environment["AWS_ENDPOINT_URL"] ?? "https://s3.\(region).amazonaws.com"
        guard let endpoint = URL(string: endpointText) else { throw JobError("the S3 endpoint '\(endpointText)' is not a URL") }
        return S3ModelStore(
            bucket: location.container, prefix: location.prefix,
            endpoint: endpoint,
            signer: AWSSignatureV4(
                accessKey: access, secretKey: secret,
                sessionToken: variable("SESSION_TOKEN"), region: region),
            transport: transport)
    }

    /// A `gs://bucket/prefix` model path through Cloud Storage's S3-compatible XML API with HMAC
    /// keys (`ANOMSTACK_GCS_HMAC_ACCESS_ID`, `ANOMSTACK_GCS_HMAC_SECRET`; endpoint
    /// `https://storage.googleapis.com` unless `ANOMSTACK_GCS_ENDPOINT_URL` says otherwise).
    public static func fromGCSPath(_ path: String, environment: [String: String], transport: any HTTPTransport) throws -> S3ModelStore {
        guard let access = environment["ANOMSTACK_GCS_HMAC_ACCESS_ID"], let secret = environment["ANOMSTACK_GCS_HMAC_SECRET"] else {
            throw JobError("model_path '\(path)': set ANOMSTACK_GCS_HMAC_ACCESS_ID and ANOMSTACK_GCS_HMAC_SECRET (a Cloud Storage HMAC key)")
        }
        var translated = environment
        translated["ANOMSTACK_AWS_ACCESS_KEY_ID"] = access
        translated["ANOMSTACK_AWS_SECRET_ACCESS_KEY"] = secret
        translated["ANOMSTACK_AWS_REGION"] = "auto"
        translated["ANOMSTACK_AWS_SESSION_TOKEN"] = nil
        translated["AWS_SESSION_TOKEN"] = nil
        translated["ANOMSTACK_S3_ENDPOINT_URL"] = environment["ANOMSTACK_GCS_ENDPOINT_URL"] ?? "https://storage.googleapis.com"
        return try fromModelPath("s3://" + path.dropFirst("gs://".count), environment: translated, transport: transport)
    }

    func url(_ key: String) -> URL {
        ObjectStorePath.url(
            endpoint,
            "/" + AWSSignatureV4.encode(bucket) + "/"
                + AWSSignatureV4.encode(ObjectStorePath.object(key, prefix: prefix), keepSlash: true))
    }

    public func save(_ data: Data, key: String) async throws {
        let request = signer.sign(
            HTTPRequest(method: "PUT", url: url(key), headers: ["Content-Type": "application/octet-stream"], body: data),
            at: Date())
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else { throw Self.error(response, doing: "save \(key) to s3://\(bucket)") }
    }

    public func load(key: String) async throws -> Data? {
        let response = try await transport.send(signer.sign(HTTPRequest(method: "GET", url: url(key)), at: Date()))
        if response.status == 404, Self.code(response) != "NoSuchBucket" { return nil }
        guard response.status == 200 else { throw Self.error(response, doing: "load \(key) from s3://\(bucket)") }
        return response.body
    }

    /// The `<Code>` of S3's XML error body.
    static func code(_ response: HTTPResponse) -> String? { element("Code", in: response) }

    static func element(_ name: String, in response: HTTPResponse) -> String? {
        let text = String(decoding: response.body, as: UTF8.self)
        guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func error(_ response: HTTPResponse, doing what: String) -> JobError {
        let code = Self.code(response) ?? "HTTP \(response.status)"
        let message = element("Message", in: response).map { ": \($0)" } ?? ""
        return JobError("cannot \(what): \(code)\(message)")
    }
}
