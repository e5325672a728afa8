import ArgumentParser
import Engine
import Foundation
import Logging
import Replay

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay scenarios through the engine on a simulated clock and compare the outputs with goldens.",
        discussion: """
            With no PATH, every folder under scenarios/. Exit 0 when all pass, 1 on a golden mismatch or a failed \
            expectation, 2 on a broken scenario (the file and key are named).
            """
    )

    @Argument(help: "Scenario folders (or their scenario.yaml).")
    var paths: [String] = []

    @Option(name: .long, help: "Only scenarios whose name matches this regular expression.")
    var filter: String?

    @Option(name: .long, help: "When to write goldens: never, missing, failed or all (default: never when CI is set, else missing).")
    var record: String?

    @Flag(
        name: .long,
        help:
            "Run each scenario twice more (once in another process, with another hash seed and another number of fits at a time; once with same-time arrivals shuffled) and fail unless every output is identical."
    )
    var checkDeterminism = false

    @Option(name: .long, help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(name: .long, help: "Write each scenario's outputs under this folder.")
    var out: String?

    @Option(name: .long, help: "Override every scenario's seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Stop each replay at this time (ISO 8601).")
    var until: String?

    @Option(
        name: .long,
        help:
            "Where goldens live (<dir>/<scenario>/). Default: golden/ beside the scenarios/ folder that holds each scenario, wherever the command runs."
    )
    var goldenRoot: String?

    @Flag(name: .long, help: "Print a unified diff of each golden that differs and the replay's output.")
    var diff = false

    @Flag(
        name: .long,
        help: "Replay nothing: make every <golden>.received (written beside a golden that differed) the golden, after you reviewed the diff.")
    var approve = false

    @Flag(name: .long, help: "Show the engine's log while replaying.")
    var verbose = false

    @Option(name: .long, help: "How many models the train job fits at once (default: as many as the runtime runs side by side). Outputs never depend on it.")
    var jobs: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let mode: RecordMode
        if let record {
            guard let m = RecordMode(rawValue: record) else {
                throw ValidationError("--record must be one of never, missing, failed, all")
            }
            mode = m
        } else {
            mode = environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } == true ? .never : .missing
        }
        var logger = Logger(label: "replay")
        logger.logLevel = verbose ? .info : .critical
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = ReplaySuite.Options(
            record: mode, checkDeterminism: checkDeterminism, outDirectory: out.map { URL(fileURLWithPath: $0) },
            seed: seed, until: try parseTime(until), filter: filter, logger: logger)
        options.goldenRoot = goldenRoot.map { URL(fileURLWithPath: $0).standardizedFileURL }
        options.executable = CommandLine.arguments.first ?? "engine"
        options.childExecutable = Bundle.main.executablePath
        options.diff = diff
        if let jobs {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            options.parallelism = jobs
        }
        // Missing LLM answers are recorded from the endpoint the environment names, if any.
        options.liveModel = LocalInstallation.languageModel(environment: environment, logger: logger)
        let suite = ReplaySuite(root: root, options: options)
        let folders: [URL]
        do {
            folders = try suite.scenarioFolders(paths)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if folders.isEmpty {
            printError("no scenarios found")
            throw ExitCode(2)
        }
        if approve {
            for folder in folders {
                for golden in try suite.approve(folder) { printLine("approved \(golden)") }
            }
            return
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        var reports: [ScenarioReport] = []
        for (index, folder) in folders.enumerated() {
            if terminal { FileHandle.standardOutput.write(Data("[\(index + 1)/\(folders.count)] \(folder.lastPathComponent) …\r".utf8)) }
            let report = await suite.run(folder)
            reports.append(report)
            printLine("\(report.status.rawValue) \(report.name) (\(Fixed.format(report.seconds, 2)) s)" + (terminal ? "        " : ""))
            for message in report.messages { printLine("    \(message)") }
            for file in report.recorded { printLine("    recorded \(file)") }
            for file in report.received { printLine("    received \(file) (diff it with its golden; accept with --approve)") }
            if report.status != .pass { printLine("    reproduce: \(report.reproduce)") }
        }
        let counts = Dictionary(grouping: reports, by: \.status).mapValues(\.count)
        printLine("replay: \(counts[.pass] ?? 0) passed, \(counts[.fail] ?? 0) failed, \(counts[.broken] ?? 0) broken")
        if let junit { try Data(JUnitReport.xml(reports).utf8).write(to: URL(fileURLWithPath: junit)) }
        if counts[.broken, default: 0] > 0 { throw ExitCode(2) }
        if counts[.fail, default: 0] > 0 { throw ExitCode(1) }
    }
}
