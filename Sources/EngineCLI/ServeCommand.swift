import ArgumentParser
import Engine
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run every batch's jobs on their cron schedules, on the live clock, until stopped.",
        discussion: """
            Jobs whose <job>_default_schedule_status is RUNNING are scheduled (all of them with --start-all). \
            Jobs run one at a time; ticks missed while the process was down are not replayed. \
            Notification deliveries that failed are retried every minute, whatever the schedules.
            """
    )

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The run seed for every random draw.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Schedule every enabled job, whatever its default schedule status.")
    var startAll = false

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        for error in loaded.errors { printError("error: \(error)") }
        if !loaded.errors.isEmpty { throw ExitCode(2) }
        let clock = SystemClock()
        let db = try installation.openDatabase()
        let runner = JobRunner(context: try installation.context(clock: clock, seed: seed, batches: loaded.batches, database: db))
        let scheduler = Scheduler(batches: loaded.batches, runner: runner, startAll: startAll)
        printLine("serving \(loaded.batches.count) batches from \(folder.metrics), database \(installation.databasePath)")
        for line in installation.channelSummary { printLine("  notifications: \(line)") }
        for entry in scheduler.schedule.entries {
            printLine("  \(entry.batch) \(entry.job.rawValue): \(entry.cron)")
        }
        if scheduler.schedule.entries.isEmpty {
            printLine("no job is scheduled: set <job>_default_schedule_status: RUNNING in a batch, or pass --start-all")
            return
        }
        let retries = DeliveryRetryLoop(context: runner.context, batches: loaded.batches)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await scheduler.run { run in printLine(describe(run)) } }
            group.addTask { try await retries.run() }
            // Either ending (the scheduler has nothing left, or an error) ends the other.
            try await group.next()
            group.cancelAll()
        }
    }
}
