import ArgumentParser
import Engine
import Foundation
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the engine live: every batch's jobs on their cron schedules, the dashboard, the JSON API and /metrics.",
        discussion: """
            Jobs whose <job>_default_schedule_status is RUNNING are scheduled (all of them with --start-all); schedules \
            can be started and stopped from the dashboard or the API, and that is kept in the database. Batches run side \
            by side up to --max-concurrent-runs; one job of one batch never runs twice at once; a run past --run-timeout \
            is cancelled and recorded as failed. Ticks missed while the process was down are not replayed. Changes under \
            the metrics folder are picked up within --reload-interval seconds (invalid ones are logged and ignored). \
            Writes (feedback, settings, run now, mutes) need the token in $ENGINE_API_TOKEN (a bearer header, or the \
            login form's cookie); without one a token is made up and printed. SIGTERM or SIGINT stops scheduling and \
            lets running jobs finish for up to --shutdown-grace seconds. With --no-schedule this process runs no \
            schedule and only serves the dashboard and API, for when Kubernetes CronJobs or Dagster run the jobs \
            (see `engine k8s-manifests` and `engine dagster-definitions`).
            """
    )

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port; default ANOMSTACK_DASHBOARD_PORT, else 8080).")
    var port: Int?

    @Option(name: .long, help: "The run seed for every random draw.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Schedule every enabled job, whatever its default schedule status.")
    var startAll = false

    @Option(name: .long, help: "Job runs allowed at once, across batches.")
    var maxConcurrentRuns = 4

    @Option(
        name: .long,
        help: "Seconds after which a run is cancelled and recorded as failed (default ANOMSTACK_KILL_RUN_AFTER_MINUTES, else Anomstack's 15 minutes).")
    var runTimeout: Double?

    @Option(name: .long, help: "Seconds between checks of the metrics folder for changes (default ANOMSTACK_CONFIG_WATCHER_INTERVAL, else 10).")
    var reloadInterval: Double?

    @Option(name: .long, help: "Seconds running jobs get to finish on shutdown before they are cancelled.")
    var shutdownGrace = 60

    @Flag(name: .long, help: "Require the token for pages and read-only API calls too (also ENGINE_PROTECT_READS=true).")
    var protectReads = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Run the schedules (--no-schedule: an orchestrator runs the jobs; serve the dashboard and API only).")
    var schedule = true

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let environment = installation.environment
        let token: String
        if let configured = environment["ENGINE_API_TOKEN"], !configured.isEmpty {
            token = configured
        } else {
            var generator = SystemRandomNumberGenerator()
            token = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            printLine("ENGINE_API_TOKEN is not set: writes need this token for this run: \(token)")
        }
        let runTimeout = runTimeout ?? AnomstackEnvironment.runTimeout(environment) ?? 900
        let settings = ServeSettings(
            host: host, port: port ?? AnomstackEnvironment.dashboardPort(environment) ?? 8080, apiToken: token,
            protectReads: protectReads || environment["ENGINE_PROTECT_READS"] == "true", schedules: schedule)
        let deployment = LocalDeployment(
            installation: installation, database: try installation.openDatabase(), clock: SystemClock(),
            seed: seed, startAll: startAll,
            limits: .init(
                maxConcurrentRuns: maxConcurrentRuns, runTimeout: runTimeout > 0 ? runTimeout : nil,
                reloadInterval: reloadInterval ?? AnomstackEnvironment.reloadInterval(environment) ?? 10))
        let application = try await deployment.application(settings: settings)
        let snapshot = await application.engine.catalog.snapshot
        printLine("serving \(snapshot.batches.count) batches from \(folder.metrics), database \(installation.databaseDescription)")
        for error in snapshot.errors { printError("error: \(error)") }
        for line in installation.channelSummary { printLine("  notifications: \(line)") }
        printLine("  language model: \(installation.languageModelSummary)")
        for note in AnomstackEnvironment.notes(environment) { printLine("  note: \(note)") }
        if !schedule {
            printLine("  schedules: off (--no-schedule): jobs are left to the orchestrator")
        }
        for entry in snapshot.schedule.entries where schedule { printLine("  \(entry.batch) \(entry.job.rawValue): \(entry.cron)") }
        if snapshot.schedule.entries.isEmpty && schedule {
            printLine(
                "no job is scheduled yet: start one on a batch's settings page, set <job>_default_schedule_status: RUNNING, or pass --start-all")
        }
        try await application.run(shutdownGrace: .seconds(shutdownGrace)) { port in
            printLine("dashboard: http://\(host):\(port)/  (API under /api/v1, metrics at /metrics)")
        }
    }
}
