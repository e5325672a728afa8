import Replay
import Testing

@Suite struct EngineBenchmarkTests {
    @Test func benchmarkTrainsEveryMetricAndScoresTheLast25Points() async throws {
        let figures = try await EngineBenchmark(metrics: 3, points: 200, seed: 1).run()
        #expect(figures.modelsTrained == 6)
        #expect(figures.scoresWritten == 75)
        #expect(figures.trainSeconds > 0 && figures.scoreSeconds > 0)
    }
}
