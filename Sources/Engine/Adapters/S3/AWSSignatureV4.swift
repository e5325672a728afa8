import Foundation

/// AWS Signature Version 4 for S3 requests (header form, signed payload), written from AWS's
/// published algorithm: canonical request, string to sign, a signing key derived by HMAC chain
/// from the secret, date, region and service. Checked against AWS's documented example.
public struct AWSSignatureV4: Sendable {
    public var accessKey: String
    public var secretKey: String
    public var sessionToken: String?
    public var region: String
    public var service: String = "s3"

    public init(accessKey: String, secretKey: String, sessionToken: String? = nil, region: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
        self.region = region
    }

    /// `request` with `Host`, `x-amz-date`, `x-amz-content-sha256` (and the session token) set
    /// and signed at `date`. The URL's path must already be percent-encoded as S3 expects.
    public func sign(_ request: HTTPRequest, at date: Date) -> HTTPRequest {
        var request = request
        let amzDate = RequestDate.format(date, RequestDate.compact)
        let day = String(amzDate.prefix(8))
        let payloadHash = Hex.encode(SHA256.hash([UInt8](request.body ?? Data())))
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var host = components?.host ?? ""
        if let port = components?.port { host += ":\(port)" }
        request.headers["Host"] = host
        request.headers["x-amz-date"] = amzDate
        request.headers["x-amz-content-sha256"] = payloadHash
        if let sessionToken { request.headers["x-amz-security-token"] = sessionToken }

        let headers = request.headers.map { ($0.key.lowercased(), $0.value.trimmingCharacters(in: .whitespaces)) }
            .sorted { $0.0 < $1.0 }
        let signedHeaders = headers.map(\.0).joined(separator: ";")
        let query = (components?.percentEncodedQueryItems ?? [])
            .map { (Self.encode($0.name.removingPercentEncoding ?? $0.name), Self.encode(($0.value ?? "").removingPercentEncoding ?? "")) }
            .sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let path = components?.percentEncodedPath ?? "/"
        let canonical = [
            request.method, path.isEmpty ? "/" : path, query,
            headers.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Hex.encode(SHA256.hash(Array(canonical.utf8)))].joined(separator: "\n")
        var key = HMACSHA256.mac(key: Array("AWS4\(secretKey)".utf8), message: Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = HMACSHA256.mac(key: key, message: Array(part.utf8)) }
        let signature = Hex.encode(HMACSHA256.mac(key: key, message: Array(stringToSign.utf8)))
        request.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return request
    }

    /// RFC 3986 encoding as SigV4 wants it: everything but letters, digits and `-._~`.
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        PercentEncoding.unreserved(text, keepSlash: keepSlash)
    }
}
