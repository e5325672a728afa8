import Foundation

/// A Google service account, read from its JSON key file (what `ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS`
/// points to, or the JSON itself): the e-mail that signs, the RSA key, the token endpoint and the
/// project it belongs to.
public struct GoogleServiceAccount: Sendable {
    public let clientEmail: String
    public let projectID: String?
    public let tokenURI: URL
    public let key: RSASigningKey

    /// The variable Anomstack users set: the key file's path, or the JSON itself.
    public static let variable = "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS"

    /// The service account `environment` names (`ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS`, else
    /// Google's own `GOOGLE_APPLICATION_CREDENTIALS`), or nil when it names none.
    public static func fromEnvironment(_ environment: [String: String]) throws -> GoogleServiceAccount? {
        guard let value = environment[variable] ?? environment["GOOGLE_APPLICATION_CREDENTIALS"], !value.isEmpty else { return nil }
        return try load(value, variable: variable)
    }

    /// Reads `value` as JSON when it starts with `{`, else as the path of the key file.
    public static func load(_ value: String, variable: String) throws -> GoogleServiceAccount {
        let label: String
        let data: Data
        if value.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            label = variable
            data = Data(value.utf8)
        } else {
            label = "\(variable) file '\(value)'"
            guard let read = FileManager.default.contents(atPath: value) else { throw JobError("\(label) cannot be read") }
            data = read
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw JobError("\(label) is not a JSON service-account key")
        }
        guard object["type"] as? String == "service_account" else {
            throw JobError("\(label): key 'type' is '\(object["type"] as? String ?? "missing")', not 'service_account'")
        }
        guard let email = object["client_email"] as? String, let pem = object["private_key"] as? String else {
            throw JobError("\(label): keys 'client_email' and 'private_key' are required")
        }
        let tokenText = object["token_uri"] as? String ?? "https://oauth2.googleapis.com/token"
        guard let tokenURI = URL(string: tokenText) else { throw JobError("\(label): key 'token_uri' is not a URL") }
        return GoogleServiceAccount(
            clientEmail: email, projectID: object["project_id"] as? String, tokenURI: tokenURI,
            key: try RSASigningKey(pem: pem, label: "\(label): key 'private_key'"))
    }
}

/// OAuth 2.0 access tokens for a service account (the JWT bearer grant, RFC 7523), kept until a
/// minute before they expire so that a run of many queries signs once.
public actor GoogleAccessTokens {
    public let account: GoogleServiceAccount
    public let scope: String
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private var cached: (token: String, expires: Date)?

    public init(account: GoogleServiceAccount, scope: String, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.account = account
        self.scope = scope
        self.transport = transport
        self.now = now
    }

    public func token() async throws -> String {
        let time = now()
        if let cached, cached.expires > time.addingTimeInterval(60) { return cached.token }
        let issued = Int(time.timeIntervalSince1970)
        let assertion = try JSONWebToken.rs256(
            claims: .object([
                "iss": .string(account.clientEmail), "scope": .string(scope), "aud": .string(account.tokenURI.absoluteString),
                "iat": .int(issued), "exp": .int(issued + 3600),
            ]), key: account.key)
        let form = "grant_type=" + PercentEncoding.unreserved("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + assertion
        let response = try await transport.send(
            HTTPRequest(
                method: "POST", url: account.tokenURI,
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data(form.utf8)))
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.status == 200, let token = object?["access_token"] as? String else {
            let reason =
                object?["error_description"] as? String ?? object?["error"] as? String
                ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw JobError("Google refused the service account \(account.clientEmail) (\(response.status)): \(reason)")
        }
        let lifetime = (object?["expires_in"] as? NSNumber)?.doubleValue ?? 3600
        cached = (token, time.addingTimeInterval(lifetime))
        return token
    }
}
