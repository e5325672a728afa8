import ArgumentParser
import Engine
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run jobs once, on a clock fixed at --as-of.",
        discussion: """
            `all` runs ingest, tholdalert, train, score, alert, change and plot in that order for each batch. \
            Notifications go to the channels the environment configures (see docs/notifications.md); charts go under \
            $ENGINE_PLOTS (default ./plots).

            This is the unit of work of an orchestrator (Kubernetes CronJobs, Dagster): it is idempotent, \
            several can run at once for different batches, and each run takes a lease on its job and batch \
            in the store, so two runs of the same job and batch never overlap, even on different machines \
            sharing a PostgreSQL store. A run whose lease another process holds is skipped after \
            --lease-wait seconds, and so are the jobs after it in this run for that batch; the lease of a \
            process that died is taken over at once when it ran on this host, and lapses --lease-ttl \
            seconds after its last renewal otherwise. Inside Dagster (DAGSTER_PIPES_CONTEXT set) progress \
            and results are reported through Dagster Pipes.

            Exits 1 if any job failed (or failed for some metrics), 2 on configuration errors, 75 \
            (EX_TEMPFAIL: retry later) if a job was skipped because another process held its lease.
            """
    )

    enum Job: String, ExpressibleByArgument, CaseIterable {
        case ingest, tholdalert, train, score, alert, llmalert, change, plot, delete, summary, all
    }

    @Argument(
        help: ArgumentHelp(
            "The job(s): ingest, tholdalert, train, score, alert, llmalert, change, plot, delete, summary, or all (ingest to plot, without llmalert).",
            discussion: "Several jobs run in the order given for each batch; a job whose predecessor failed is skipped."))
    var jobs: [Job]

    @Option(name: .long, help: "Only this batch (repeatable; default: every enabled batch).")
    var batch: [String] = []

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    @Option(
        name: .long,
        help:
            "The time the run happens at (ISO 8601; default: now). Empty, or an unexpanded $(VAR): the first job's latest cron tick at or before now."
    )
    var asOf: String?

    @Option(name: .long, help: "The run seed for every random draw.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Backfill: run again every --every until this time (ISO 8601), as the scheduler would have.")
    var until: String?

    @Option(name: .long, help: "The step of a backfill: 30m, 1h, 1d (default 5m).")
    var every = "5m"

    @Option(name: .long, help: "Seconds a run's lease lasts without renewal (renewed every third of it while the run goes on).")
    var leaseTTL: Double = 60

    @Option(name: .long, help: "Seconds to wait for a lease another process holds before skipping the run.")
    var leaseWait: Double = 0

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let loaded = installation.loadBatches()
        for error in loaded.errors { printError("error: \(error)") }
        var batches = loaded.batches
        if !batch.isEmpty {
            let known = Set(batches.map(\.name))
            for name in batch where !known.contains(name) {
                let hint = NearestName.nearest(to: name, among: Array(known)).map { " (did you mean '\($0)'?)" } ?? ""
                printError("error: no valid batch named '\(name)'\(hint)")
                throw ExitCode(2)
            }
            batches = batches.filter { batch.contains($0.name) }
        }
        if !loaded.errors.isEmpty && batch.isEmpty { throw ExitCode(2) }
        let start = try startTime(batches: batches)
        let end =
            try until.map { text -> Date in
                guard let date = try parseTime(text), date >= start else { throw ValidationError("--until must be a time at or after --as-of") }
                return date
            } ?? start
        guard case .span(let step)? = try? TimeWindow(parsing: every) else {
            throw ValidationError("--every must be a duration such as 5m, 1h or 1d, got '\(every)'")
        }
        let kinds = try kindsToRun()
        let wantsModel = kinds.contains(.llmalert) || batches.contains { $0.alertExplain || $0.summaryLLM }
        if wantsModel && installation.languageModel == nil {
            printError("note: language model \(installation.languageModelSummary): the LLM features are skipped")
        }
        let pipes = try DagsterPipesSession.open(environment: installation.environment)
        let db = try installation.openDatabase()
        let models = installation.modelStore(batches: batches)
        var failed = false
        var held = false
        var time = start
        var runs: [JobRun] = []
        while time <= end {
            let runner = JobRunner(
                context: try installation.context(clock: FixedClock(time), seed: seed, models: models, database: db),
                leases: installation.runLeases(database: db, clock: SystemClock(), ttl: leaseTTL, wait: leaseWait))
            for batch in batches.sorted(by: { $0.name < $1.name }) {
                for run in await runner.runSequence(kinds, batch: batch, stopAfterFailure: jobs != [.all]) {
                    print(describe(run))
                    failed = failed || run.status == .failed || run.status == .success && run.error != nil
                    held = held || run.heldBy != nil
                    runs.append(run)
                }
            }
            time = time.addingTimeInterval(step)
        }
        if let pipes {
            try PipesRunReport(runs: runs, asOf: start).send(to: pipes)
            try pipes.close(error: failed ? "a job failed: see the runs_succeeded check" : nil)
        }
        if failed { throw ExitCode(1) }
        if held { throw ExitCode(Self.heldExitCode) }
    }

    /// The exit status when a job was skipped because another process held its lease: EX_TEMPFAIL,
    /// so an orchestrator retries rather than taking the work as done.
    static let heldExitCode: Int32 = 75
}

extension RunCommand {
    /// The jobs to run, in order (`all` alone: the pipeline).
    func kindsToRun() throws -> [JobKind] {
        if jobs.contains(.all) {
            guard jobs == [.all] else { throw ValidationError("'all' cannot be combined with other jobs") }
            return JobKind.pipeline
        }
        return jobs.map { JobKind(rawValue: $0.rawValue)! }
    }

    /// `--as-of`, now when it is absent, or the first job's latest tick when it is empty or an
    /// unexpanded `$(VAR)` (an orchestrator that had no scheduled time to give).
    func startTime(batches: [BatchConfig]) throws -> Date {
        let now = SystemClock().now
        guard let asOf else { return now }
        let text = asOf.trimmingCharacters(in: .whitespaces)
        guard text.isEmpty || text.hasPrefix("$(") else {
            guard let date = try parseTime(text) else { throw ValidationError("--as-of '\(asOf)' is not a time") }
            return date
        }
        let job = try kindsToRun()[0]
        let ticks = batches.compactMap { batch in
            batch.cronSchedule((job.follows ?? job).rawValue).flatMap { try? CronExpression($0) }?.latest(atOrBefore: now)
        }
        guard let tick = ticks.max() else {
            throw ValidationError("--as-of is empty and \(job.rawValue) has no cron schedule to take the latest tick from")
        }
        printError("note: --as-of is '\(asOf)': using \(job.rawValue)'s latest scheduled tick, \(MetricTimestamp.formatISO(tick))")
        return tick
    }
}

/// One line per job run, for the terminal.
func describe(_ run: JobRun) -> String {
    "\(MetricTimestamp.format(run.asOf)) \(run.batch) \(run.job.rawValue): \(run.status.rawValue), \(run.rowsWritten) written"
        + (run.error.map { " — \($0)" } ?? "")
}
