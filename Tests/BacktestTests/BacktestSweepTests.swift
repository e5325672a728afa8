import Engine
import Foundation
import Synchronization
import Testing

@testable import Backtest

/// The sweep as `engine backtest --sweep` runs it: every combination over the corpus, ranked,
/// with the leaderboard, report and summary written and progress reported line by line.
@Suite struct BacktestSweepTests {
    @Test func everyCombinationRunsAndTheBestLeads() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = BacktestSweep(
            metricsConfig: nil, overrides: ["train_min_n=30", "model_configs.0.model_params.learn_days=0"],
            sweep: ["change_threshold=3.5,1000"], retrainEvery: 50, profiles: NABProfile.named("standard")!,
            jobs: 1, rankBy: "change_windows_detected", seed: 0, resume: false)
        let lines = Mutex<[String]>([])
        let ranked = try await sweep.run([BacktesterTests.shifted()], output: BacktestOutput(folder: folder)) { line in
            lines.withLock { $0.append(line) }
        }
        #expect(ranked.map(\.overrides.last) == ["change_threshold=3.5", "change_threshold=1000"])
        #expect(ranked[0].total.changeWindowsDetected == 1 && ranked[1].total.changeWindowsDetected == 0)
        let printed = lines.withLock { $0 }
        #expect(printed.contains("run 1 of 2: change_threshold=3.5") && printed.contains("leaderboard (by change_windows_detected):"))
        #expect(printed.filter { $0.hasPrefix("  [1/1] ") }.count == 2, "one progress line per series per run")
        let board = try CSVTable.read(folder.appendingPathComponent("leaderboard.csv"))
        #expect(board.rows.count == 2)
        for file in [
            "summary.json", "report.html", "runs/1/checkpoint.json", "runs/2/checkpoint.json", "runs/1/events.csv", "runs/2/events.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test func anUnreadableSettingsFileIsNamed() async throws {
        let missing = URL(fileURLWithPath: "/nonexistent/batch.yaml")
        let sweep = BacktestSweep(
            metricsConfig: missing, overrides: [], sweep: [], retrainEvery: nil,
            profiles: NABProfile.named("all")!, jobs: 1, rankBy: "nab_standard", seed: 0, resume: false)
        let error = await #expect(throws: BacktestError.self) {
            try await sweep.run([], output: BacktestOutput(folder: FileManager.default.temporaryDirectory)) { _ in }
        }
        #expect(error?.description.hasPrefix("/nonexistent/batch.yaml: cannot read") == true)
    }
}
