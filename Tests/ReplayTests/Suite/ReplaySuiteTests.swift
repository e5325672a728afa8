import Engine
import Foundation
import Logging
import Replay
import Testing

/// The harness against the repository's own scenarios and goldens.
@Suite struct ReplaySuiteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func quiet() -> Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// A copy of the repository's scenarios/spike and golden/spike in a scratch root.
    func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        for folder in ["scenarios/spike", "golden/spike"] {
            let target = root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent(folder), to: target)
        }
        return root
    }

    @Test func theSpikeScenarioMatchesItsGolden() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let suite = ReplaySuite(root: root, options: .init(record: .never, logger: quiet()))
        let report = await suite.run(root.appendingPathComponent("scenarios/spike"))
        #expect(report.status == .pass, "\(report.messages)")
    }

    @Test func changingOneGoldenValueIsReportedExactly() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let golden = root.appendingPathComponent("golden/spike/timeline.csv")
        var lines = try String(contentsOf: golden, encoding: .utf8).components(separatedBy: "\n")
        let index = lines.firstIndex { $0.hasPrefix("2026-01-12 16:00:00,cpu,") }!
        var fields = lines[index].components(separatedBy: ",")
        let original = fields[2]
        fields[2] = "12.3456"
        lines[index] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: golden, atomically: true, encoding: .utf8)

        let suite = ReplaySuite(root: root, options: .init(record: .never, logger: quiet()))
        let report = await suite.run(root.appendingPathComponent("scenarios/spike"))
        #expect(report.status == .fail)
        #expect(report.messages.count == 1)
        #expect(
            report.messages.first?.hasPrefix(
                "golden mismatch: timeline.csv line \(index + 1) (2026-01-12 16:00:00, cpu): value: expected 12.3456, got \(original)") == true,
            "\(report.messages)")
        #expect(report.reproduce == "engine replay scenarios/spike --record never --seed 1")

        let recording = ReplaySuite(root: root, options: .init(record: .failed, logger: quiet()))
        let rerecorded = await recording.run(root.appendingPathComponent("scenarios/spike"))
        #expect(rerecorded.status == .pass && rerecorded.recorded.contains("golden/spike/timeline.csv"))
        #expect(try String(contentsOf: golden, encoding: .utf8).contains("2026-01-12 16:00:00,cpu,\(original),"))
    }

    /// run.json is compared where no output shows a difference: job runs that ended otherwise
    /// (a job that starts failing may leave every output as it was) and a scenario edited since
    /// the golden was recorded. --record failed writes it again.
    @Test func jobRunsAndTheScenarioAreComparedInRunJSON() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let runJSON = root.appendingPathComponent("golden/spike/run.json")
        let recorded = try String(contentsOf: runJSON, encoding: .utf8)
        var fields = try #require(try JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [String: Any])
        var runs = try #require(fields["job_runs"] as? [String: Int])
        runs["train_failed"] = 2
        fields["job_runs"] = runs
        fields["scenario_hash"] = "0000000000000000"
        try JSONSerialization.data(withJSONObject: fields).write(to: runJSON)

        let report = await ReplaySuite(root: root, options: .init(record: .never, logger: quiet()))
            .run(root.appendingPathComponent("scenarios/spike"))
        #expect(report.status == .fail)
        #expect(report.messages.contains("golden mismatch: run.json: job runs train_failed: expected 2, got 0"), "\(report.messages)")
        #expect(report.messages.contains { $0.hasPrefix("golden mismatch: run.json: recorded from another version of the scenario") })
        #expect(report.messages.count == 2, "every output still matches: \(report.messages)")

        let rerecorded = await ReplaySuite(root: root, options: .init(record: .failed, logger: quiet()))
            .run(root.appendingPathComponent("scenarios/spike"))
        #expect(rerecorded.status == .pass && rerecorded.recorded == ["golden/spike/run.json"], "\(rerecorded.recorded)")
        #expect(try String(contentsOf: runJSON, encoding: .utf8) == recorded)
    }

    @Test func everyDifferenceIsCountedAndTheFirstFiveShown() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let golden = root.appendingPathComponent("golden/spike/timeline.csv")
        let lines = try String(contentsOf: golden, encoding: .utf8).components(separatedBy: "\n")
        // Every data row of the golden loses its last field's value: one difference per row.
        let changed = lines.enumerated().map { i, line in i == 0 || line.isEmpty ? line : String(line.dropLast()) + "9" }
        try changed.joined(separator: "\n").write(to: golden, atomically: true, encoding: .utf8)
        let report = await ReplaySuite(root: root, options: .init(record: .never, logger: quiet())).run(
            root.appendingPathComponent("scenarios/spike"))
        let rows = lines.dropFirst().filter { !$0.isEmpty }.count
        #expect(report.messages.filter { $0.hasPrefix("golden mismatch: timeline.csv line ") }.count == 5)
        #expect(
            report.messages.contains { $0.hasPrefix("golden mismatch: timeline.csv: \(rows - 5) more differences (\(rows) in all") },
            "\(report.messages.last ?? "")")
    }

    /// A replay stopped early is compared with the golden's rows up to that time, and records nothing.
    @Test func untilComparesTheGoldenUpToThatTime() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let until = MetricTimestamp.parse("2026-01-12 12:00:00")!
        let options = ReplaySuite.Options(record: .all, until: until, logger: quiet())
        let report = await ReplaySuite(root: root, options: options).run(root.appendingPathComponent("scenarios/spike"))
        #expect(report.status == .pass && report.recorded.isEmpty, "\(report.messages) \(report.recorded)")
        #expect(report.reproduce.hasSuffix("--until 2026-01-12T12:00:00Z"))
        let golden = try String(contentsOf: root.appendingPathComponent("golden/spike/timeline.csv"), encoding: .utf8)
        #expect(golden.contains("2026-01-12 16:00:00,cpu,"), "the golden keeps the whole run")
        // A change after the cut is not compared; one before it is.
        let late = golden.replacingOccurrences(of: "2026-01-12 16:00:00,cpu,", with: "2026-01-12 16:00:00,cpu,9")
        let cut = try #require(GoldenComparison.rows(of: late, file: "timeline.csv", through: until))
        #expect(!cut.contains("2026-01-12 16:00:00") && cut.hasPrefix("timestamp,metric,"))
        #expect(GoldenComparison.rows(of: "<svg/>", file: "plots/cpu.svg", through: until) == nil)
    }

    /// A golden that differs gets the output beside it as `<golden>.received`; approving makes it
    /// the golden, and a replay that matches again leaves none behind.
    @Test func receivedOutputsAreWrittenAndApproved() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let scenario = root.appendingPathComponent("scenarios/spike")
        let golden = root.appendingPathComponent("golden/spike/timeline.csv")
        let original = try String(contentsOf: golden, encoding: .utf8)
        try original.replacingOccurrences(of: "2026-01-12 16:00:00,cpu,", with: "2026-01-12 16:00:00,cpu,1").write(
            to: golden, atomically: true, encoding: .utf8)
        let suite = ReplaySuite(root: root, options: .init(record: .never, logger: quiet()))
        let failed = await suite.run(scenario)
        #expect(failed.status == .fail && failed.received == ["golden/spike/timeline.csv.received"])
        let received = root.appendingPathComponent("golden/spike/timeline.csv.received")
        #expect(try String(contentsOf: received, encoding: .utf8) == original, "the output, as the golden would hold it")

        var options = ReplaySuite.Options(record: .never, logger: quiet())
        options.diff = true
        let diffed = await ReplaySuite(root: root, options: options).run(scenario)
        #expect(diffed.messages.contains { $0.hasPrefix("--- golden/spike/timeline.csv\n+++ timeline.csv (this replay)\n@@ ") })

        #expect(try suite.approve(scenario) == ["golden/spike/timeline.csv"])
        #expect(!FileManager.default.fileExists(atPath: received.path))
        let again = await suite.run(scenario)
        #expect(again.status == .pass && again.received.isEmpty, "\(again.messages)")
    }

    /// The determinism check replays in another process and compares what it wrote: a stand-in
    /// engine whose outputs differ from this process's (as a replay whose output followed a
    /// hash-seeded iteration order would) is caught, file by file; one that writes the same
    /// outputs passes.
    @Test func theDeterminismCheckCatchesAChildProcessThatDiffers() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let scenario = root.appendingPathComponent("scenarios/spike")
        let golden = root.appendingPathComponent("golden/spike")
        // The stand-in copies the goldens as its outputs, with one timeline row changed or not.
        func standIn(_ name: String, changing: Bool) throws -> String {
            let edit = changing ? #"sed -i 's/^2026-01-12 16:00:00,cpu,/2026-01-12 16:00:00,cpu,7/' "$out/spike/timeline.csv""# : "true"
            let script = """
                #!/bin/sh
                echo "$@" > \(root.appendingPathComponent("arguments").path)
                out=""
                while [ $# -gt 0 ]; do if [ "$1" = "--out" ]; then out="$2"; fi; shift; done
                mkdir -p "$out/spike" && cp -r \(golden.path)/. "$out/spike/" && \(edit)
                exit 1
                """
            let url = root.appendingPathComponent(name)
            try script.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            return url.path
        }
        var options = ReplaySuite.Options(record: .never, checkDeterminism: true, logger: quiet())
        options.parallelism = 3
        options.childExecutable = try standIn("differs.sh", changing: true)
        let caught = await ReplaySuite(root: root, options: options).run(scenario)
        #expect(caught.status == .fail)
        #expect(
            caught.messages.map { $0.prefix(101) }
                == ["not deterministic: timeline.csv differs in another process (another hash seed, fitting 1 at a time): "])
        #expect(try String(contentsOf: root.appendingPathComponent("arguments"), encoding: .utf8).contains(" --jobs 1"))
        options.childExecutable = try standIn("same.sh", changing: false)
        let same = await ReplaySuite(root: root, options: options).run(scenario)
        #expect(same.status == .pass, "\(same.messages)")
    }

    @Test func aMissingGoldenFailsUnderNeverAndIsWrittenUnderMissing() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: root.appendingPathComponent("golden/spike/alerts.jsonl"))
        let never = await ReplaySuite(root: root, options: .init(record: .never, logger: quiet())).run(root.appendingPathComponent("scenarios/spike"))
        #expect(never.status == .fail && never.messages.contains { $0.contains("golden/spike/alerts.jsonl is missing") })
        let missing = await ReplaySuite(root: root, options: .init(record: .missing, logger: quiet())).run(
            root.appendingPathComponent("scenarios/spike"))
        #expect(missing.status == .pass && missing.recorded.contains("golden/spike/alerts.jsonl"))
    }

    /// Run from another directory, a replay still compares with the scenario's own goldens (and
    /// records nothing there); an explicit golden root is used as given and named in the repro.
    @Test func goldensAreFoundFromTheScenarioNotTheCurrentDirectory() async throws {
        let root = try scratch()
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: elsewhere)
        }
        let scenario = root.appendingPathComponent("scenarios/spike")
        var options = ReplaySuite.Options(record: .missing, checkDeterminism: false, logger: quiet())
        options.executable = ".build/debug/engine"
        let report = await ReplaySuite(root: elsewhere, options: options).run(scenario)
        #expect(report.status == .pass && report.recorded.isEmpty, "\(report.messages) \(report.recorded)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("golden").path))

        let empty = elsewhere.appendingPathComponent("goldens")
        options.record = .never
        options.goldenRoot = empty
        options.checkDeterminism = true
        let explicit = await ReplaySuite(root: elsewhere, options: options).run(scenario)
        #expect(explicit.status == .fail && explicit.messages.contains { $0.contains("goldens/spike/alerts.jsonl is missing") })
        #expect(
            explicit.reproduce
                == ".build/debug/engine replay \(scenario.standardizedFileURL.path) --record never --seed 1 --golden-root goldens --check-determinism"
        )
    }

    @Test func aBrokenScenarioIsReportedAsBroken() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try "start: nonsense\nticks: 3\nseries:\n  a:\n    values: \"1 2 3\"\n"
            .write(to: root.appendingPathComponent("scenarios/spike/scenario.yaml"), atomically: true, encoding: .utf8)
        let report = await ReplaySuite(root: root, options: .init(record: .never, logger: quiet())).run(
            root.appendingPathComponent("scenarios/spike"))
        #expect(report.status == .broken)
        #expect(report.messages == ["scenarios/spike/scenario.yaml:1: key 'start': 'nonsense' is not a time (RFC 3339, e.g. 2026-01-05T10:00:00Z)"])
        // A key deeper down names the line of its section.
        try "start: 2026-01-05T00:00:00Z\nticks: 3\nseries:\n  a:\n    valeus: \"1 2 3\"\n"
            .write(to: root.appendingPathComponent("scenarios/spike/scenario.yaml"), atomically: true, encoding: .utf8)
        let nested = await ReplaySuite(root: root, options: .init(record: .never, logger: quiet())).run(
            root.appendingPathComponent("scenarios/spike"))
        #expect(nested.messages.first?.hasPrefix("scenarios/spike/scenario.yaml:3: key 'series.a.valeus': unknown key") == true, "\(nested.messages)")
    }

    @Test func theSuiteHasAtLeastFifteenScenariosEachWithGoldens() throws {
        let suite = ReplaySuite(root: Self.repository, options: .init(record: .never, logger: quiet()))
        let folders = try suite.scenarioFolders([])
        #expect(folders.count >= 15)
        for folder in folders {
            for file in ReplayOutputs.baseFiles {
                let golden = Self.repository.appendingPathComponent("golden/\(folder.lastPathComponent)/\(file)")
                #expect(FileManager.default.fileExists(atPath: golden.path), "\(golden.path)")
            }
        }
    }
}
