import ArgumentParser
import Engine
import Foundation
import Logging

/// Options every command that reads the metrics folder shares.
struct FolderOptions: ParsableArguments {
    @Option(name: .long, help: "The metrics folder (batches and defaults/defaults.yaml).")
    var metrics: String = "./metrics"

    @Option(name: .long, help: "Override a configuration key for every batch: key=value (a dotted key sets a nested value). Repeatable.")
    var set: [String] = []

    @Flag(name: .long, help: "Log debug detail.")
    var verbose = false

    func installation(database: String? = nil) -> LocalInstallation {
        var logger = Logger(label: "engine")
        logger.logLevel = verbose ? .debug : .info
        return LocalInstallation(
            metricsDirectory: URL(fileURLWithPath: metrics), databasePath: database,
            environment: ProcessInfo.processInfo.environment, overrides: set, logger: logger)
    }
}

/// Options of commands that open the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The store: an SQLite file, or a postgresql://user:password@host:port/db URL (default: $ENGINE_DB, else ./engine.db).")
    var db: String?
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes one line to standard output at once, unbuffered, for long-running commands.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
