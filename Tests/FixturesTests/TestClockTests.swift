import Engine
import Fixtures
import Foundation
import Testing

@Suite struct TestClockTests {
    @Test func sleepersWakeWhenTheClockPassesTheirDeadline() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 0))
        let woke = RecordingPlotSink()
        let task = Task {
            try await clock.sleep(until: Date(timeIntervalSince1970: 60))
            try woke.write(batch: "b", file: "woke", data: Data(MetricTimestamp.format(clock.now).utf8))
        }
        for _ in 0..<50 { await Task.yield() }
        #expect(woke.files.isEmpty)
        clock.advance(by: 30)
        for _ in 0..<50 { await Task.yield() }
        #expect(woke.files.isEmpty)
        clock.advance(by: 30)
        try await task.value
        #expect(woke.files["b/woke"] == Data("1970-01-01 00:01:00".utf8))
    }

    @Test func pastDeadlinesReturnAtOnce() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 100))
        try await clock.sleep(until: Date(timeIntervalSince1970: 50))
        clock.set(Date(timeIntervalSince1970: 10))
        #expect(clock.now == Date(timeIntervalSince1970: 10))
    }
}
