import ArgumentParser
import Engine
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List batches, their metric counts and the last run of each job."
    )

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        for error in loaded.errors { printError("error: \(error)") }
        let db = try installation.openDatabase()
        let listing = try BatchListing(database: db).describe(loaded.batches)
        print(listing)
    }
}
