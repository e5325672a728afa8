import Engine
import Foundation
import Replay
import Testing

@Suite struct NABReplayBenchmarkTests {
    /// A NAB-shaped folder with one file: two days of five-minute points and a spike late in
    /// the second. The replay runs the four jobs on their default crons over the file's span.
    @Test func aFileIsReplayedThroughTheJobsOnTheDefaultCadence() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nab-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("realTest"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = Xoshiro256(seed: 5)
        let start = MetricTimestamp.parse("2014-03-01 00:00:00")!
        var csv = "timestamp,value\n"
        for i in 0..<576 {
            let value = 50 + random.nextGaussian() + (i == 520 ? 40 : 0)
            csv += "\(MetricTimestamp.format(start.addingTimeInterval(Double(i) * 300))),\(value)\n"
        }
        try csv.write(to: folder.appendingPathComponent("realTest/spike.csv"), atomically: true, encoding: .utf8)
        let figures = try await NABReplayBenchmark(dataDirectory: folder).run()
        #expect(figures.map(\.file) == ["realTest/spike.csv"])
        #expect(figures.first?.points == 576)
        // Two days: 960 ingest ticks (every 3 minutes), 720 score, 576 train and 576 alert ticks.
        #expect((figures.first?.jobRuns ?? 0) >= 2_800, "job runs: \(figures.first?.jobRuns ?? 0)")
        #expect(figures.first?.alerts == 1, "the spike, once")
    }
}
