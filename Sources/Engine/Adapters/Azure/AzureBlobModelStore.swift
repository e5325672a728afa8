import Foundation

/// Models in Azure Blob Storage (`model_path: az://container/prefix`) with Shared Key
/// authorisation, written from Azure's documented string-to-sign (verb, the standard headers,
/// the `x-ms-*` headers, the canonical resource), HMAC-SHA256 with the base64-decoded account key.
/// Blobs are written whole by one Put Blob; a missing blob is nil; other refusals are errors with
/// Azure's `x-ms-error-code`. Account and key come from `ANOMSTACK_AZURE_STORAGE_ACCOUNT` and
/// `ANOMSTACK_AZURE_STORAGE_KEY` (or `AZURE_STORAGE_*`); `ANOMSTACK_AZURE_BLOB_ENDPOINT`
/// overrides `https://<account>.blob.core.windows.net`.
public struct AzureBlobModelStore: ModelStore {
    public let account: String
    let key: [UInt8]
    public let container: String
    public let prefix: String
    public let endpoint: URL
    public let transport: any HTTPTransport
    static let version = "2021-08-06"

    public init(account: String, key: [UInt8], container: String, prefix: String, endpoint: URL, transport: any HTTPTransport) {
        self.account = account
        self.key = key
        self.container = container
        self.prefix = ObjectStorePath.trimmed(prefix)
        self.endpoint = endpoint
        self.transport = transport
    }

    public static func fromModelPath(_ path: String, environment: [String: String], transport: any HTTPTransport) throws -> AzureBlobModelStore {
        let location = try ObjectStorePath(path, scheme: "az", containerWord: "container")
        func variable(_ name: String) -> String? { environment["ANOMSTACK_AZURE_STORAGE_\(name)"] ?? environment["AZURE_STORAGE_\(name)"] }
        guard let account = variable("ACCOUNT"), let keyText = variable("KEY") else {
            throw JobError("model_path '\(path)': set ANOMSTACK_AZURE_STORAGE_ACCOUNT and ANOMSTACK_AZURE_STORAGE_KEY")
        }
        guard let key = Data(base64Encoded: keyText) else {
            throw JobError("ANOMSTACK_AZURE_STORAGE_KEY is not base64 (copy the account key as Azure shows it)")
        }
        let endpointText = environment["ANOMSTACK_AZURE_BLOB_ENDPOINT"] ?? "https://\(account).blob.core.windows.net"
        guard let endpoint = URL(string: endpointText) else { throw JobError("the Azure Blob endpoint '\(endpointText)' is not a URL") }
        return AzureBlobModelStore(
            account: account, key: [UInt8](key), container: location.container, prefix: location.prefix,
            endpoint: endpoint, transport: transport)
    }

    /// The blob's path below the endpoint, percent-encoded.
    func path(_ blobKey: String) -> String {
        "/" + container + "/" + AWSSignatureV4.encode(ObjectStorePath.object(blobKey, prefix: prefix), keepSlash: true)
    }

    /// The request with `x-ms-date`, `x-ms-version` and the Shared Key `Authorization` header.
    public func sign(_ request: HTTPRequest, at date: Date) -> HTTPRequest {
        var request = request
        request.headers["x-ms-date"] = RequestDate.format(date, RequestDate.http)
        request.headers["x-ms-version"] = Self.version
        let length = request.body.map { $0.isEmpty ? "" : String($0.count) } ?? ""
        func header(_ name: String) -> String { request.headers.first { $0.key.lowercased() == name }?.value ?? "" }
        let standard =
            ["content-encoding", "content-language"].map(header) + [length]
            + ["content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"].map(header)
        let msHeaders = request.headers.filter { $0.key.lowercased().hasPrefix("x-ms-") }
            .map { ($0.key.lowercased(), $0.value.trimmingCharacters(in: .whitespaces)) }.sorted { $0.0 < $1.0 }
            .map { "\($0.0):\($0.1)\n" }.joined()
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var resource = "/\(account)\(components?.percentEncodedPath ?? "/")"
        let query = (components?.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }.sorted { $0.0 < $1.0 }
        for (name, value) in query { resource += "\n\(name):\(value)" }
        let stringToSign = ([request.method] + standard).joined(separator: "\n") + "\n" + msHeaders + resource
        let signature = Data(HMACSHA256.mac(key: key, message: Array(stringToSign.utf8))).base64EncodedString()
        request.headers["Authorization"] = "SharedKey \(account):\(signature)"
        return request
    }

    func url(_ blobKey: String) -> URL { ObjectStorePath.url(endpoint, path(blobKey)) }

    public func save(_ data: Data, key blobKey: String) async throws {
        let request = sign(
            HTTPRequest(
                method: "PUT", url: url(blobKey),
                headers: ["x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream"], body: data), at: Date())
        let response = try await transport.send(request)
        guard response.status == 201 || response.status == 200 else { throw Self.error(response, doing: "save \(blobKey) to az://\(container)") }
    }

    public func load(key blobKey: String) async throws -> Data? {
        let response = try await transport.send(sign(HTTPRequest(method: "GET", url: url(blobKey)), at: Date()))
        if response.status == 404, response.headers["x-ms-error-code"] == "BlobNotFound" { return nil }
        guard response.status == 200 else { throw Self.error(response, doing: "load \(blobKey) from az://\(container)") }
        return response.body
    }

    static func error(_ response: HTTPResponse, doing what: String) -> JobError {
        JobError("cannot \(what): \(response.headers["x-ms-error-code"] ?? "HTTP \(response.status)")")
    }
}
