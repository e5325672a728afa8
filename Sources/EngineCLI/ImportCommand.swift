import ArgumentParser
import Engine
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy an Anomstack metrics table (values, scores, alerts, feedback) into the engine's store, then train on it.",
        discussion: """
            The source is an SQLite file (a path, or sqlite:PATH), duckdb:PATH, a postgresql:// URL, or a warehouse by \
            name (bigquery, snowflake, clickhouse, turso, motherduck: connected through the same ANOMSTACK_* variables \
            as a batch with that db; --table is then its path, such as project.dataset.metrics). Rows are read in \
            pages in key order and the position is kept in the store after each page: an import that is stopped resumes \
            where it was, and a second import copies only rows added since (--restart reads from the start; rows the \
            store already has are left as they are). A table without Anomstack's columns is refused before anything is \
            written; rows the engine cannot hold are skipped, counted and the first named. Then each batch of the \
            metrics folder that received rows is trained (--no-train leaves that to the schedule).
            """
    )

    @Option(name: .long, help: "The source: an SQLite file, duckdb:PATH, a postgresql://user:password@host/db URL, or bigquery, snowflake, clickhouse, turso, motherduck.")
    var from: String

    @Option(name: .long, help: "The source table (Anomstack's table_key: table, schema.table or project.dataset.table).")
    var table = "metrics"

    @Flag(name: .long, help: "Read the source from the start instead of after the last import.")
    var restart = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Train the folder's batches that received rows, once imported.")
    var train = true

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        let tables = Dictionary(loaded.batches.map { ($0.name, $0.tableKey) }, uniquingKeysWith: { a, _ in a })
        let store = try installation.openDatabase()
        let source = try installation.importSource(from)
        let name = source.name
        let terminal = isatty(STDERR_FILENO) != 0
        var importer = HistoryImport(
            source: source.source, sourceName: name, table: table, store: store, storeTable: { tables[$0] ?? "metrics" })
        importer.dialect = source.dialect
        let summary = try await importer.run(restart: restart) { progress in
            let line = "imported \(progress.rowsRead) rows (\(progress.rowsWritten) new)"
            if terminal { FileHandle.standardError.write(Data(("\r" + line).utf8)) } else { printError(line) }
        }
        if terminal { printError("") }
        print(
            "\(name) \(table): \(summary.rowsRead) rows read, \(summary.rowsWritten) new, \(summary.skipped) skipped"
                + (summary.resumed ? " (after the last import)" : ""))
        if let problem = summary.firstProblem { printError("skipped rows: first \(problem)") }
        for (batch, rows) in summary.batches.sorted(by: { $0.key < $1.key }) {
            print("  \(batch): \(rows) rows\(tables[batch] == nil ? " (no such batch in \(folder.metrics); kept in table metrics)" : "")")
        }
        guard train else { return }
        let batches = loaded.batches.filter { summary.batches[$0.name] != nil }
        guard !batches.isEmpty else { return }
        let context = try installation.context(clock: SystemClock(), seed: 0, batches: batches, database: store)
        for run in await JobRunner(context: context).run([.train], batches: batches) {
            print("  \(run.batch) train: \(run.status.rawValue), \(run.rowsWritten) models\(run.error.map { " — \($0)" } ?? "")")
        }
    }
}
