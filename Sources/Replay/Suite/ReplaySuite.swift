import Engine
import Foundation
import Logging

/// When `engine replay` writes goldens.
public enum RecordMode: String, Sendable, CaseIterable {
    /// Compare only; a missing golden is a failure (the default under CI).
    case never
    /// Write goldens that do not exist yet; compare the rest (the default otherwise).
    case missing
    /// Compare, and overwrite the goldens that differ.
    case failed
    /// Overwrite every golden.
    case all
}

/// How one scenario ended.
public struct ScenarioReport: Sendable {
    public enum Status: String, Sendable {
        case pass = "PASS"
        case fail = "FAIL"
        case broken = "BROKEN"
    }
    public var name: String
    public var status: Status
    /// Failed expectations, golden differences, determinism mismatches, or why it is broken.
    public var messages: [String]
    public var seconds: Double
    /// A command line that reproduces exactly this run.
    public var reproduce: String
    /// Goldens written in this run.
    public var recorded: [String]
    /// `<golden>.received` files written for the goldens that differ, for review and `--approve`.
    public var received: [String] = []
}

/// `engine replay`: runs scenarios, checks their expectations, compares (or records) goldens,
/// optionally checks determinism, and reports per scenario.
public struct ReplaySuite: Sendable {
    public struct Options: Sendable {
        public var record: RecordMode
        public var checkDeterminism = false
        public var outDirectory: URL?
        public var seed: UInt64?
        public var until: Date?
        public var filter: String?
        public var logger: Logger
        /// A live language model to record missing LLM answers with (never used with `--record never`).
        public var liveModel: (any LanguageModel)?
        /// Where goldens live (`<root>/<scenario>/`); nil to find them from each scenario's location.
        public var goldenRoot: URL?
        /// How the engine was invoked, for repro lines that run as printed.
        public var executable = "engine"
        /// Print a unified diff of each golden that differs and the output (`--diff`).
        public var diff = false
        /// The engine binary `--check-determinism` replays each scenario again in (another process,
        /// so another hash seed, and another parallelism); nil to replay in this process.
        public var childExecutable: String?
        /// How many models train fits at once (`--jobs`); nil: as many as the runtime runs side by side.
        public var parallelism: Int?

        public init(
            record: RecordMode, checkDeterminism: Bool = false, outDirectory: URL? = nil, seed: UInt64? = nil,
            until: Date? = nil, filter: String? = nil, logger: Logger
        ) {
            self.record = record
            self.checkDeterminism = checkDeterminism
            self.outDirectory = outDirectory
            self.seed = seed
            self.until = until
            self.filter = filter
            self.logger = logger
        }
    }

    /// Where relative scenario paths start (the current directory for the command) and what
    /// messages and repro lines are relative to. Goldens and `shared/` are found from each
    /// scenario's own location, never from here.
    public let root: URL
    public let options: Options

    public init(root: URL, options: Options) {
        self.root = root
        self.options = options
    }

