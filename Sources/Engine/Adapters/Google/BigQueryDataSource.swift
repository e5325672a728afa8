import Foundation

/// Runs `ingest_sql` on BigQuery (`db: bigquery`) through its REST API: `jobs.query` with standard
/// SQL, then `jobs.getQueryResults` while the job is still running and for every further page.
/// Cells are typed from the result schema: INTEGER as an integer, FLOAT and NUMERIC as numbers,
/// TIMESTAMP (which BigQuery sends as epoch seconds) as the engine's timestamp text. The row count
/// is checked against `totalRows`, so a page lost on the way is an error, never a short ingest.
public struct BigQueryDataSource: DataSource {
    public let project: String
    public let location: String?
    /// `https://bigquery.googleapis.com/bigquery/v2`, or a stand-in's URL.
    public let endpoint: URL
    public let tokens: GoogleAccessTokens
    public let transport: any HTTPTransport
    /// Rows per page (`maxResults`); nil lets BigQuery choose.
    public let pageSize: Int?
    /// How long to wait for a running job, in seconds.
    public let timeout: Double

    public static let defaultEndpoint = URL(string: "https://bigquery.googleapis.com/bigquery/v2")!
    public static let scope = "https://www.googleapis.com/auth/bigquery.readonly"

    public init(
        project: String, location: String?, endpoint: URL = Self.defaultEndpoint, tokens: GoogleAccessTokens,
        transport: any HTTPTransport, pageSize: Int? = nil, timeout: Double = 300
    ) {
        self.project = project
        self.location = location
        self.endpoint = endpoint
        self.tokens = tokens
        self.transport = transport
        self.pageSize = pageSize
        self.timeout = timeout
    }

    public func query(_ sql: String) async throws -> [SourceRow] {
        var body: [String: CanonicalJSON] = ["query": .string(sql), "useLegacySql": .bool(false), "timeoutMs": .int(10_000)]
        if let pageSize { body["maxResults"] = .int(pageSize) }
        if let location { body["location"] = .string(location) }
        var page = try await call(
            "POST", path: "projects/\(PercentEncoding.unreserved(project))/queries", query: [],
            body: CanonicalJSON.object(body).text)
        let started = Date()
        var schema: [(name: String, type: String)] = []
        var rows: [SourceRow] = []
        var expected: Int?
        while true {
            let complete = page["jobComplete"] as? Bool ?? false
            guard let job = page["jobReference"] as? [String: Any], let jobID = job["jobId"] as? String else {
                throw JobError("BigQuery's answer has no jobReference: \(JSONExcerpt.of(page))")
            }
            var next: [URLQueryItem] = [URLQueryItem(name: "timeoutMs", value: "10000")]
            if let jobLocation = job["location"] as? String ?? location { next.append(URLQueryItem(name: "location", value: jobLocation)) }
            if let pageSize { next.append(URLQueryItem(name: "maxResults", value: String(pageSize))) }
            if !complete {
                guard Date().timeIntervalSince(started) < timeout else {
                    throw JobError("BigQuery job \(jobID) was still running after \(Int(timeout)) s")
                }
            } else {
                if schema.isEmpty { schema = try Self.schema(page) }
                if expected == nil { expected = (page["totalRows"] as? String).flatMap { Int($0) } }
                for (index, row) in (page["rows"] as? [[String: Any]] ?? []).enumerated() {
                    rows.append(try Self.row(row, schema: schema, number: rows.count + index + 1))
                }
                guard let token = page["pageToken"] as? String, !token.isEmpty else { break }
                next.append(URLQueryItem(name: "pageToken", value: token))
            }
            page = try await call(
                "GET", path: "projects/\(PercentEncoding.unreserved(project))/queries/\(PercentEncoding.unreserved(jobID))",
                query: next, body: nil)
        }
        if let expected, expected != rows.count {
            throw JobError("BigQuery reported \(expected) rows but \(rows.count) arrived; nothing was ingested")
        }
        return rows
    }

    private func call(_ method: String, path: String, query: [URLQueryItem], body: String?) async throws -> [String: Any] {
        var components = URLComponents(url: endpoint.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var headers = ["Authorization": "Bearer \(try await tokens.token())", "Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try await transport.send(
            HTTPRequest(
                method: method, url: components.url!, headers: headers,
                body: body.map { Data($0.utf8) }))
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.status == 200, let object else {
            if let error = object?["error"] as? [String: Any] {
                let status = error["status"] as? String ?? ""
                throw JobError(
                    "BigQuery answered \(response.status)\(status.isEmpty ? "" : " \(status)"): \(error["message"] as? String ?? "no message")")
            }
            throw JobError("BigQuery answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return object
    }

    static func schema(_ page: [String: Any]) throws -> [(name: String, type: String)] {
        guard let fields = (page["schema"] as? [String: Any])?["fields"] as? [[String: Any]] else {
            throw JobError("BigQuery's answer has no schema: \(JSONExcerpt.of(page))")
        }
        return try fields.map { field in
            let name = (field["name"] as? String ?? "").lowercased()
            let type = (field["type"] as? String ?? "STRING").uppercased()
            if type == "RECORD" || type == "STRUCT" || field["mode"] as? String == "REPEATED" {
                throw JobError(
                    "BigQuery column '\(name)' is a \(field["mode"] as? String == "REPEATED" ? "REPEATED" : type) field; select scalar columns")
            }
            return (name, type)
        }
    }

    static func row(_ row: [String: Any], schema: [(name: String, type: String)], number: Int) throws -> SourceRow {
        guard let cells = row["f"] as? [[String: Any]], cells.count == schema.count else {
            throw JobError("BigQuery row \(number) does not match the schema's \(schema.count) columns")
        }
        var out: SourceRow = [:]
        for (field, cell) in zip(schema, cells) {
            guard let text = cell["v"] as? String else {
                out[field.name] = .null
                continue
            }
            switch field.type {
            case "INTEGER", "INT64":
                guard let value = Int64(text) else { throw JobError("BigQuery row \(number), column '\(field.name)': '\(text)' is not an integer") }
                out[field.name] = .integer(value)
            case "FLOAT", "FLOAT64", "NUMERIC", "BIGNUMERIC":
                guard let value = Double(text) else { throw JobError("BigQuery row \(number), column '\(field.name)': '\(text)' is not a number") }
                out[field.name] = .real(value)
            case "TIMESTAMP":
                guard let seconds = Double(text) else {
                    throw JobError("BigQuery row \(number), column '\(field.name)': '\(text)' is not a timestamp")
                }
                out[field.name] = .text(MetricTimestamp.format(Date(timeIntervalSince1970: seconds)))
            case "BOOLEAN", "BOOL":
                out[field.name] = .integer(text == "true" ? 1 : 0)
            default:
                out[field.name] = .text(text)
            }
        }
        return out
    }
}
