import Foundation

/// Runs `ingest_sql` on Snowflake with a user name and password (`ANOMSTACK_SNOWFLAKE_PASSWORD`,
/// as Anomstack's connector does), for accounts without a key pair. Snowflake's SQL API v2 takes
/// no password, so this speaks the session protocol its own drivers use: a login
/// (`/session/v1/login-request`) returns a session token, the statement goes to
/// `/queries/v1/query-request` with `Authorization: Snowflake Token="…"`, a statement still
/// running (codes 333333, 333334) is polled at its `getResultUrl`, and rows beyond the first
/// `rowset` come as chunks, fetched from their URLs with the headers (or the `qrmk` key) the
/// answer gives. Cells are typed from `rowtype` as the SQL API's are. The session is closed after
/// the statement.
public struct SnowflakeSessionDataSource: DataSource {
    public let account: String
    public let user: String
    public let password: String
    public let endpoint: URL
    /// `warehouse`, `database`, `schema`, `role`, each optional.
    public let context: [String: String]
    public let transport: any HTTPTransport
    public let pollInterval: Duration
    public let timeout: Double
    private let now: @Sendable () -> Date

    public init(
        account: String, user: String, password: String, endpoint: URL? = nil, context: [String: String] = [:],
        transport: any HTTPTransport, pollInterval: Duration = .seconds(1), timeout: Double = 600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.account = account
        self.user = user
        self.password = password
        self.endpoint = endpoint ?? URL(string: "https://\(account.lowercased()).snowflakecomputing.com")!
        self.context = context
        self.transport = transport
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.now = now
    }

    public func query(_ sql: String) async throws -> [SourceRow] {
        let token = try await login()
        do {
            let rows = try await run(sql, token: token)
            await logout(token)
            return rows
        } catch {
            await logout(token)
            throw error
        }
    }

    /// The session token for this user, or the login's refusal as Snowflake words it.
    func login() async throws -> String {
        var components = URLComponents(url: endpoint.appendingPathComponent("session/v1/login-request"), resolvingAgainstBaseURL: false)!
        let names = ["warehouse": "warehouse", "database": "databaseName", "schema": "schemaName", "role": "roleName"]
        components.queryItems = names.sorted { $0.key < $1.key }.compactMap { key, name in
            context[key].flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
        }
        let body = CanonicalJSON.object([
            "data": .object([
                "ACCOUNT_NAME": .string(account.split(separator: ".").first.map(String.init)?.uppercased() ?? account.uppercased()),
                "LOGIN_NAME": .string(user), "PASSWORD": .string(password),
                "CLIENT_APP_ID": .string("anomaly-engine"), "CLIENT_APP_VERSION": .string(EngineVersion.current),
                "CLIENT_ENVIRONMENT": .object(["APPLICATION": .string("anomaly-engine")]),
            ])
        ])
        let answer = try await call("POST", url: components.url!, body: body.text, token: nil, what: "login")
        guard let token = (answer["data"] as? [String: Any])?["token"] as? String, !token.isEmpty else {
            throw JobError("Snowflake's login answer has no session token: \(JSONExcerpt.of(answer))")
        }
        return token
    }

