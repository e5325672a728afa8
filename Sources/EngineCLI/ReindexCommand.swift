import ArgumentParser
import Engine
import Foundation

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Recreate the dashboard's read models from the stored rows.",
        discussion: """
            The store keeps hourly totals per batch and type, and a generation per batch, in the same
            transaction as every row written or deleted; the home page, the batch cards and the
            overview caches read them. Run this after restoring the rows from a backup or writing
            them with another tool, or after many deletes. Safe to rerun and to run while serving.
            """
    )

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        for error in loaded.errors { printError("error: \(error)") }
        for line in try ReadModelRebuild(stores: try installation.openDatabase()).run(loaded.batches) { print(line) }
    }
}