    /// The scenario folders to run: the given paths (folders or their scenario.yaml), or every
    /// folder under `scenarios/`, filtered by the regular expression, sorted by name.
    public func scenarioFolders(_ paths: [String]) throws -> [URL] {
        var folders: [URL] = []
        if paths.isEmpty {
            let base = root.appendingPathComponent("scenarios")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
            folders = names.sorted().map { base.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("scenario.yaml").path) }
        } else {
            for path in paths {
                var url = URL(fileURLWithPath: path, relativeTo: root).standardizedFileURL
                if url.lastPathComponent == "scenario.yaml" { url.deleteLastPathComponent() }
                guard FileManager.default.fileExists(atPath: url.appendingPathComponent("scenario.yaml").path) else {
                    throw ScenarioError(file: path, key: "(path)", "no scenario.yaml in this folder")
                }
                folders.append(url)
            }
        }
        if let filter = options.filter {
            let regex = try NSRegularExpression(pattern: filter)
            folders = folders.filter {
                let name = $0.lastPathComponent
                return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
            }
        }
        return folders
    }

    /// Loads a scenario folder.
    public func load(_ folder: URL) throws -> Scenario {
        let name = folder.lastPathComponent
        let file = relative(folder.appendingPathComponent("scenario.yaml"))
        let text: String
        do {
            text = try String(contentsOf: folder.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        } catch {
            throw ScenarioError(file: file, key: "(file)", "cannot read: \(error.localizedDescription)")
        }
        let shared = Self.repository(of: folder).deletingLastPathComponent().appendingPathComponent("shared")
        return try Scenario.parse(name: name, file: file, text: text, seedOverride: options.seed) { path in
            let url =
                path.hasPrefix("shared/")
                ? shared.appendingPathComponent(String(path.dropFirst("shared/".count)))
                : folder.appendingPathComponent(path)
            let standardized = url.standardizedFileURL.path
            guard standardized.hasPrefix(folder.standardizedFileURL.path + "/") || standardized.hasPrefix(shared.standardizedFileURL.path + "/")
            else {
                throw ScenarioError(file: file, key: path, "files must be under the scenario folder or shared/")
            }
            do {
                return (path, try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw ScenarioError(file: file, key: path, "cannot read \(url.path): \(error.localizedDescription)")
            }
        }
    }

    /// Runs one scenario folder end to end.
    public func run(_ folder: URL) async -> ScenarioReport {
        let started = ContinuousClock.now
        let name = folder.lastPathComponent
        var report = ScenarioReport(name: name, status: .pass, messages: [], seconds: 0, reproduce: reproduce(folder, seed: nil), recorded: [])
        do {
            let scenario = try load(folder)
            report.reproduce = reproduce(folder, seed: scenario.seed)
            // The replay in another process starts first and runs beside this one's, so the check
            // costs the machine's idle cores rather than a third sequential replay.
            async let child = options.checkDeterminism ? childReplay(scenario, folder: folder) : nil
            let llm = RecordedLanguageModel(
                folder: folder.appendingPathComponent("llm"),
                live: options.record == .never ? nil : options.liveModel)
            let driver = ReplayDriver(
                options: ReplayDriver.Options(until: options.until, logger: options.logger, llm: llm, parallelism: options.parallelism))
            let outputs = try await driver.run(scenario)
            report.recorded += llm.written.map { relative(folder.appendingPathComponent("llm/" + $0)) }
            if let out = options.outDirectory { try write(outputs.files, to: out.appendingPathComponent(name)) }
            let expectations = options.until.map { until in scenario.expectations.compactMap { $0.through(until) } } ?? scenario.expectations
            report.messages += ExpectationCheck.failures(expectations, outputs: outputs).map { "expectation failed: \($0)" }
            let (differences, recorded, received) = try goldens(outputs, scenario: scenario, folder: folder)
            report.messages += differences
            report.recorded += recorded
            report.received = received
            if options.checkDeterminism {
                if let child = try await child { report.messages += child.differences(from: outputs) }
                report.messages += try await determinism(scenario, folder: folder, first: outputs)
            }
            if !report.messages.isEmpty { report.status = .fail }
        } catch let error as ScenarioError {
            report.status = .broken
            report.messages = ["\(error)"]
        } catch {
            report.status = .broken
            report.messages = ["\(error)"]
        }
        let elapsed = ContinuousClock.now - started
        report.seconds = elapsed.seconds
        return report
    }

    /// The folder that holds a scenario folder's `scenarios/` (and so `golden/`): two levels up
    /// for `<repository>/scenarios/<name>`; the scenario folder itself otherwise.
    static func repository(of scenario: URL) -> URL {
        let parent = scenario.standardizedFileURL.deletingLastPathComponent()
        return parent.lastPathComponent == "scenarios" ? parent.deletingLastPathComponent() : scenario.standardizedFileURL
    }

    /// A scenario's golden folder: `--golden-root`/<name>, else `golden/<name>` beside the
    /// `scenarios/` folder that holds it, so a replay run from any directory compares with the
    /// same goldens.
    public func goldenFolder(of scenario: URL) -> URL {
        (options.goldenRoot ?? Self.repository(of: scenario).appendingPathComponent("golden")).appendingPathComponent(scenario.lastPathComponent)
    }

    private func goldens(_ outputs: ReplayOutputs, scenario: Scenario, folder scenarioFolder: URL) throws -> ([String], [String], [String]) {
        let folder = goldenFolder(of: scenarioFolder)
        var messages: [String] = []
        var recorded: [String] = []
        var toWrite: [String: String] = [:]
        var received: [String: String] = [:]
        let goldenPlots = ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("plots").path)) ?? [])
            .filter { $0.hasSuffix(".svg") || $0.hasSuffix(".json") }.map { "plots/" + $0 }
        // A run stopped early (--until) is compared with the golden's rows up to that time, and
        // never recorded: its outputs are a prefix of the scenario's, not the scenario's.
        let record = options.until == nil ? options.record : .never
        for file in Set(outputs.comparedFiles + goldenPlots).sorted() {
            let url = folder.appendingPathComponent(file)
            var got = outputs.files[file] ?? ""
            guard var expected = try? String(contentsOf: url, encoding: .utf8) else {
                if record == .never {
                    messages.append("golden \(relative(url)) is missing (record it with --record missing, then review the diff)")
                } else {
                    toWrite[file] = got
                }
                continue
            }
            if let until = options.until {
                // A chart is drawn from the whole run: it has no rows to cut, so it is not compared.
                guard let rows = GoldenComparison.rows(of: expected, file: file, through: until) else { continue }
                expected = rows
                got = GoldenComparison.rows(of: got, file: file, through: until) ?? got
            }
            if record == .all {
                toWrite[file] = got
                continue
            }
            let differences = GoldenComparison.compare(file: file, expected: expected, got: got, tolerance: scenario.tolerance, limit: .max)
            let receivedURL = folder.appendingPathComponent(file + Self.receivedSuffix)
            if differences.isEmpty {
                // A golden that matches again leaves no stale output to approve by mistake.
                if options.until == nil { try? FileManager.default.removeItem(at: receivedURL) }
                continue
            }
            if record == .failed {
                toWrite[file] = got
            } else {
                // The output as the golden would hold it, beside the golden: diff them, and accept
                // it with --approve once reviewed. A run cut short (--until) is only a prefix.
                if options.until == nil { received[file + Self.receivedSuffix] = got }
                messages += differences.prefix(Self.shownDifferences).map { "golden mismatch: \($0)" }
                if options.diff {
                    let lines = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
                    messages.append(
                        UnifiedDiff.text(old: lines(expected), new: lines(got), oldName: relative(url), newName: "\(file) (this replay)"))
                }
                if differences.count > Self.shownDifferences {
                    messages.append(
                        "golden mismatch: \(file): \(differences.count - Self.shownDifferences) more differences "
                            + "(\(differences.count) in all; --out DIR writes the whole output to compare with the golden)")
                }
            }
        }
        // run.json's output hashes are exact and the outputs are compared within the scenario's
        // tolerance, so only what no output shows is compared there: how many runs of each job
        // ended how (a job that starts failing can leave every output as it was), and which
        // scenario the golden was recorded from.
        if record != .all, options.until == nil, let got = outputs.files["run.json"] {
            let url = folder.appendingPathComponent("run.json")
            if let expected = try? String(contentsOf: url, encoding: .utf8) {
                let drift = Self.runSummaryDrift(expected: expected, got: got)
                if !drift.isEmpty {
                    if record == .failed { toWrite["run.json"] = got } else { messages += drift.map { "golden mismatch: run.json: \($0)" } }
                }
            } else if record == .never {
                messages.append("golden \(relative(url)) is missing (record it with --record missing, then review the diff)")
            } else {
                toWrite["run.json"] = got
            }
        }
        if !toWrite.isEmpty {
            toWrite["run.json"] = outputs.files["run.json"]
            try write(toWrite, to: folder)
            recorded = toWrite.keys.sorted().map { relative(folder.appendingPathComponent($0)) }
        }
        if !received.isEmpty { try write(received, to: folder) }
        return (messages, recorded, received.keys.sorted().map { relative(folder.appendingPathComponent($0)) })
    }

    /// Where two run.json summaries differ in their job runs or scenario hash, one line each.
    static func runSummaryDrift(expected: String, got: String) -> [String] {
        func fields(_ text: String) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        let (old, new) = (fields(expected), fields(got))
        var drift: [String] = []
        let oldRuns = old["job_runs"] as? [String: Int] ?? [:]
        let newRuns = new["job_runs"] as? [String: Int] ?? [:]
        for key in Set(oldRuns.keys).union(newRuns.keys).sorted() where oldRuns[key] != newRuns[key] {
            drift.append("job runs \(key): expected \(oldRuns[key] ?? 0), got \(newRuns[key] ?? 0)")
        }
        if let was = old["scenario_hash"] as? String, let now = new["scenario_hash"] as? String, was != now {
            drift.append("recorded from another version of the scenario (hash \(was), now \(now)): re-record it")
        }
        return drift
    }

    /// What a received output's name adds to its golden's.
    public static let receivedSuffix = ".received"

    /// `--approve`: every `<golden>.received` of the scenario becomes its golden (the approval
    /// testing habit, after reviewing the diff). Returns the goldens replaced.
    public func approve(_ scenario: URL) throws -> [String] {
        let folder = goldenFolder(of: scenario)
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL] else { return [] }
        var approved: [String] = []
        for url in files.sorted(by: { $0.path < $1.path }) where url.lastPathComponent.hasSuffix(Self.receivedSuffix) {
            let golden = URL(fileURLWithPath: String(url.path.dropLast(Self.receivedSuffix.count)))
            try AtomicFile.write(try Data(contentsOf: url), to: golden)
            try FileManager.default.removeItem(at: url)
            approved.append(relative(golden))
        }
        return approved
    }

    /// Two more replays that must give the same outputs: one in another process (`childReplay`)
    /// — Swift seeds its hashing per process, so an output that depends on the order of a set or
    /// dictionary shows there, and never in this one — and one here with the rows that arrive
    /// together shuffled. Without a child executable, the first runs here too.
    private func determinism(_ scenario: Scenario, folder: URL, first: ReplayOutputs) async throws -> [String] {
        var messages: [String] = []
        var runs = [("a run with same-time arrivals shuffled", true)]
        if options.childExecutable == nil { runs.insert(("a second run", false), at: 0) }
        for (label, shuffle) in runs {
            let llm = RecordedLanguageModel(folder: folder.appendingPathComponent("llm"), live: nil)
            let driver = ReplayDriver(
                options: ReplayDriver.Options(
                    until: options.until, shuffleArrivals: shuffle, logger: options.logger,
                    llm: llm, parallelism: options.parallelism))
            let again = try await driver.run(scenario)
            messages += Self.differences(first, again.files, in: label)
        }
        return messages
    }

    /// What the scenario replayed in another process gave: its output files, or why it did not run.
    struct ChildReplay {
        var files: [String: String]
        var failure: String?
        var label: String

        func differences(from first: ReplayOutputs) -> [String] {
            if let failure { return [failure] }
            return ReplaySuite.differences(first, files, in: label)
        }
    }

    /// The scenario replayed by the child executable, if there is one, on a thread of its own
    /// (the wait blocks, and the runtime's few threads are for this process's replay).
    private func childReplay(_ scenario: Scenario, folder: URL) async throws -> ChildReplay? {
        guard let executable = options.childExecutable else { return nil }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.runChild(scenario, folder: folder, executable: executable) })
            }
        }
    }

    private func runChild(_ scenario: Scenario, folder: URL, executable: String) throws -> ChildReplay {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "engine-determinism-\(ProcessInfo.processInfo.processIdentifier)-\(scenario.name)")
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Goldens from an empty folder: the child only writes its outputs (and no received files).
        var arguments = [
            "replay", folder.path, "--record", "never", "--seed", String(scenario.seed), "--out", scratch.path,
            "--golden-root", scratch.appendingPathComponent("no-goldens").path,
        ]
        if let until = options.until { arguments += ["--until", MetricTimestamp.formatISO(until)] }
        // Fits one at a time where this process runs them side by side (two where it runs one).
        let parallelism = options.parallelism ?? .max
        arguments += ["--jobs", parallelism > 1 ? "1" : "2"]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_DETERMINISTIC_HASHING"] = nil
        let label = "another process (another hash seed, fitting \(parallelism > 1 ? 1 : 2) at a time)"
        let output = try Subprocess.run(executable, arguments, environment: environment, timeout: 1800)
        guard output.status != 2, !output.timedOut else {
            let failure =
                "not deterministic: the replay in another process did not run (\(executable), exit \(output.status)): "
                + String(output.errorText.suffix(300))
            return ChildReplay(files: [:], failure: failure, label: label)
        }
        let written = scratch.appendingPathComponent(scenario.name)
        var files: [String: String] = [:]
        let prefix = written.standardizedFileURL.path + "/"
        let urls = FileManager.default.enumerator(at: written, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        for url in urls {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix), let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            files[String(path.dropFirst(prefix.count))] = text
        }
        return ChildReplay(files: files, failure: nil, label: label)
    }

    /// One message per compared file of `first` that `files` holds differently.
    static func differences(_ first: ReplayOutputs, _ files: [String: String], in label: String) -> [String] {
        first.comparedFiles.sorted().compactMap { file in
            guard files[file] != first.files[file] else { return nil }
            let difference = GoldenComparison.compare(
                file: file, expected: first.files[file] ?? "", got: files[file] ?? "", tolerance: Tolerance(), limit: 1
            ).first
            return "not deterministic: \(file) differs in \(label)" + (difference.map { ": \($0)" } ?? "")
        }
    }

    private func write(_ files: [String: String], to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(Data(text.utf8), to: url)
        }
    }

    /// Differences printed per file; the rest are counted.
    static let shownDifferences = 5

    /// The command that replays exactly this scenario again, as invoked, from the same directory.
    private func reproduce(_ folder: URL, seed: UInt64?) -> String {
        var command = "\(options.executable) replay \(relative(folder)) --record never"
        if let seed { command += " --seed \(seed)" }
        if let until = options.until { command += " --until \(MetricTimestamp.formatISO(until))" }
        if let goldenRoot = options.goldenRoot { command += " --golden-root \(relative(goldenRoot))" }
        if options.checkDeterminism { command += " --check-determinism" }
        return command
    }

    private func relative(_ url: URL) -> String {
        let base = root.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
