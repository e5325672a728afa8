import Foundation

/// Runs `ingest_sql` with the DuckDB command-line tool (`db: duckdb`, and `db: motherduck` with an
/// `md:` path): `duckdb -json`, a local file opened read-only, the JSON rows parsed by the engine.
/// A failing query, a missing file or a tool that is not installed is an error that says which.
public struct DuckDBDataSource: DataSource {
    public let cli: String
    public let path: String
    /// `motherduck_token` for `md:` paths.
    public let token: String?
    public let timeout: TimeInterval

    public init(cli: String = "duckdb", path: String, token: String? = nil, timeout: TimeInterval = 600) {
        self.cli = cli
        self.path = path
        self.token = token
        self.timeout = timeout
    }

    public func query(_ sql: String) throws -> [SourceRow] {
        var environment = ProcessInfo.processInfo.environment
        if let token { environment["motherduck_token"] = token }
        let remote = path.hasPrefix("md:")
        var readOnly = !remote && path != ":memory:"
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            // Anomstack's duckdb.connect() makes the file on first use; so does this first query.
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw JobError("the DuckDB file '\(path)' does not exist and its folder cannot be made: \(error.localizedDescription)")
            }
            readOnly = false
        }
        let output: Subprocess.Output
        do {
            output = try Subprocess.run(
                cli, (readOnly ? ["-readonly"] : []) + ["-json", path, "-c", sql],
                environment: environment, timeout: timeout)
        } catch {
            throw JobError("cannot start the DuckDB CLI '\(cli)' (pip install duckdb-cli, or set ANOMSTACK_DUCKDB_CLI): \(error)")
        }
        if output.timedOut { throw JobError("the DuckDB query ran past \(Fixed.format(timeout, 0)) s and was stopped") }
        guard output.status == 0 else {
            let message = output.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
            if output.status == 127 || message.contains("No such file or directory") && message.contains(cli) {
                throw JobError("the DuckDB CLI '\(cli)' is not installed (pip install duckdb-cli, or set ANOMSTACK_DUCKDB_CLI)")
            }
            throw JobError("DuckDB: \(message.split(separator: "\n").first.map(String.init) ?? "exit \(output.status)")")
        }
        let text = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        guard let rows = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else {
            throw JobError("DuckDB answered something that is not a JSON list of rows: \(text.prefix(200))")
        }
        return rows.map { row in
            var out: SourceRow = [:]
            for (column, value) in row { out[column.lowercased()] = SourceValue(json: value) }
            return out
        }
    }
}
