import Engine
import Foundation
import Logging
import Synchronization
import Testing

@testable import Replay

@Suite struct ReplayDriverTests {
    final class Times: Sendable {
        let values = Mutex<[String]>([])
    }

    /// Keeps the `sim_time` each message was logged at.
    struct SimulatedTimes: LogHandler {
        let times: Times
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            if case .string(let time)? = metadataProvider?.get()["sim_time"] { times.values.withLock { $0.append(time) } }
        }
    }

    /// A verbose replay's log is stamped with the scenario's clock, not the wall clock.
    @Test func theLogCarriesTheSimulatedTime() async throws {
        let yaml = """
            start: 2026-01-01T00:00:00Z
            ticks: 30
            interval: 1h
            schedule: {ingest: "0 * * * *", train: "5 * * * *", score: "10 * * * *"}
            series:
              cpu:
                components: [{level: 10}, {noise: {sd: 1}}]
            expect: none
            """
        let scenario = try Scenario.parse(name: "t", file: "t/scenario.yaml", text: yaml, seedOverride: nil) { _ in ("", "") }
        let times = Times()
        let logger = Logger(label: "replay") { _ in SimulatedTimes(times: times) }
        _ = try await ReplayDriver(options: .init(logger: logger)).run(scenario)
        let stamps = times.values.withLock { $0 }
        #expect(!stamps.isEmpty, "the jobs log at info")
        #expect(stamps.allSatisfy { $0 >= "2025-12-31T23:59:59Z" && $0 <= "2026-01-02T06:00:00Z" }, "\(stamps.prefix(3))")
    }

    /// A scenario whose batch has an `ingest_fn` (here included from a file beside it) takes its
    /// data from the function, run with python3 at every ingest on the replay's clock.
    @Test func anIngestFunctionMakesTheData() async throws {
        let timeline = try await replayIngestFunction(returning: "[{'metric_timestamp': now.strftime('%Y-%m-%d %H:%M:%S'), 'metric_name': 'm', 'metric_value': now.hour}]", expecting: "m")
        #expect(timeline.contains("2026-01-01 05:00:00,m,5.0000"), "\(timeline.prefix(300))")
    }

    /// What could not be checked before the function ran is checked after: an expectation on a
    /// metric it never made, and a function that made nothing, are errors, not passes.
    @Test func anIngestFunctionsMetricsAreCheckedOnceItRan() async throws {
        await #expect {
            try await replayIngestFunction(returning: "[{'metric_timestamp': now.strftime('%Y-%m-%d %H:%M:%S'), 'metric_name': 'm', 'metric_value': 1}]", expecting: "mm")
        } throws: { error in
            "\(error)".contains("key 'expect.no_alerts[0]': 'mm' never came out of the ingest_fn (did you mean 'm'?); it made: m")
        }
        await #expect {
            try await replayIngestFunction(returning: "[]", expecting: "m")
        } throws: { error in
            "\(error)".contains("key 'batch.ingest_fn': the ingest_fn returned no rows over the whole replay")
        }
    }

    @Test func seriesAndAnIngestFunctionTogetherAreRefused() throws {
        let yaml = "start: 2026-01-01T00:00:00Z\nticks: 4\nbatch:\n  ingest_fn: 'def ingest(): return []'\nseries:\n  a: {values: '1 2'}\nexpect: none\n"
        #expect {
            try Scenario.parse(name: "t", file: "t/scenario.yaml", text: yaml, seedOverride: nil) { _ in ("", "") }
        } throws: { error in
            "\(error)".contains("key 'series': the batch's ingest_fn makes this scenario's data: give series or an ingest_fn, not both")
        }
    }

    /// Replays a scenario, in a scratch folder, whose `ingest(now)` (in `ingest.py`) returns `rows`,
    /// expecting no alert on `metric`; the timeline it wrote.
    func replayIngestFunction(returning rows: String, expecting metric: String) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-fn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let function = "def ingest(now):\n    return \(rows)\n"
        let yaml = """
            start: 2026-01-01T00:00:00Z
            ticks: 12
            interval: 1h
            batch:
              ingest_fn: >
                {% include "./ingest.py" %}
            schedule: {ingest: "0 * * * *"}
            expect:
              no_alerts:
                - metric: \(metric)
            """
        let file = folder.appendingPathComponent("scenario.yaml").path
        let scenario = try Scenario.parse(name: "t", file: file, text: yaml, seedOverride: nil) { path in
            #expect(path == "ingest.py")
            return (path, function)
        }
        try function.write(to: folder.appendingPathComponent("ingest.py"), atomically: true, encoding: .utf8)
        let outputs = try await ReplayDriver(options: .init(logger: Logger(label: "replay") { _ in SwiftLogNoOpLogHandler() })).run(scenario)
        return outputs.files["timeline.csv"] ?? ""
    }
}
