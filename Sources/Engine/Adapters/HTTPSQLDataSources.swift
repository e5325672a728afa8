import Foundation

/// Runs `ingest_sql` on Turso / libSQL (`db: turso`) over its HTTP protocol: one `execute` and a
/// `close` in a `/v2/pipeline` request, the auth token as a bearer header. Values come typed
/// (`integer` as text, `float` as a number, `text`, `null`, `blob`), as the protocol documents.
public struct TursoDataSource: DataSource {
    public let url: URL
    public let token: String?
    public let transport: any HTTPTransport

    public init(url: URL, token: String?, transport: any HTTPTransport) {
        self.url = url
        self.token = token
        self.transport = transport
    }

    /// `libsql://host` (Turso's form) becomes `https://host`.
    public static func endpoint(_ text: String) -> URL? {
        URL(string: text.hasPrefix("libsql://") ? "https://" + text.dropFirst("libsql://".count) : text)
    }

    public func query(_ sql: String) async throws -> [SourceRow] {
        let body = CanonicalJSON.object([
            "requests": .array([
                .object(["type": .string("execute"), "stmt": .object(["sql": .string(sql)])]),
                .object(["type": .string("close")]),
            ])
        ]).text
        var headers = ["Content-Type": "application/json"]
        if let token, !token.isEmpty { headers["Authorization"] = "Bearer \(token)" }
        let response = try await transport.send(
            HTTPRequest(
                method: "POST", url: url.appendingPathComponent("v2/pipeline"),
                headers: headers, body: Data(body.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else { throw JobError("Turso answered \(response.status): \(text.prefix(300))") }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
            let first = (object["results"] as? [[String: Any]])?.first
        else {
            throw JobError("Turso's answer has no results: \(text.prefix(300))")
        }
        if first["type"] as? String == "error" {
            let message = (first["error"] as? [String: Any])?["message"] as? String ?? "unknown error"
            throw JobError("Turso: \(message)")
        }
        guard let result = ((first["response"] as? [String: Any])?["result"]) as? [String: Any],
            let columns = result["cols"] as? [[String: Any]], let rows = result["rows"] as? [[[String: Any]]]
        else {
            throw JobError("Turso's answer is not an execute result: \(text.prefix(300))")
        }
        let names = columns.map { (($0["name"] as? String) ?? "").lowercased() }
        return rows.map { row in
            var out: SourceRow = [:]
            for (index, cell) in row.enumerated() where index < names.count {
                switch cell["type"] as? String {
                case "integer": out[names[index]] = ((cell["value"] as? String).flatMap { Int64($0) }).map(SourceValue.integer) ?? .null
                case "float": out[names[index]] = ((cell["value"] as? NSNumber)?.doubleValue).map(SourceValue.real) ?? .null
                case "text": out[names[index]] = ((cell["value"] as? String)).map(SourceValue.text) ?? .null
                default: out[names[index]] = .null
                }
            }
            return out
        }
    }
}

/// Runs `ingest_sql` on ClickHouse over its HTTP interface: the query in the body with
/// `FORMAT JSONEachRow`, 64-bit integers unquoted, the user and password in ClickHouse's headers.
/// Errors come back as ClickHouse's `Code: N. DB::Exception: …` text.
public struct ClickHouseDataSource: DataSource {
    public let url: URL
    public let user: String?
    public let password: String?
    public let database: String?
    public let transport: any HTTPTransport

    public init(url: URL, user: String?, password: String?, database: String?, transport: any HTTPTransport) {
        self.url = url
        self.user = user
        self.password = password
        self.database = database
        self.transport = transport
    }

    public func query(_ sql: String) async throws -> [SourceRow] {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        var items = [URLQueryItem(name: "output_format_json_quote_64bit_integers", value: "0"), URLQueryItem(name: "readonly", value: "1")]
        if let database, !database.isEmpty { items.append(URLQueryItem(name: "database", value: database)) }
        components.queryItems = items
        var headers = ["Content-Type": "text/plain; charset=utf-8"]
        if let user, !user.isEmpty { headers["X-ClickHouse-User"] = user }
        if let password, !password.isEmpty { headers["X-ClickHouse-Key"] = password }
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
        let response = try await transport.send(
            HTTPRequest(
                method: "POST", url: components.url!, headers: headers,
                body: Data((trimmed + "\nFORMAT JSONEachRow").utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw JobError("ClickHouse answered \(response.status): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))")
        }
        var rows: [SourceRow] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw JobError("ClickHouse row \(number + 1) is not a JSON object: \(line.prefix(200))")
            }
            var out: SourceRow = [:]
            for (column, value) in object { out[column.lowercased()] = SourceValue(json: value) }
            rows.append(out)
        }
        return rows
    }
}
