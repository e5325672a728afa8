import Foundation

/// Runs `ingest_sql` on Snowflake (`db: snowflake`) through its SQL API v2: the statement is
/// POSTed to `/api/v2/statements` with a key-pair JWT, polled while Snowflake answers 202, and
/// every result partition after the first is fetched with `?partition=N`. Cells, which the API
/// sends as text, are typed from `rowType`: `fixed` with scale 0 as integers, other numbers as
/// doubles, timestamps (epoch seconds) as the engine's timestamp text, dates (days) as
/// `YYYY-MM-DD`. The row count is checked against `numRows`, so a lost partition is an error.
public struct SnowflakeDataSource: DataSource {
    /// The account identifier (`orgname-account` or a locator), as in the account's URL.
    public let account: String
    public let user: String
    public let endpoint: URL
    public let key: RSASigningKey
    public let context: [String: String]
    public let transport: any HTTPTransport
    public let pollInterval: Duration
    public let timeout: Double
    private let now: @Sendable () -> Date

    public init(
        account: String, user: String, endpoint: URL? = nil, key: RSASigningKey, context: [String: String] = [:],
        transport: any HTTPTransport, pollInterval: Duration = .seconds(1), timeout: Double = 600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.account = account
        self.user = user
        self.endpoint = endpoint ?? URL(string: "https://\(account.lowercased()).snowflakecomputing.com")!
        self.key = key
        self.context = context
        self.transport = transport
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.now = now
    }

    /// The key-pair JWT: issuer `ACCOUNT.USER.SHA256:<public key fingerprint>`, subject
    /// `ACCOUNT.USER`, an hour at most. The account part drops any `.region` suffix, upper-cased.
    public func token() throws -> String {
        let qualified = account.split(separator: ".").first.map(String.init)?.uppercased() ?? account.uppercased()
        let subject = qualified + "." + user.uppercased()
        let fingerprint = "SHA256:" + Data(SHA256.hash(try key.publicKeyDER())).base64EncodedString()
        let issued = Int(now().timeIntervalSince1970)
        return try JSONWebToken.rs256(
            claims: .object([
                "iss": .string(subject + "." + fingerprint), "sub": .string(subject), "iat": .int(issued), "exp": .int(issued + 3540),
            ]), key: key)
    }

    public func query(_ sql: String) async throws -> [SourceRow] {
        // One token serves the statement, its polls and its partitions (it lasts an hour).
        let token = try token()
        func call(_ method: String, url: URL, body: String?) async throws -> (Int, [String: Any]) {
            try await self.call(method, url: url, body: body, token: token)
        }
        var body: [String: CanonicalJSON] = ["statement": .string(sql), "timeout": .int(Int(timeout))]
        for (name, value) in context where !value.isEmpty { body[name] = .string(value) }
        var (status, page) = try await call(
            "POST", url: endpoint.appendingPathComponent("api/v2/statements"),
            body: CanonicalJSON.object(body).text)
        let started = now()
        while status == 202 {
            guard let location = page["statementStatusUrl"] as? String, let url = URL(string: location, relativeTo: endpoint) else {
                throw JobError("Snowflake's 202 answer has no statementStatusUrl: \(JSONExcerpt.of(page))")
            }
            guard now().timeIntervalSince(started) < timeout else {
                throw JobError("Snowflake statement \(page["statementHandle"] as? String ?? "?") was still running after \(Int(timeout)) s")
            }
            try await Task.sleep(for: pollInterval)
            (status, page) = try await call("GET", url: url.absoluteURL, body: nil)
        }
        guard let meta = page["resultSetMetaData"] as? [String: Any], let types = meta["rowType"] as? [[String: Any]],
            let handle = page["statementHandle"] as? String
        else {
            throw JobError("Snowflake's answer has no result set: \(JSONExcerpt.of(page))")
        }
        var data = page["data"] as? [[Any]] ?? []
        let partitions = (meta["partitionInfo"] as? [[String: Any]])?.count ?? 1
        for partition in stride(from: 1, to: partitions, by: 1) {
            var components = URLComponents(url: endpoint.appendingPathComponent("api/v2/statements/\(handle)"), resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "partition", value: String(partition))]
            let (_, next) = try await call("GET", url: components.url!, body: nil)
            data += next["data"] as? [[Any]] ?? []
        }
        if let expected = (meta["numRows"] as? NSNumber)?.intValue, expected != data.count {
            throw JobError("Snowflake reported \(expected) rows but \(data.count) arrived; nothing was ingested")
        }
        return try Self.rows(data, rowType: types)
    }

    /// Rows of cells as Snowflake sends them (text or null), typed by the result's row type
    /// (`name`, `type`, `scale` of each column; names lower-cased), as both of its APIs give them.
    static func rows(_ cells: [[Any]], rowType types: [[String: Any]]) throws -> [SourceRow] {
        let columns = types.map {
            (
                name: ($0["name"] as? String ?? "").lowercased(), type: ($0["type"] as? String ?? "text").lowercased(),
                scale: ($0["scale"] as? NSNumber)?.intValue ?? 0
            )
        }
        return try cells.enumerated().map { number, values in
            guard values.count == columns.count else {
                throw JobError("Snowflake row \(number + 1) has \(values.count) values for \(columns.count) columns")
            }
            var row: SourceRow = [:]
            for (column, value) in zip(columns, values) {
                row[column.name] = try Self.value(
                    value as? String, type: column.type, scale: column.scale, at: "row \(number + 1), column '\(column.name)'")
            }
            return row
        }
    }

    /// One cell as the API sends it (text or null), typed from its column's `type` and `scale`.
    public static func value(_ text: String?, type: String, scale: Int, at place: String) throws -> SourceValue {
        guard let text else { return .null }
        func bad(_ what: String) -> JobError { JobError("Snowflake \(place): '\(text)' is not \(what)") }
        switch type {
        case "fixed" where scale == 0:
            guard let value = Int64(text) else { throw bad("an integer") }
            return .integer(value)
        case "fixed", "real", "float", "double", "number", "decimal":
            guard let value = Double(text) else { throw bad("a number") }
            return .real(value)
        case "timestamp_ntz", "timestamp_ltz", "timestamp_tz":
            // `seconds.fraction`, followed for timestamp_tz by the zone as minutes + 1440.
            guard let seconds = text.split(separator: " ").first.flatMap({ Double($0) }) else { throw bad("a timestamp") }
            return .text(MetricTimestamp.format(Date(timeIntervalSince1970: seconds)))
        case "date":
            guard let days = Double(text) else { throw bad("a date") }
            return .text(String(MetricTimestamp.format(Date(timeIntervalSince1970: days * 86_400)).prefix(10)))
        case "boolean":
            return .integer(text == "true" ? 1 : 0)
        default:
            return .text(text)
        }
    }

    private func call(_ method: String, url: URL, body: String?, token: String) async throws -> (Int, [String: Any]) {
        var headers = [
            "Authorization": "Bearer \(token)", "X-Snowflake-Authorization-Token-Type": "KEYPAIR_JWT",
            "Accept": "application/json", "User-Agent": "anomaly-engine/\(EngineVersion.current)",
        ]
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body.map { Data($0.utf8) }))
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.status == 200 || response.status == 202, let object else {
            if let message = object?["message"] as? String {
                let code = object?["code"] as? String
                throw JobError("Snowflake answered \(response.status)\(code.map { " (\($0))" } ?? ""): \(message)")
            }
            throw JobError("Snowflake answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return (response.status, object)
    }
}
