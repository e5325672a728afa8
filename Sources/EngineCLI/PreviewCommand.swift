import ArgumentParser
import Engine
import Foundation

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Run one batch's ingest and print the rows it would write, without writing them.",
        discussion: "Anomstack's `make run-example`: try a batch's query or Python function before scheduling it."
    )

    @Argument(help: "The batch.")
    var batch: String

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The time the ingest runs at (ISO 8601; default: now).")
    var asOf: String?

    @Option(name: .long, help: "The most rows printed.")
    var limit = 50

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        guard let config = loaded.batches.first(where: { $0.name == batch }) else {
            for error in loaded.errors { printError("error: \(error)") }
            let hint = NearestName.nearest(to: batch, among: loaded.batches.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
            throw ValidationError("no valid batch named '\(batch)'\(hint)")
        }
        let clock = FixedClock(try parseTime(asOf) ?? SystemClock().now)
        let context = try installation.context(clock: clock, seed: 0, batches: [config], database: try installation.openDatabase())
        print(try await IngestPreview.run(batch: config, context: context).table(limit: limit))
    }
}
