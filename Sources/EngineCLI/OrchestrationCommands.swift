import ArgumentParser
import Engine
import Foundation

/// Loads the valid batches of the metrics folder for a generator; any invalid batch stops it,
/// because a manifest that silently leaves a batch out would never run it.
private func plan(_ folder: FolderOptions) throws -> OrchestrationPlan {
    let loaded = folder.installation().loadBatches()
    for error in loaded.errors { printError("error: \(error)") }
    guard loaded.errors.isEmpty else { throw ExitCode(2) }
    return OrchestrationPlan(batches: loaded.batches)
}

/// Writes `text` to `path`, or standard output when there is none.
private func emit(_ text: String, to path: String?) throws {
    guard let path else { return print(text, terminator: "") }
    try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
    printError("wrote \(path)")
}

struct KubernetesManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s-manifests",
        abstract: "Write Kubernetes manifests that run every batch's jobs as CronJobs, and the dashboard as a Deployment.",
        discussion: """
            One CronJob per batch and scheduled job (followers such as tholdalert and <job>_after run in the same \
            invocation), suspended unless the job's default schedule status is RUNNING, concurrencyPolicy Forbid. \
            Each runs `engine run … --as-of $(ENGINE_SCHEDULED_TIME)`, the time taken from the CronJob controller's \
            batch.kubernetes.io/cronjob-scheduled-timestamp annotation through the downward API (the latest cron tick \
            when the pod lacks it). The containers read ENGINE_DB and the ANOMSTACK_* settings from the Secret \
            --secret; use PostgreSQL for the store and s3://, gs:// or az:// model paths, as pods share no disk.
            """
    )

    @OptionGroup var folder: FolderOptions

    @Option(name: .long, help: "The container image (see the Dockerfile).")
    var image = "anomaly-engine:latest"

    @Option(name: .long, help: "The namespace of every object.")
    var namespace = "anomaly-engine"

    @Option(name: .long, help: "The metrics folder's path inside the image.")
    var metricsPath = "/app/metrics"

    @Option(name: .long, help: "The Secret holding ENGINE_DB and the ANOMSTACK_* settings.")
    var secret = "anomaly-engine"

    @Option(name: .long, help: "Seconds before Kubernetes stops a run (activeDeadlineSeconds).")
    var runTimeout = 900

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var out: String?

    func run() throws {
        let settings = KubernetesManifests.Settings(
            image: image, namespace: namespace, metricsPath: metricsPath, secret: secret,
            runTimeout: runTimeout)
        try emit(try KubernetesManifests(plan: try plan(folder), settings: settings).yaml(), to: out)
    }
}

struct DagsterDefinitionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dagster-definitions",
        abstract: "Write a Dagster code location (Python) that runs every batch's jobs through Dagster Pipes.",
        discussion: """
            One asset per batch and scheduled job, with a runs_succeeded check, an asset job and a schedule with \
            the batch's cron and default status. Each asset launches `engine run` with PipesSubprocessClient and \
            the schedule's tick as --as-of; rows written and alerts raised come back as metadata. Load it with \
            `dagster dev -f FILE` (ANOMALY_ENGINE and ANOMALY_ENGINE_METRICS override the paths written in it).
            """
    )

    @OptionGroup var folder: FolderOptions

    @Option(name: .long, help: "The engine binary the definitions launch (default: this one).")
    var engine: String?

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var out: String?

    func run() throws {
        let binary = engine ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let metrics = URL(fileURLWithPath: folder.metrics).standardizedFileURL.path
        try emit(DagsterDefinitions(plan: try plan(folder), engine: binary, metrics: metrics).python(), to: out)
    }
}
