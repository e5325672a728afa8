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
}