    func run(_ sql: String, token: String) async throws -> [SourceRow] {
        let submitted = Int(now().timeIntervalSince1970 * 1000)
        var components = URLComponents(url: endpoint.appendingPathComponent("queries/v1/query-request"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "requestId", value: Self.requestID(sql, submitted: submitted))]
        let body = CanonicalJSON.object([
            "sqlText": .string(sql), "asyncExec": .bool(false), "sequenceId": .int(1), "querySubmissionTime": .int(submitted),
        ])
        var answer = try await call("POST", url: components.url!, body: body.text, token: token, what: "statement")
        let started = now()
        while let code = answer["code"] as? String, code == "333333" || code == "333334" {
            guard let location = (answer["data"] as? [String: Any])?["getResultUrl"] as? String,
                let url = URL(string: location, relativeTo: endpoint)
            else {
                throw JobError("Snowflake's answer for a running statement has no getResultUrl: \(JSONExcerpt.of(answer))")
            }
            guard now().timeIntervalSince(started) < timeout else {
                throw JobError("Snowflake statement was still running after \(Int(timeout)) s")
            }
            try await Task.sleep(for: pollInterval)
            answer = try await call("GET", url: url.absoluteURL, body: nil, token: token, what: "statement")
        }
        guard let data = answer["data"] as? [String: Any], let types = data["rowtype"] as? [[String: Any]] else {
            throw JobError("Snowflake's answer has no result set: \(JSONExcerpt.of(answer))")
        }
        if let format = data["queryResultFormat"] as? String, format.lowercased() != "json" {
            throw JobError("Snowflake sent its result as \(format), which the engine does not read (it reads JSON)")
        }
        var cells = data["rowset"] as? [[Any]] ?? []
        for (index, chunk) in (data["chunks"] as? [[String: Any]] ?? []).enumerated() {
            cells += try await self.chunk(chunk, number: index + 1, headers: Self.chunkHeaders(data))
        }
        if let total = (data["total"] as? NSNumber)?.intValue, total != cells.count {
            throw JobError("Snowflake reported \(total) rows but \(cells.count) arrived; nothing was ingested")
        }
        return try SnowflakeDataSource.rows(cells, rowType: types)
    }

    /// The headers a chunk is fetched with: those the answer names, else the server-side
    /// encryption key (`qrmk`) in the headers the storage expects.
    static func chunkHeaders(_ data: [String: Any]) -> [String: String] {
        if let headers = data["chunkHeaders"] as? [String: String], !headers.isEmpty { return headers }
        guard let key = data["qrmk"] as? String else { return [:] }
        return [
            "x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key": key,
        ]
    }

    /// One chunk's rows: JSON arrays separated by commas, without the enclosing brackets.
    func chunk(_ chunk: [String: Any], number: Int, headers: [String: String]) async throws -> [[Any]] {
        guard let text = chunk["url"] as? String, let url = URL(string: text) else {
            throw JobError("Snowflake result chunk \(number) has no URL")
        }
        let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers, body: nil))
        guard response.status == 200 else {
            throw JobError("Snowflake result chunk \(number) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        var wrapped = Data("[".utf8)
        wrapped.append(response.body)
        wrapped.append(Data("]".utf8))
        guard let rows = (try? JSONSerialization.jsonObject(with: wrapped)) as? [[Any]] else {
            throw JobError("Snowflake result chunk \(number) is not rows of JSON")
        }
        if let expected = (chunk["rowCount"] as? NSNumber)?.intValue, expected != rows.count {
            throw JobError("Snowflake result chunk \(number) has \(rows.count) rows, not the \(expected) announced")
        }
        return rows
    }

    /// Ends the session (best effort: a session left open expires by itself).
    func logout(_ token: String) async {
        var components = URLComponents(url: endpoint.appendingPathComponent("session"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "delete", value: "true")]
        _ = try? await call("POST", url: components.url!, body: "{}", token: token, what: "logout")
    }

    /// A request id in UUID form derived from the statement and its time: the same for a retry of
    /// the same submission, and no random number needed.
    static func requestID(_ sql: String, submitted: Int) -> String {
        let hex = SHA256.hash(Data("\(submitted)\n\(sql)".utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    private func call(_ method: String, url: URL, body: String?, token: String?, what: String) async throws -> [String: Any] {
        var headers = ["Accept": "application/json", "User-Agent": "anomaly-engine/\(EngineVersion.current)"]
        if let token { headers["Authorization"] = "Snowflake Token=\"\(token)\"" }
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body.map { Data($0.utf8) }))
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.status == 200, let object else {
            if let message = object?["message"] as? String {
                throw JobError("Snowflake \(what) answered \(response.status)\((object?["code"] as? String).map { " (\($0))" } ?? ""): \(message)")
            }
            throw JobError("Snowflake \(what) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        // The session protocol answers 200 with `success: false` for a refusal.
        if object["success"] as? Bool == false {
            let code = object["code"] as? String
            if code != "333333" && code != "333334" {
                throw JobError("Snowflake refused the \(what)\(code.map { " (\($0))" } ?? ""): \(object["message"] as? String ?? "no message")")
            }
        }
        return object
    }
}
